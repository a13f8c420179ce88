/**
 * The options and arguments commands share, defined once.
 *
 * @since 0.1.0
 */
import { Args, HelpDoc, Options, ValidationError } from "@effect/cli"
import { Effect } from "effect"

/**
 * `--database URL`: `sqlite:PATH`, `postgres://…` or `mysql://…` (else `DT_DATABASE_URL`, else the default file).
 *
 * @category options
 * @since 0.1.0
 */
export const database = Options.text("database").pipe(
  Options.withDescription(
    "the store: sqlite:PATH, postgres://… or mysql://… (default: $DT_DATABASE_URL, else ~/.local/share/dt/dt.db)"
  ),
  Options.optional
)

/**
 * `--as NAME`: the user to act as (else `DT_USER`, else the OS login name).
 *
 * @category options
 * @since 0.1.0
 */
export const as = Options.text("as").pipe(
  Options.withDescription("act as this user (default: $DT_USER, else your login name)"),
  Options.optional
)

/**
 * `--server URL`: run over the API of a `dt serve` server instead of a database.
 *
 * @category options
 * @since 0.1.0
 */
export const server = Options.text("server").pipe(
  Options.withDescription("run over the API of this dt server (default: $DT_SERVER, else the server of dt login)"),
  Options.optional
)

/**
 * `-p`: a pretty aligned table (with `-j`: indented JSON).
 *
 * @category options
 * @since 0.1.0
 */
export const pretty = Options.boolean("pretty").pipe(
  Options.withAlias("p"),
  Options.withDescription("pretty-print for people: an aligned table with headers (with -j: indented JSON)")
)

/**
 * `-j`: JSON output.
 *
 * @category options
 * @since 0.1.0
 */
export const json = Options.boolean("json").pipe(Options.withAlias("j"), Options.withDescription("print JSON"))

/**
 * The options every command that reads or changes the directory takes.
 *
 * @category options
 * @since 0.1.0
 */
export const common = { database, server, as, pretty, json }

/**
 * `--dry-run`: check every rule and print what would change, changing nothing.
 *
 * @category options
 * @since 0.1.0
 */
export const dryRun = Options.boolean("dry-run").pipe(
  Options.withDescription("check every rule and print what would change, without changing anything")
)

/**
 * `--password-stdin`: read the password from standard input (one line).
 *
 * @category options
 * @since 0.1.0
 */
export const passwordStdin = Options.boolean("password-stdin").pipe(
  Options.withDescription("read the password from standard input instead of the command line")
)

/**
 * `-f/--first-name`.
 *
 * @category options
 * @since 0.1.0
 */
export const firstName = Options.text("first-name").pipe(
  Options.withAlias("f"),
  Options.withDescription("first name"),
  Options.optional
)

/**
 * `-l/--last-name`.
 *
 * @category options
 * @since 0.1.0
 */
export const lastName = Options.text("last-name").pipe(
  Options.withAlias("l"),
  Options.withDescription("last name"),
  Options.optional
)

/**
 * `-e/--email`.
 *
 * @category options
 * @since 0.1.0
 */
export const email = Options.text("email").pipe(
  Options.withAlias("e"),
  Options.withDescription("email address"),
  Options.optional
)

/**
 * `-g/--groups a,b`.
 *
 * @category options
 * @since 0.1.0
 */
export const groups = Options.text("groups").pipe(
  Options.withAlias("g"),
  Options.withDescription("groups, comma-separated"),
  Options.optional
)

/**
 * A whole-number option (`--limit`, `--offset`, `--gid`, `--port`): anything else is refused in one sentence that names
 * the option (@effect/cli's own integer option says only "'abc' is not a integer").
 *
 * @category options
 * @since 0.1.0
 */
export const wholeNumber = (name: string) =>
  Options.text(name).pipe(
    Options.withPseudoName("N"),
    Options.mapEffect((text) =>
      /^-?\d{1,15}$/.test(text.trim())
        ? Effect.succeed(Number(text.trim()))
        : Effect.fail(ValidationError.invalidValue(HelpDoc.p(`--${name} must be a whole number, not '${text}'.`)))
    )
  )

/**
 * The list options of `ls`: `--search`, `--sort COLUMN[:desc]`, `--limit`, `--offset`.
 *
 * @category options
 * @since 0.1.0
 */
export const listing = {
  search: Options.text("search").pipe(
    Options.withDescription("case-insensitive substring to look for"),
    Options.optional
  ),
  sort: Options.text("sort").pipe(Options.withDescription("COLUMN or COLUMN:desc"), Options.optional),
  limit: wholeNumber("limit").pipe(Options.withDescription("print at most this many"), Options.optional),
  offset: wholeNumber("offset").pipe(Options.withDescription("skip this many first"), Options.optional)
}

/**
 * `<username>`.
 *
 * @category arguments
 * @since 0.1.0
 */
export const username = Args.text({ name: "username" }).pipe(Args.withDescription("the user's login name"))

/**
 * `<group>`.
 *
 * @category arguments
 * @since 0.1.0
 */
export const groupName = Args.text({ name: "group" }).pipe(Args.withDescription("the group's name"))

/**
 * `<user1,user2,…>`.
 *
 * @category arguments
 * @since 0.1.0
 */
export const usernames = Args.text({ name: "user1,user2" }).pipe(Args.withDescription("usernames, comma-separated"))

/** Splits a comma-separated list, ignoring empty items and spaces. */
export const list = (text: string): Array<string> =>
  text
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "")
