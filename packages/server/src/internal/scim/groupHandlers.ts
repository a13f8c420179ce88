/**
 * The SCIM Groups endpoints (RFC 7644 §3): list, create, read, replace, patch and delete groups (a group's id is its
 * GID), each a call into the core's `Groups` or `Provisioning` on behalf of the token.
 */
import type { Actor, Group } from "@user-manager/core"
import { Chunk, Effect, Stream } from "effect"
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
import { invalidSyntax, invalidValue, notFound, ScimError } from "./errors.js"
import { groupFilter } from "./filter.js"
import { type GroupChanges, groupChanges, memberValues, operations } from "./patch.js"
import { body, GROUP_SORT, ifMatch, shownOf } from "./request.js"
import { etag, groupResource } from "./resources.js"

/** The Groups endpoints' handlers, over the core's services. */
export const groupHandlers = (services: Services) => {
  const { groups, provisioning } = services

  /** Every member of a group, page by page. */
  const allMembers = (actor: Actor.Actor, name: string) =>
    Effect.map(Stream.runCollect(groups.memberStream(actor, name)), Chunk.toReadonlyArray)

  const groupAnswer = (call: Call, group: Group.Group, status = 200): Effect.Effect<Answer, unknown> =>
    Effect.gen(function* () {
      const shown = shownOf(call.query)
      const members = shown.wants("members") ? yield* allMembers(call.actor, group.name) : undefined
      return resourceAnswer(groupResource(call.base, group, members), shown, group.version, status)
    })

  /** The group whose id (GID) is `id`, or 404. */
  const groupById = (actor: Actor.Actor, id: string | undefined): Effect.Effect<Group.Group, unknown> => {
    const gid = id !== undefined && /^\d{1,10}$/.test(id) ? Number(id) : undefined
    if (gid === undefined) return Effect.fail(notFound(`there is no group with id '${String(id).slice(0, 40)}'`))
    return groups.getByGid(actor, gid)
  }

  /** A group's fields in a POST or PUT body. */
  const groupFields = (value: unknown) => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      return Effect.fail(invalidSyntax("a group is a JSON object"))
    }
    const resource = value as Record<string, unknown>
    const displayName = resource.displayName
    if (typeof displayName !== "string" || displayName.trim() === "") {
      return Effect.fail(invalidValue("displayName is required"))
    }
    const members = resource.members === undefined || resource.members === null ? [] : memberValues(resource.members)
    if (members instanceof ScimError) return Effect.fail(members)
    const externalId = resource.externalId
    if (externalId !== undefined && externalId !== null && typeof externalId !== "string") {
      return Effect.fail(invalidValue("externalId is a string"))
    }
    return Effect.succeed({ displayName, members, externalId: (externalId ?? null) as string | null })
  }

  /** A member named who is not a user is the request's mistake (400), not a missing resource (404). */
  const membersExist = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
    Effect.catchIf(
      effect,
      (error) => typeof error === "object" && error !== null && (error as { _tag?: string })._tag === "UserNotFound",
      (error) => Effect.fail(invalidValue((error as unknown as Error).message))
    )

  /** Applies a group's changes in one `Groups.modify` (one transaction). */
  const applyGroupChanges = (
    call: Call,
    group: Group.Group,
    changes: GroupChanges,
    expectedVersion: number | undefined
  ) => {
    const input: Record<string, unknown> = {}
    if (changes.members !== undefined) input.members = changes.members
    if (changes.addMembers.length > 0) input.addMembers = changes.addMembers
    if (changes.removeMembers.length > 0) {
      input.removeMembers = changes.removeMembers
      // RFC 7644 §3.5.2.2: a remove takes away the members it matches; matching no one (a user who already left, or
      // never existed) changes nothing and succeeds, so that a provider's sync can send it again.
      input.absentRemovals = "ignore"
    }
    if (changes.externalName !== undefined) input.externalName = changes.externalName
    if (changes.externalId !== undefined) input.externalId = changes.externalId
    if (Object.keys(input).length === 0 && expectedVersion === undefined) return Effect.succeed(group)
    return membersExist(
      groups.modify(call.actor, group.name, input, expectedVersion === undefined ? {} : { expectedVersion })
    )
  }

  const listGroups = (call: Call) =>
    Effect.gen(function* () {
      const { startIndex, count, query, shown } = yield* listRequest(call, GROUP_SORT, "gid", groupFilter)
      const page = yield* filterRefused(groups.list(call.actor, query))
      const items = count === 0 ? [] : page.items
      const resources = yield* Effect.forEach(items, (group) =>
        Effect.map(shown.wants("members") ? allMembers(call.actor, group.name) : Effect.succeed(undefined), (members) =>
          shown.apply(groupResource(call.base, group, members))
        )
      )
      return listAnswer(resources, page.total, startIndex)
    })

  return {
    listGroups,
    createGroup: (call: Call) =>
      Effect.gen(function* () {
        const fields = yield* groupFields(yield* body(call.request, services.config))
        const created = yield* membersExist(
          provisioning.createGroup(call.actor, {
            externalName: fields.displayName,
            externalId: fields.externalId,
            members: fields.members
          })
        )
        return yield* groupAnswer(call, created, 201)
      }),
    getGroup: (call: Call) =>
      Effect.gen(function* () {
        const group = yield* groupById(call.actor, call.params.id)
        return notModified(call, group.version) ?? (yield* groupAnswer(call, group))
      }),
    replaceGroup: (call: Call) =>
      Effect.gen(function* () {
        const expected = yield* ifMatch(call.request)
        const fields = yield* groupFields(yield* body(call.request, services.config))
        const group = yield* groupById(call.actor, call.params.id)
        const changed = yield* applyGroupChanges(
          call,
          group,
          {
            externalName: fields.displayName,
            externalId: fields.externalId,
            members: fields.members,
            addMembers: [],
            removeMembers: []
          },
          expected
        )
        return yield* groupAnswer(call, changed)
      }),
    patchGroup: (call: Call) =>
      Effect.gen(function* () {
        const expected = yield* ifMatch(call.request)
        const ops = yield* failWith(operations(yield* body(call.request, services.config)))
        const changes = yield* failWith(groupChanges(ops))
        const group = yield* groupById(call.actor, call.params.id)
        const changed = yield* applyGroupChanges(call, group, changes, expected)
        // The group itself only when asked for (`attributes`): a huge group's members are not sent back on each change.
        if (call.query.get("attributes") === null)
          return { status: 204, headers: { etag: etag(changed.version) } } satisfies Answer
        return yield* groupAnswer(call, changed)
      }),
    deleteGroup: (call: Call) =>
      Effect.gen(function* () {
        const expected = yield* ifMatch(call.request)
        const group = yield* groupById(call.actor, call.params.id)
        yield* checkVersion(expected, group.version)
        yield* groups.remove(call.actor, group.name)
        return { status: 204 } satisfies Answer
      })
  }
}
