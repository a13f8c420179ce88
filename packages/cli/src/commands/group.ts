/**
 * `dt group …`: list, show, create, rename and delete groups, and change their members.
 *
 * @since 0.1.0
 */
import { Args, Command, Options } from "@effect/cli"
import { Group } from "@user-manager/core"
import { Effect, Option } from "effect"
import * as CommandTree from "../CommandTree.js"
import * as Flags from "../Flags.js"
import * as GroupOutput from "../GroupOutput.js"
import { note, read, run, type Session } from "../Session.js"
import * as Bulk from "./bulk.js"
import { sortOption, walk } from "./user.js"

/** A group's members page by page, from the store or the server the session works on. */
const memberPages =
  ({ groups, actor }: Session) =>
  (group: Group.Group) =>
    groups.memberStream(actor, group.name)

const ls = Command.make("ls", { ...Flags.common, ...Flags.listing(Group.GroupSort.literals) }, (flags) =>
  read(flags, (session) =>
    GroupOutput.printGroups(
      session.format,
      walk(
        (page) =>
          session.groups.list(session.actor, {
            ...page,
            ...Option.match(flags.search, { onNone: () => ({}), onSome: (search) => ({ search }) }),
            ...(sortOption(flags.sort) as object)
          }),
        flags
      ),
      memberPages(session)
    )
  )
).pipe(
  Command.withDescription(
    CommandTree.description(
      "List groups: Name, GID, Users (every member), member count (one a line, tab-separated; -j JSON with every member; -p a table of the count and the first members).",
      "dt group ls -p",
      "dt group ls --sort gid:desc --limit 10"
    )
  )
)

const get = Command.make(
  "get",
  {
    ...Flags.common,
    group: Flags.groupName,
    members: Options.boolean("members").pipe(
      Options.withDescription("print every member instead, one a line (-j: a JSON array), read page by page")
    )
  },
  (flags) =>
    read(flags, (session) =>
      flags.members
        ? GroupOutput.printMembers(session.format, session.groups.memberStream(session.actor, flags.group))
        : session.groups
            .get(session.actor, flags.group)
            .pipe(Effect.flatMap((group) => GroupOutput.printGroup(session.format, group, memberPages(session))))
    )
).pipe(
  Command.withDescription(
    CommandTree.description(
      "Show one group: Name, GID, Users (every member), member count (-p: the count and the first members; -j: JSON with every member). --members prints the members alone, one a line.",
      "dt group get admins -p",
      "dt group get ops -j",
      "dt group get everyone --members"
    )
  )
)

const add = Command.make(
  "add",
  {
    ...Flags.common,
    group: Flags.groupName,
    gid: Flags.wholeNumber("gid").pipe(
      Options.withDescription("the group's GID (default: the next free one)"),
      Options.optional
    ),
    members: Options.text("members").pipe(
      Options.withPseudoName("USER,…"),
      Options.withDescription("its first members, comma-separated"),
      Options.optional
    )
  },
  (flags) =>
    run(flags, (session) =>
      session.groups
        .create(session.actor, {
          name: flags.group,
          ...Option.match(flags.gid, { onNone: () => ({}), onSome: (gid) => ({ gid }) }),
          ...Option.match(flags.members, { onNone: () => ({}), onSome: (text) => ({ members: Flags.list(text) }) })
        })
        .pipe(Effect.flatMap((group) => GroupOutput.printGroup(session.format, group, memberPages(session))))
    )
).pipe(
  Command.withDescription(
    CommandTree.description(
      "Create a group, optionally with a GID and members.",
      "dt group add ops",
      "dt group add ops --gid 2000 --members jdoe,asmith"
    )
  )
)

const rename = Command.make(
  "rename",
  {
    ...Flags.common,
    group: Args.text({ name: "old_name" }).pipe(Args.withDescription("the group's current name")),
    newName: Args.text({ name: "new_name" }).pipe(Args.withDescription("its new name"))
  },
  (flags) =>
    run(flags, (session) =>
      session.groups
        .rename(session.actor, flags.group, flags.newName)
        .pipe(Effect.flatMap((group) => GroupOutput.printGroup(session.format, group, memberPages(session))))
    )
).pipe(
  Command.withDescription(
    CommandTree.description(
      "Rename a group (the admin group cannot be renamed).",
      "dt group rename ops operations",
      "dt group rename ops operations -j"
    )
  )
)

const rm = Command.make("rm", { ...Flags.common, group: Flags.groupName, dryRun: Flags.dryRun }, (flags) =>
  run(flags, ({ groups, actor, format }) =>
    Effect.gen(function* () {
      const group = yield* groups.remove(actor, flags.group, { dryRun: flags.dryRun })
      if (flags.dryRun) yield* note(`dry run: nothing was changed; this group would be deleted:`)
      // The group is gone (or, in a dry run, about to be): printed with the members its answer carries.
      yield* GroupOutput.printGroup(format, group, undefined)
    })
  )
).pipe(
  Command.withDescription(
    CommandTree.description(
      "Delete a group (refused while it is some member's only group).",
      "dt group rm ops --dry-run",
      "dt group rm ops"
    )
  )
)

const members = (kind: "add-users" | "rm-users") =>
  Command.make(
    kind,
    { ...Flags.common, group: Flags.groupName, usernames: Flags.usernames, dryRun: Flags.dryRun },
    (flags) =>
      run(flags, (session) =>
        Effect.gen(function* () {
          const { groups, actor, format } = session
          const names = Flags.list(flags.usernames)
          const options = { dryRun: flags.dryRun }
          const group = yield* kind === "add-users"
            ? groups.addMembers(actor, flags.group, names, options)
            : groups.removeMembers(actor, flags.group, names, options)
          if (flags.dryRun) yield* note("dry run: nothing was changed; the group would be:")
          // A dry run's group is not the stored one: printed with the members its answer carries.
          yield* GroupOutput.printGroup(format, group, flags.dryRun ? undefined : memberPages(session))
        })
      )
  ).pipe(
    Command.withDescription(
      kind === "add-users"
        ? CommandTree.description(
            "Add users to a group, all or none.",
            "dt group add-users ops jdoe,asmith",
            "dt group add-users ops jdoe --dry-run"
          )
        : CommandTree.description(
            "Remove users from a group, all or none.",
            "dt group rm-users ops jdoe,asmith",
            "dt group rm-users ops jdoe --dry-run"
          )
    )
  )

/**
 * `dt group`.
 *
 * @category commands
 * @since 0.1.0
 */
export const command = Command.make("group").pipe(
  Command.withDescription(
    CommandTree.description(
      "Manage groups: list, create, rename, delete, change members.",
      "dt group ls -p",
      "dt group add-users ops jdoe,asmith"
    )
  ),
  Command.withSubcommands([
    ls,
    get,
    add,
    rename,
    rm,
    members("add-users"),
    members("rm-users"),
    Bulk.groupImport,
    Bulk.groupExport
  ])
)
