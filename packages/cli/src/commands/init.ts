/**
 * `dt init` and `dt migrate`: create or upgrade the store's schema; `init` also creates the admin group and the first
 * administrator.
 *
 * @since 0.1.0
 */
import { Command, Options } from "@effect/cli"
import { Effect, Option } from "effect"
import * as CommandTree from "../CommandTree.js"
import { databaseUrl, loginName } from "../Environment.js"
import * as Flags from "../Flags.js"
import * as Output from "../Output.js"
import { note, readStdin, runLocal, warnIfNoAdministrator } from "../Session.js"
import * as Store from "../Store.js"
import { givenSettings, initSettings } from "./config.js"

/** A name given with a flag: an empty one is no name, as one left out is (so both get the first admin's default). */
const given = (name: Option.Option<string>) => Option.filter(name, (text) => text.trim() !== "")

/**
 * `dt init`: on a directory whose admin group has no administrator (only system users, who never are one), it adds the
 * administrator instead.
 *
 * @category commands
 * @since 0.1.0
 */
export const init = Command.make(
  "init",
  {
    database: Flags.database,
    pretty: Flags.pretty,
    json: Flags.json,
    admin: Options.text("admin").pipe(
      Options.withPseudoName("NAME"),
      Options.withDescription("the first administrator's username (default: your login name)"),
      Options.optional
    ),
    firstName: Flags.firstName,
    lastName: Flags.lastName,
    email: Flags.email,
    passwordStdin: Flags.passwordStdin,
    ...initSettings
  },
  (flags) => {
    const admin = Option.getOrElse(flags.admin, loginName)
    return runLocal(
      { ...flags, server: Option.none(), as: Option.some(admin) },
      ({ users, me, format }) =>
        Effect.gen(function* () {
          yield* warnIfNoAdministrator
          const url = yield* databaseUrl(flags.database)
          const password = flags.passwordStdin ? Option.some(yield* readStdin) : Option.none<string>()
          const { group, user } = yield* users.bootstrap(
            {
              username: admin,
              firstName: Option.getOrElse(given(flags.firstName), () => admin),
              lastName: Option.getOrElse(given(flags.lastName), () => "Administrator"),
              ...Option.match(flags.email, { onNone: () => ({}), onSome: (email) => ({ email }) }),
              ...Option.match(password, { onNone: () => ({}), onSome: (text) => ({ password: text }) })
            },
            givenSettings(flags)
          )
          // A directory whose admin group held only system users (never administrators) gets its administrator added.
          yield* note(
            group.members.length > 1
              ? `Added administrator '${user.username}' to group '${group.name}' (GID ${group.gid}) of ${url}.`
              : `Initialised ${url}: group '${group.name}' (GID ${group.gid}) with administrator '${user.username}'.`
          )
          yield* Output.printOne(Output.users, format, me, user)
        }),
      "create"
    )
  }
).pipe(
  Command.withDescription(
    CommandTree.description(
      "Create the store, the admins group and the first administrator.",
      "dt init",
      "dt init --database postgres://dt@db.example.com/dt --admin root --password-stdin < pass.txt",
      "dt init --admin-group wheel --gid-min 5000 --gid-max 9999 --min-password-length 12"
    )
  )
)

/**
 * `dt migrate`.
 *
 * @category commands
 * @since 0.1.0
 */
export const migrate = Command.make(
  "migrate",
  {
    database: Flags.database,
    check: Options.boolean("check").pipe(
      Options.withDescription(
        "change nothing: say whether this version runs on the schema (exit 0) or why not, a migration pending or a " +
          "newer release's migration it does not run with (exit 3)"
      )
    )
  },
  (flags) =>
    Effect.scoped(
      Effect.gen(function* () {
        const url = yield* databaseUrl(flags.database)
        const store = yield* Store.open(url, flags.check ? "read" : "create")
        const applied = flags.check ? [] : yield* store.migrate
        const newer = yield* store.check
        yield* note(
          applied.length > 0
            ? `Applied: ${applied.join(", ")}.`
            : newer.length === 0
              ? "The schema is up to date."
              : `The schema is newer than this version (migration ${newer.join(", ")}), which still runs on it.`
        )
      })
    )
).pipe(
  Command.withDescription(
    CommandTree.description(
      "Bring the store's schema up to date (after upgrading dt), or check it with --check.",
      "dt migrate",
      "dt migrate --database mysql://dt@db.example.com/dt",
      "dt migrate --check"
    )
  )
)
