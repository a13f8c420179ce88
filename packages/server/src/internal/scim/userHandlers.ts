/**
 * The SCIM Users endpoints (RFC 7644 §3): list, create, read, replace, patch and delete users, each a call into the
 * core's `Users` or `Provisioning` on behalf of the token.
 */
import { type Actor, Page, type User } from "@user-manager/core"
import { Effect } from "effect"
import {
  type Answer,
  type Call,
  checkVersion,
  failWith,
  filterRefused,
  listAnswer,
  listRequest,
  notModified,
  resourceAnswer,
  type Services
} from "./answers.js"
import { invalidSyntax, invalidValue, ScimError } from "./errors.js"
import { userFilter } from "./filter.js"
import { booleanOf, operations, primaryEmail, type UserChanges, userChanges } from "./patch.js"
import { body, ifMatch, shownOf, USER_SORT } from "./request.js"
import { type GroupRef, userResource } from "./resources.js"

/** How many groups one read of users' groups names (within the core's `MAX_FILTER_CONDITIONS`). */
const GROUPS_PER_READ = 100

/** The Users endpoints' handlers, over the core's services. */
export const userHandlers = (services: Services) => {
  const { users, groups, provisioning } = services

  /** The groups of users, by name: their GIDs and shown names, read by one list per hundred groups. */
  const groupRefs = (actor: Actor.Actor, names: ReadonlyArray<string>) => {
    const distinct = [...new Set(names)]
    const chunks = Array.from({ length: Math.ceil(distinct.length / GROUPS_PER_READ) }, (_, index) =>
      distinct.slice(index * GROUPS_PER_READ, (index + 1) * GROUPS_PER_READ)
    )
    return Effect.forEach(chunks, (chunk) =>
      groups.list(actor, {
        where: {
          _tag: "Or",
          filters: chunk.map((name) => ({ _tag: "Compare", field: "name", operator: "eq", value: name }))
        },
        limit: chunk.length
      })
    ).pipe(
      Effect.map(
        (pages) =>
          new Map<string, GroupRef>(
            pages.flatMap((page) =>
              page.items.map(
                (group) => [group.name, { gid: group.gid, display: group.externalName ?? group.name }] as const
              )
            )
          )
      )
    )
  }

  const userAnswer = (call: Call, user: User.User, status = 200): Effect.Effect<Answer, unknown> =>
    Effect.gen(function* () {
      const shown = shownOf(call.query)
      const refs = shown.wants("groups") ? yield* groupRefs(call.actor, user.groups) : undefined
      const resource = userResource(
        call.base,
        user,
        refs === undefined ? undefined : user.groups.flatMap((name) => refs.get(name) ?? [])
      )
      return resourceAnswer(resource, shown, user.version, status)
    })

  /** Makes a user's changes, its enabled state with its details, in one `Users.modify` (one transaction). */
  const applyUserChanges = (
    call: Call,
    username: string,
    changes: UserChanges,
    expectedVersion: number | undefined
  ) => {
    const fields: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(changes)) if (value !== undefined) fields[key] = value
    return Object.keys(fields).length > 0 || expectedVersion !== undefined
      ? users.modify(call.actor, username, {
          ...fields,
          ...(expectedVersion === undefined ? {} : { expectedVersion })
        })
      : users.get(call.actor, username)
  }

  /** A user's fields in a POST or PUT body. */
  const userFields = (value: unknown): Effect.Effect<UserChanges & { externalName: string }, ScimError> => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      return Effect.fail(invalidSyntax("a user is a JSON object"))
    }
    const resource = value as Record<string, unknown>
    const userName = resource.userName
    if (typeof userName !== "string" || userName.trim() === "") return Effect.fail(invalidValue("userName is required"))
    const name =
      typeof resource.name === "object" && resource.name !== null ? (resource.name as Record<string, unknown>) : {}
    const text = (field: unknown, attribute: string) =>
      field === undefined || field === null
        ? null
        : typeof field === "string"
          ? field
          : invalidValue(`${attribute} is a string`)
    const firstName = text(name.givenName, "name.givenName")
    const lastName = text(name.familyName, "name.familyName")
    const externalId = text(resource.externalId, "externalId")
    const email = resource.emails === undefined ? null : primaryEmail(resource.emails)
    const enabled = resource.active === undefined ? true : booleanOf(resource.active)
    for (const part of [firstName, lastName, externalId]) if (part instanceof ScimError) return Effect.fail(part)
    if (email === undefined) return Effect.fail(invalidValue("emails is a list of { value, type, primary }"))
    if (enabled === undefined) return Effect.fail(invalidValue("active is true or false"))
    return Effect.succeed({
      externalName: userName,
      firstName: firstName as string | null,
      lastName: lastName as string | null,
      externalId: externalId as string | null,
      email,
      enabled
    })
  }

  const listUsers = (call: Call) =>
    Effect.gen(function* () {
      const { startIndex, count, query, shown } = yield* listRequest(call, USER_SORT, "username", userFilter)
      // The page's users and their groups' GIDs and names in one read transaction when the groups are shown.
      const { page, refs } =
        shown.wants("groups") && count > 0
          ? yield* Effect.map(filterRefused(users.listWithGroups(call.actor, query)), ({ page, groups }) => ({
              page,
              refs: new Map(
                [...groups.values()].map(
                  (group) => [group.name, { gid: group.gid, display: group.externalName ?? group.name }] as const
                )
              )
            }))
          : { page: yield* filterRefused(users.list(call.actor, query)), refs: undefined }
      const items = count === 0 ? [] : page.items
      const resources = items.map((user) =>
        shown.apply(
          userResource(
            call.base,
            user,
            refs === undefined ? undefined : user.groups.flatMap((name) => refs.get(name) ?? [])
          )
        )
      )
      return listAnswer(resources, page.total, startIndex)
    }).pipe(
      // totalResults is every match (RFC 7644 §3.4.2): a provider pages until it has read that many, where the API's
      // bounded total ("10,000+") would end its import early.
      Effect.provideService(Page.ExactTotalLimit, 0)
    )

  return {
    listUsers,
    createUser: (call: Call) =>
      Effect.gen(function* () {
        const fields = yield* userFields(yield* body(call.request, services.config))
        const created = yield* provisioning.createUser(call.actor, {
          externalName: fields.externalName,
          externalId: fields.externalId,
          ...(fields.firstName === null || fields.firstName === undefined ? {} : { firstName: fields.firstName }),
          ...(fields.lastName === null || fields.lastName === undefined ? {} : { lastName: fields.lastName }),
          ...(fields.email === null || fields.email === undefined ? {} : { email: fields.email }),
          enabled: fields.enabled ?? true
        })
        return yield* userAnswer(call, created, 201)
      }),
    getUser: (call: Call) =>
      Effect.gen(function* () {
        const user = yield* users.get(call.actor, call.params.id ?? "")
        return notModified(call, user.version) ?? (yield* userAnswer(call, user))
      }),
    replaceUser: (call: Call) =>
      Effect.gen(function* () {
        const expected = yield* ifMatch(call.request)
        const fields = yield* userFields(yield* body(call.request, services.config))
        const user = yield* applyUserChanges(call, call.params.id ?? "", fields, expected)
        return yield* userAnswer(call, user)
      }),
    patchUser: (call: Call) =>
      Effect.gen(function* () {
        const expected = yield* ifMatch(call.request)
        const ops = yield* failWith(operations(yield* body(call.request, services.config)))
        const changes = yield* failWith(userChanges(ops))
        const user = yield* applyUserChanges(call, call.params.id ?? "", changes, expected)
        return yield* userAnswer(call, user)
      }),
    deleteUser: (call: Call) =>
      Effect.gen(function* () {
        const expected = yield* ifMatch(call.request)
        const username = call.params.id ?? ""
        if (expected !== undefined) yield* checkVersion(expected, (yield* users.get(call.actor, username)).version)
        yield* provisioning.removeUser(call.actor, username)
        return { status: 204 } satisfies Answer
      })
  }
}
