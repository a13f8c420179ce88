/**
 * The start-up floor of dt's stack, for bench/cli.bench.ts: the least a command built like `dt user get` can do — an
 * @effect/cli program with dt's platform layers (file system, path, terminal, the Node runtime) that opens the SQLite
 * file with better-sqlite3 through Kysely, reads one user with its groups, and prints one tab-separated line. No
 * domain rules, no actor, no schema check: what `dt` costs beyond this is dt's own code.
 *
 *   floor hello              # the @effect/cli program alone
 *   floor user get NAME      # with the store (DT_DATABASE_URL=sqlite:FILE)
 */
import { Args, Command } from "@effect/cli"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodePath from "@effect/platform-node/NodePath"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as NodeTerminal from "@effect/platform-node/NodeTerminal"
import Database from "better-sqlite3"
import { Console, Effect, Layer } from "effect"
import { Kysely, SqliteDialect } from "kysely"

interface Tables {
  readonly users: { readonly username: string; readonly first_name: string; readonly last_name: string }
  readonly memberships: { readonly username: string; readonly group_name: string }
}

const readUser = (username: string) =>
  Effect.acquireUseRelease(
    Effect.sync(() => {
      const file = (process.env.DT_DATABASE_URL ?? "").replace(/^sqlite:/, "")
      return new Kysely<Tables>({ dialect: new SqliteDialect({ database: new Database(file, { readonly: true }) }) })
    }),
    (db) =>
      Effect.promise(() =>
        db
          .selectFrom("users")
          .leftJoin("memberships", "memberships.username", "users.username")
          .select(["users.username", "first_name", "last_name", "group_name"])
          .where("users.username", "=", username)
          .execute()
      ),
    (db) => Effect.promise(() => db.destroy())
  )

const get = Command.make("get", { username: Args.text({ name: "username" }) }, ({ username }) =>
  Effect.flatMap(readUser(username), (rows) =>
    rows[0] === undefined
      ? Effect.fail(new Error(`no user ${username}`))
      : Console.log(
          [
            rows[0].username,
            `${rows[0].first_name} ${rows[0].last_name}`,
            rows.map((row) => row.group_name).join(",")
          ].join("\t")
        )
  )
)
const hello = Command.make("hello", {}, () => Console.log("hello"))
const floor = Command.make("floor").pipe(
  Command.withSubcommands([hello, Command.make("user").pipe(Command.withSubcommands([get]))])
)

Command.run(floor, { name: "floor", version: "0" })(process.argv).pipe(
  Effect.provide(Layer.mergeAll(NodeFileSystem.layer, NodePath.layer, NodeTerminal.layer)),
  NodeRuntime.runMain
)
