/**
 * The `/groups` endpoints and what they take.
 */

import * as HttpApiEndpoint from "@effect/platform/HttpApiEndpoint"
import * as HttpApiGroup from "@effect/platform/HttpApiGroup"
import * as OpenApi from "@effect/platform/OpenApi"
import { Group, type Groups, Names, Permissions, User } from "@user-manager/core"
import { Schema } from "effect"
import { Authentication } from "./Authentication.js"
import { DryRun, documented, IfMatch, Limit, nameParam, Offset, Order, Page, strict } from "./fields.js"
import { MEMBERSHIP, OPERATION, refusals } from "./refusals.js"

type Service = Groups.Groups["Type"]

/**
 * A group as the list and a read answer it: the group, and what the asking actor may not do with it (`refused`).
 *
 * @category schemas
 * @since 0.2.0
 */
export class GroupAnswer extends Group.Group.extend<GroupAnswer>("GroupAnswer")({
  refused: Permissions.GroupRefusals.annotations({
    description:
      "What the asking actor may not do with this group (rename, changeMembers, delete), each with the refusal the " +
      "change would fail with: its _tag, its message (the sentence, in English) and its error's data, to word it by. " +
      "An action left out is allowed by the rules the record alone decides (the admin " +
      "group is neither renamed nor deleted; only administrators change groups). Rules that need the members (a " +
      "delete that would leave users without a group) are left to the change itself: try it with dryRun."
  })
}) {}

/**
 * The groups list's query.
 *
 * @category schemas
 * @since 0.1.0
 */
export const GroupListParams = Schema.Struct({
  search: Schema.optional(Schema.String).annotations({ description: "case-insensitive substring of the name" }),
  sort: Schema.optional(Group.GroupSort),
  order: Schema.optional(Order),
  limit: Schema.optional(Limit),
  offset: Schema.optional(Offset)
})

/**
 * The query of a group's members: a search within the group, a page size, and where the page starts.
 *
 * @category schemas
 * @since 0.1.0
 */
export const MemberListParams = Schema.Struct({
  search: Schema.optional(Schema.String).annotations({
    description: "case-insensitive substring of a member's username or full name"
  }),
  limit: Schema.optional(Limit),
  after: Schema.optional(Schema.String).annotations({
    description: "the username the page starts after: the `next` of the previous page"
  })
})

/**
 * What creating a group takes.
 *
 * @category schemas
 * @since 0.1.0
 */
export const CreateGroupBody = strict("CreateGroup", {
  name: documented(Names.GroupName),
  gid: Schema.optional(Schema.Number),
  members: Schema.optional(Schema.Array(Schema.String).annotations({ title: "a list of usernames" })),
  externalId: Schema.optional(Schema.NullOr(documented(User.ExternalId))),
  externalName: Schema.optional(Schema.NullOr(documented(User.ExternalName)))
})

/**
 * What modifying a group takes: a new name, the identity provider's id and name (`null` clears one), and either the whole new member list or the users to add and to remove.
 *
 * @category schemas
 * @since 0.1.0
 */
export const ModifyGroupBody = strict("ModifyGroup", {
  name: Schema.optional(documented(Names.GroupName)),
  externalId: Schema.optional(Schema.NullOr(documented(User.ExternalId))),
  externalName: Schema.optional(Schema.NullOr(documented(User.ExternalName))),
  members: Schema.optional(
    Schema.Array(Schema.String).annotations({
      title: "a list of usernames",
      description: "the whole new member list (for small groups); not with addMembers or removeMembers"
    })
  ),
  addMembers: Schema.optional(
    Schema.Array(Schema.String).annotations({
      title: "a list of usernames",
      description: "users to add; costs what it changes, whatever the size"
    })
  ),
  removeMembers: Schema.optional(
    Schema.Array(Schema.String).annotations({ title: "a list of usernames", description: "users to remove" })
  )
})

/**
 * Users to add to or remove from a group, all or none.
 *
 * @category schemas
 * @since 0.1.0
 */
export const MembersBody = strict("Members", {
  usernames: Schema.Array(Schema.String).annotations({ title: "a list of usernames" })
})

/**
 * `/groups`: list, read, create, rename and set members, delete, add and remove members.
 *
 * @category groups
 * @since 0.1.0
 */
export class GroupsApi extends HttpApiGroup.make("groups")
  .add(
    HttpApiEndpoint.get("list", "/groups")
      .setUrlParams(GroupListParams)
      .addSuccess(Page(GroupAnswer, "GroupPage"))
      .pipe(refusals<Service["list"]>()(...OPERATION))
      .annotate(OpenApi.Summary, "List groups: search, sort and paginate, with the exact total")
  )
  .add(
    HttpApiEndpoint.get("get")`/groups/${nameParam}`
      .addSuccess(GroupAnswer)
      .pipe(refusals<Service["get"]>()(...OPERATION, "GroupNotFound"))
      .annotate(OpenApi.Summary, "Read a group")
  )
  .add(
    HttpApiEndpoint.get("members")`/groups/${nameParam}/members`
      .setUrlParams(MemberListParams)
      .addSuccess(Group.MemberPage)
      .pipe(refusals<Service["members"]>()(...OPERATION, "GroupNotFound"))
      .annotate(
        OpenApi.Summary,
        "List a group's members by username, searched within the group; `next` is the `after` of the next page"
      )
  )
  .add(
    HttpApiEndpoint.post("create", "/groups")
      .setPayload(CreateGroupBody)
      .addSuccess(Group.Group, { status: 201 })
      .pipe(
        refusals<Service["create"]>()(...MEMBERSHIP, "GroupNameTaken", "GidTaken", "GidOutOfRange", "GidRangeExhausted")
      )
      .annotate(OpenApi.Summary, "Create a group with an allocated or explicit GID and optional members")
  )
  .add(
    HttpApiEndpoint.patch("modify")`/groups/${nameParam}`
      .setPayload(ModifyGroupBody)
      .setHeaders(IfMatch)
      .addSuccess(Group.Group)
      .pipe(refusals<Service["modify"]>()(...MEMBERSHIP, "GroupNameTaken", "ConcurrentModification", "ProtectedGroup"))
      .annotate(
        OpenApi.Summary,
        "Rename a group and change its members (a whole list, or users to add and remove), all or nothing; If-Match refuses a stale version with 412"
      )
  )
  .add(
    HttpApiEndpoint.del("delete")`/groups/${nameParam}`
      .setUrlParams(DryRun)
      .setHeaders(IfMatch)
      .addSuccess(Group.Group)
      .pipe(
        refusals<Service["remove"]>()(
          ...OPERATION,
          "UserNotFound",
          "GroupNotFound",
          "GroupMembershipRequired",
          "SystemUserImmutable",
          "ProtectedGroup",
          "ConcurrentModification"
        )
      )
      .annotate(
        OpenApi.Summary,
        "Delete a group; 409 lists the users it would leave without a group; If-Match refuses a stale version with 412"
      )
  )
  .add(
    HttpApiEndpoint.post("addMembers")`/groups/${nameParam}/members`
      .setUrlParams(DryRun)
      .setPayload(MembersBody)
      .addSuccess(Group.Group)
      .pipe(refusals<Service["addMembers"]>()(...MEMBERSHIP))
      .annotate(OpenApi.Summary, "Add users to a group, all or none")
  )
  .add(
    HttpApiEndpoint.del("removeMembers")`/groups/${nameParam}/members`
      .setUrlParams(DryRun)
      .setPayload(MembersBody)
      .addSuccess(Group.Group)
      .pipe(refusals<Service["removeMembers"]>()(...MEMBERSHIP))
      .annotate(OpenApi.Summary, "Remove users from a group, all or none")
  )
  .middleware(Authentication) {}
