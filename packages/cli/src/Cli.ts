/**
 * The `dt` command tree, assembled in one place.
 *
 * @since 0.1.0
 */
import { Command } from "@effect/cli"
import manifest from "../package.json" with { type: "json" }
import * as CommandTree from "./CommandTree.js"
import * as Audit from "./commands/audit.js"
import * as Bulk from "./commands/bulk.js"
import * as Config from "./commands/config.js"
import * as Group from "./commands/group.js"
import { init, migrate } from "./commands/init.js"
import { login, logout } from "./commands/login.js"
import { serve } from "./commands/serve.js"
import * as Token from "./commands/token.js"
import * as User from "./commands/user.js"

/**
 * The version `dt --version` prints: the package's own, from its manifest (which esbuild inlines into the bundle), so
 * that it is the one bin/dt.js answers `dt --version` with and the one Changesets sets on a release.
 *
 * @category constants
 * @since 0.1.0
 */
export const VERSION: string = manifest.version

/**
 * `dt`.
 *
 * @category commands
 * @since 0.1.0
 */
export const dt = Command.make("dt").pipe(
  Command.withDescription(
    CommandTree.description(
      "Manage the users and groups of a User Manager directory.",
      "dt init && dt user add jdoe -f John -l Doe -g admins",
      "dt user ls -p",
      "dt --server https://dt.example.com group ls"
    )
  ),
  Command.withSubcommands([
    User.command,
    Group.command,
    Bulk.importAll,
    Bulk.exportAll,
    Bulk.apply,
    init,
    migrate,
    Audit.command,
    Config.command,
    Token.command,
    serve,
    login,
    logout
  ])
)

/**
 * The tree of `dt`'s commands as data, for the usage guard, the help and the completion scripts.
 *
 * @category commands
 * @since 0.1.0
 */
export const tree: CommandTree.CommandSpec = CommandTree.read(dt)

/**
 * Runs `dt` on an argument vector (`process.argv`).
 *
 * @category running
 * @since 0.1.0
 */
export const run = Command.run(dt, { name: "dt", version: VERSION })
