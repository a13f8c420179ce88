/**
 * `dt user …`: list, show, create, change, delete, enable and disable users, and move them between groups.
 *
 * @since 0.1.0
 */

import { Args, Command, type HelpDoc, Options, Prompt } from "@effect/cli"
import { Errors, type Page, User, Users } from "@user-manager/core"
import { Chunk, Effect, Option, Redacted, Stream } from "effect"
import * as CommandTree from "../CommandTree.js"
import * as Flags from "../Flags.js"
import * as Output from "../Output.js"
import { note, read, readStdin, run, type Session } from "../Session.js"
import * as Bulk from "./bulk.js"

const password = (stdin: boolean) => (stdin ? readStdin.pipe(Effect.map(Option.some)) : Effect.succeed(Option.none()))

/** Parses `--sort COLUMN[:desc]`. */
export const sortOption = (sort: Option.Option<string>) =>
  Option.match(sort, {
    onNone: () => ({}),
    onSome: (text) => {
      const [column = "", direction = "asc"] = text.split(":")
      return { sort: column, order: direction }
    }
  })

/** Walks the pages of a list, emitting each, until `limit` items or the end. */
export const walk =
  <A, E>(
    fetch: (query: {
      limit: number
      offset: number
    }) => Effect.Effect<Pick<Page.Page<A>, "items" | "total" | "totalExact">, E>,
    options: { readonly limit: Option.Option<number>; readonly offset: Option.Option<number> }
  ) =>
  <E2 = never>(emit: (items: ReadonlyArray<A>) => Effect.Effect<void, E2>) =>
    Effect.gen(function* () {
      const want = Option.getOrElse(options.limit, () => Number.POSITIVE_INFINITY)
      if (want < 0) return yield* new Errors.InvalidInput({ field: "limit", reason: "it cannot be negative" })
      let offset = Option.getOrElse(options.offset, () => 0)
      let left = want
      while (left > 0) {
        const page = yield* fetch({ limit: Math.min(1000, left), offset })
        yield* emit(page.items)
        // A total that is only a lower bound ends nothing: the walk goes on until a page comes back empty.
        if (page.items.length === 0 || (page.totalExact && offset + page.items.length >= page.total)) return
        offset += page.items.length
        left -= page.items.length
      }
    })

const ls = Command.make(
  "ls",
  { ...Flags.common, ...Flags.listing(User.UserSort.literals), ...Flags.userFilters },
  (flags) =>
    read(flags, ({ users, actor, me, format }) =>
      Output.printList(Output.users, format, me, (emit) =>
        // Every match, page by page (keyset pages, no count), so memory stays flat however many users there are.
        Stream.runForEachChunk(
          users.stream(actor, {
            ...Option.match(flags.search, { onNone: () => ({}), onSome: (search) => ({ search }) }),
            ...(sortOption(flags.sort) as object),
            ...Option.match(flags.limit, { onNone: () => ({}), onSome: (limit) => ({ limit }) }),
            ...Option.match(flags.offset, { onNone: () => ({}), onSome: (offset) => ({ offset }) }),
            ...Option.match(flags.enabled, { onNone: () => ({}), onSome: (enabled) => ({ enabled }) }),
            ...Option.match(flags.system, { onNone: () => ({}), onSome: (system) => ({ system }) }),
            ...Option.match(flags.group, { onNone: () => ({}), onSome: (group) => ({ group }) })
          }),
          (chunk) => emit(Chunk.toReadonlyArray(chunk))
        )
      )
    )
).pipe(
  Command.withDescription(
    CommandTree.description(
      "List users: User Name, Full Name, Groups, Email, Enabled (one a line, tab-separated; -p for a table), searched by username, full name or email, and filtered.",
      "dt user ls -p --sort fullName --search example.org",
      "dt user ls --enabled false --group staff --system false",
      "dt user ls -j | jq -r '.[].username'"
    )
  )
)

const get = Command.make("get", { ...Flags.common, username: Flags.username }, (flags) =>
  read(flags, ({ users, actor, me, format }) =>
    users.get(actor, flags.username).pipe(Effect.flatMap((user) => Output.printOne(Output.users, format, me, user)))
  )
).pipe(Command.withDescription(CommandTree.description("Show one user.", "dt user get jdoe -p", "dt user get jdoe -j")))

const optional = <K extends string>(key: K, value: Option.Option<string>) =>
  Option.match(value, { onNone: () => ({}), onSome: (text) => ({ [key]: text }) as Record<K, string> })

const add = Command.make(
  "add",
  {
    ...Flags.common,
    username: Flags.username,
    firstName: Flags.firstName,
    lastName: Flags.lastName,
    email: Flags.email,
    groups: Flags.groups,
    system: Options.boolean("system").pipe(
      Options.withDescription("a system user: cannot sign in, be changed or be deleted")
    ),
    passwordStdin: Flags.passwordStdin
  },
  (flags) =>
    run(flags, ({ users, actor, me, format }) =>
      Effect.gen(function* () {
        const secret = yield* password(flags.passwordStdin)
        const user = yield* users.create(actor, {
          username: flags.username,
          ...optional("firstName", flags.firstName),
          ...optional("lastName", flags.lastName),
          ...optional("email", flags.email),
          ...optional("password", secret),
          groups: Option.match(flags.groups, { onNone: () => [], onSome: Flags.list }),
          system: flags.system
        })
        yield* Output.printOne(Output.users, format, me, user)
      })
    )
).pipe(
  Command.withDescription(
    CommandTree.description(
      "Create a user in at least one group (-g).",
      "dt user add jdoe -f John -l Doe -e jdoe@example.com -g staff",
      "printf '%s\\n' \"$PASSWORD\" | dt user add jdoe -g staff,admins --password-stdin",
      "dt user add backup -g system --system"
    )
  )
)

const modify = Command.make(
  "modify",
  {
    ...Flags.common,
    username: Flags.username,
    firstName: Flags.firstName,
    lastName: Flags.lastName,
    email: Flags.email,
    groups: Flags.groups,
    passwordStdin: Flags.passwordStdin
  },
  (flags) =>
    run(flags, ({ users, actor, me, format }) =>
      Effect.gen(function* () {
        const secret = yield* password(flags.passwordStdin)
        const user = yield* users.modify(actor, flags.username, {
          ...optional("firstName", flags.firstName),
          ...optional("lastName", flags.lastName),
          ...Option.match(flags.email, {
            onNone: () => ({}),
            onSome: (email) => ({ email: email === "" ? null : email })
          }),
          ...optional("password", secret),
          ...Option.match(flags.groups, { onNone: () => ({}), onSome: (text) => ({ groups: Flags.list(text) }) })
        })
        yield* Output.printOne(Output.users, format, me, user)
      })
    )
).pipe(
  Command.withDescription(
    CommandTree.description(
      "Change a user's names, email, password (--password-stdin) or groups (-g replaces them all).",
      "dt user modify jdoe -e john.doe@example.com",
      "dt user modify jdoe -g staff,ops",
      "dt user modify jdoe -e ''  # remove the email"
    )
  )
)

/** A command that changes one user and prints it, or with `--dry-run` prints what it would be. */
const change = (
  name: string,
  description: HelpDoc.HelpDoc,
  operation: (session: Session, username: string, options: { dryRun: boolean }) => Effect.Effect<unknown, unknown>
) =>
  Command.make(name, { ...Flags.common, username: Flags.username, dryRun: Flags.dryRun }, (flags) =>
    run(flags, (session) =>
      Effect.gen(function* () {
        const user = yield* operation(session, flags.username, { dryRun: flags.dryRun })
        if (flags.dryRun) yield* note(`dry run: nothing was changed; '${flags.username}' ${name} would give:`)
        yield* Output.printOne(Output.users, session.format, session.me, user as never)
      })
    )
  ).pipe(Command.withDescription(description))

/** The commands that change one user's state, each with what it does and its examples. */
const stateChanges = (
  [
    ["rm", "remove", "Delete a user (system users cannot be deleted).", "dt user rm jdoe --dry-run", "dt user rm jdoe"],
    [
      "enable",
      "enable",
      "Enable a user: it can sign in again.",
      "dt user enable jdoe",
      "dt user enable jdoe --dry-run"
    ],
    [
      "disable",
      "disable",
      "Disable a user: it can no longer sign in, and its sessions end.",
      "dt user disable jdoe",
      "dt user disable jdoe --dry-run -p"
    ]
  ] as const
).map(([name, method, summary, ...examples]) =>
  change(name, CommandTree.description(summary, ...examples), (s, username, options) =>
    s.users[method](s.actor, username, options)
  )
)

const membership = (kind: "add-to-group" | "rm-from-group") =>
  Command.make(
    kind,
    { ...Flags.common, username: Flags.username, group: Flags.groupName, dryRun: Flags.dryRun },
    (flags) =>
      run(flags, ({ users, actor, me, format }) =>
        Effect.gen(function* () {
          const options = { dryRun: flags.dryRun }
          const user = yield* kind === "add-to-group"
            ? users.addToGroup(actor, flags.username, flags.group, options)
            : users.removeFromGroup(actor, flags.username, flags.group, options)
          if (flags.dryRun) yield* note("dry run: nothing was changed; the user would be:")
          yield* Output.printOne(Output.users, format, me, user)
        })
      )
  ).pipe(
    Command.withDescription(
      kind === "add-to-group"
        ? CommandTree.description(
            "Add a user to a group.",
            "dt user add-to-group jdoe ops",
            "dt user add-to-group jdoe admins --dry-run"
          )
        : CommandTree.description(
            "Remove a user from a group (not from its only group).",
            "dt user rm-from-group jdoe ops",
            "dt user rm-from-group jdoe admins --dry-run"
          )
    )
  )

const newPassword = Args.text({ name: "new_password" }).pipe(
  Args.withDescription("the new password (prefer --password-stdin or the prompt: a command line is visible to others)"),
  Args.optional
)

const changePassword = Command.make(
  "change-password",
  { database: Flags.database, server: Flags.server, as: Flags.as, newPassword, passwordStdin: Flags.passwordStdin },
  (flags) =>
    run({ ...flags, pretty: false, json: false }, ({ users, actor, me }) =>
      Effect.gen(function* () {
        // The parser takes an unknown flag for the optional positional password; refuse it without echoing it.
        if (Option.exists(flags.newPassword, (text) => text.startsWith("-"))) {
          return yield* new Errors.InvalidInput({
            field: "",
            reason:
              "'dt user change-password' got an argument starting with '-': an unknown option, or a password to give with --password-stdin"
          })
        }
        const next = yield* Option.match(flags.newPassword, {
          onSome: Effect.succeed,
          onNone: () =>
            flags.passwordStdin || !process.stdin.isTTY
              ? readStdin
              : Effect.gen(function* () {
                  const first = yield* Prompt.password({ message: "New password" })
                  const again = yield* Prompt.password({ message: "Repeat it" })
                  if (Redacted.value(first) !== Redacted.value(again)) {
                    return yield* new Errors.InvalidInput({ field: "password", reason: "the two entries differ" })
                  }
                  return Redacted.value(first)
                })
        })
        // The core decides whether the current password is needed (not for an administrator); it is asked for only then.
        yield* Users.changeOwnPassword(
          users,
          actor,
          next,
          process.stdin.isTTY
            ? Prompt.password({ message: "Current password" }).pipe(Effect.map(Redacted.value))
            : undefined
        )
        yield* note(`The password of '${me}' was changed.`)
      })
    )
).pipe(
  Command.withDescription(
    CommandTree.description(
      "Change your own password (from --password-stdin, a hidden prompt, or the argument).",
      "dt user change-password",
      "printf '%s\\n' \"$NEW\" | dt user change-password --password-stdin"
    )
  )
)

const locks = Command.make("locks", Flags.common, (flags) =>
  read(flags, ({ signInThrottle, actor, me, format }) =>
    Output.printList(Output.signInLocks, format, me, (emit) =>
      Effect.flatMap(signInThrottle.locks(actor), (items) => emit(items))
    )
  )
).pipe(
  Command.withDescription(
    CommandTree.description(
      "List the sign-ins refused for now after failures: by user and address, address, or user (admins).",
      "dt user locks -p",
      "dt user locks -j"
    )
  )
)

/** What `dt user unlock` says, locally and in remote mode: how many counters were cleared, or that there was no lock. */
const unlocked = (username: string, cleared: number) =>
  cleared === 0
    ? `No sign-in lock for '${username}': there was nothing to clear.`
    : `Cleared ${cleared} sign-in ${cleared === 1 ? "counter" : "counters"} of '${username}'.`

const unlock = Command.make("unlock", { ...Flags.common, username: Flags.username }, (flags) =>
  run(flags, ({ signInThrottle, actor }) =>
    Effect.flatMap(signInThrottle.unlock(actor, flags.username), (cleared) => note(unlocked(flags.username, cleared)))
  )
).pipe(
  Command.withDescription(
    CommandTree.description(
      "Clear a user's sign-in locks, from every address (administrators; audited).",
      "dt user unlock jdoe",
      "dt user unlock jdoe -j"
    )
  )
)

/**
 * `dt user`.
 *
 * @category commands
 * @since 0.1.0
 */
export const command = Command.make("user").pipe(
  Command.withDescription(
    CommandTree.description(
      "Manage users: list, create, change, delete, lock out.",
      "dt user ls -p",
      "dt user add --help"
    )
  ),
  Command.withSubcommands([
    ls,
    get,
    add,
    modify,
    ...stateChanges,
    membership("add-to-group"),
    membership("rm-from-group"),
    changePassword,
    locks,
    unlock,
    Bulk.userImport,
    Bulk.userExport
  ])
)
