/**
 * The groups of an in-memory transaction: read, write, rename and list them.
 */
import { Effect, Option } from "effect"
import type { GroupListQuery, GroupRecord, GroupStore } from "../../Directory.js"
import { GidTaken, GroupNameTaken, type StorageError } from "../../Errors.js"
import type { GroupSort } from "../../Group.js"
import type { GroupName } from "../../Names.js"
import { GROUP_FIELD_RULES, matchesFilter } from "../../RecordFilter.js"
import { compareKeys, matchesSearch } from "../search.js"
import { drop, type MemoryContext, page, put, toggle } from "./state.js"

const groupSortKey = (sort: GroupSort, group: GroupRecord): string | number => {
  switch (sort) {
    case "members":
      return group.memberCount
    case "createdAt":
    case "updatedAt":
      return group[sort].getTime()
    default:
      return group[sort]
  }
}

/** The groups of a transaction, over its context. */
export const groupOperations = ({ state, mutate, members, groupRecord }: MemoryContext): GroupStore => ({
  findGroup: (name, options) =>
    Effect.sync(() =>
      Option.map(Option.fromNullable(state.groups.get(name as GroupName)), (row) =>
        groupRecord(row, options?.memberPreview)
      )
    ),
  findGroupRow: (name) => Effect.sync(() => Option.fromNullable(state.groups.get(name as GroupName))),
  findGroupByGid: (gid) => Effect.sync(() => Option.fromNullable(state.gids.get(gid))),
  insertGroup: (row) =>
    Effect.suspend((): Effect.Effect<void, StorageError | GroupNameTaken | GidTaken> => {
      if (state.groups.has(row.name)) return new GroupNameTaken({ name: row.name })
      const holder = state.gids.get(row.gid)
      if (holder !== undefined) return new GidTaken({ gid: row.gid, group: holder })
      return mutate((log) => {
        put(log, state.groups, row.name, row)
        put(log, state.groupMembers, row.name, new Set())
        put(log, state.gids, row.gid, row.name)
        toggle(log, state.gidLedger, row.gid, true)
      })
    }),
  updateGroup: (previousName, row) =>
    Effect.suspend((): Effect.Effect<void, StorageError | GroupNameTaken> => {
      if (previousName !== row.name && state.groups.has(row.name)) return new GroupNameTaken({ name: row.name })
      return mutate((log) => {
        if (previousName !== row.name) {
          const set = members(previousName)
          for (const username of set) {
            const groups = state.userGroups.get(username)
            if (groups === undefined) continue
            toggle(log, groups, previousName, false)
            toggle(log, groups, row.name, true)
          }
          drop(log, state.groupMembers, previousName)
          put(log, state.groupMembers, row.name, set)
          drop(log, state.groups, previousName)
        }
        put(log, state.groups, row.name, row)
        put(log, state.gids, row.gid, row.name)
      })
    }),
  deleteGroup: (name) =>
    mutate((log) => {
      const row = state.groups.get(name)
      if (row === undefined) return
      for (const username of members(name)) {
        const groups = state.userGroups.get(username)
        if (groups !== undefined) toggle(log, groups, name, false)
      }
      drop(log, state.groupMembers, name)
      drop(log, state.gids, row.gid)
      drop(log, state.groups, name)
    }),
  listGroups: (query: GroupListQuery) =>
    Effect.sync(() => {
      const direction = query.order === "asc" ? 1 : -1
      const matches: Array<GroupRecord> = []
      const where = query.where
      for (const row of state.groups.values()) {
        if (!matchesSearch(query.search, [row.name])) continue
        if (
          where !== undefined &&
          !matchesFilter(GROUP_FIELD_RULES, where, (field) => (field === "member" ? members(row.name) : row[field]))
        ) {
          continue
        }
        matches.push(groupRecord(row, query.memberPreview))
      }
      const after = query.after
      matches.sort(
        (a, b) =>
          direction * compareKeys(groupSortKey(query.sort, a), groupSortKey(query.sort, b)) ||
          compareKeys(a.name, b.name)
      )
      if (after === undefined) return page(matches, query)
      const { items } = page(
        matches.filter((group) => compareKeys(group.name, after) > 0),
        query
      )
      return { items, total: matches.length }
    }),
  listGroupRows: ({ limit, after, names }) =>
    Effect.sync(() =>
      (names === undefined ? [...state.groups.values()] : names.flatMap((name) => state.groups.get(name) ?? []))
        .filter((row) => after === undefined || compareKeys(row.name, after) > 0)
        .sort((a, b) => compareKeys(a.name, b.name))
        .slice(0, limit)
    )
})
