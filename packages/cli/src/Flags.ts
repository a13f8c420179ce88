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
  Options.withPseudoName("URL"),
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
  Options.withPseudoName("NAME"),
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
  Options.withPseudoName("URL"),
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
  Options.withDescription("print for people: an aligned table with headers (with -j: indented JSON)")
)

/**
 * `-j`: JSON output.
 *
 * @category options
 * @since 0.1.0
 */
export const json = Options.boolean("json").pipe(
  Options.withAlias("j"),
  Options.withDescription("print JSON (a list as one array), for scripts")
)

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
  Options.withPseudoName("NAME"),
  Options.withDescription("the user's first name"),
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
  Options.withPseudoName("NAME"),
  Options.withDescription("the user's last name"),
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
  Options.withPseudoName("EMAIL"),
  Options.withDescription("the user's email address"),
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
  Options.withPseudoName("GROUP,…"),
  Options.withDescription("the user's groups, comma-separated"),
  Options.optional
)

const invalid = (sentence: string) => Effect.fail(ValidationError.invalidValue(HelpDoc.p(sentence)))

/**
 * A whole-number option (`--limit`, `--offset`, `--gid`, `--port`), optionally within bounds: anything else is refused
 * in one sentence that names the option (@effect/cli's own integer option says only "'abc' is not a integer").
 *
 * @category options
 * @since 0.1.0
 */
export const wholeNumber = (name: string, bounds?: { readonly min: number; readonly max: number }) =>
  Options.text(name).pipe(
    Options.withPseudoName("N"),
    Options.mapEffect((text) => {
      if (!/^-?\d{1,15}$/.test(text.trim())) return invalid(`--${name} must be a whole number, not '${text}'.`)
      const value = Number(text.trim())
      return bounds === undefined || (value >= bounds.min && value <= bounds.max)
        ? Effect.succeed(value)
        : invalid(`--${name} must be from ${bounds.min} to ${bounds.max}, not ${value}.`)
    })
  )

/**
 * A time option (`--since`, `--until`): an ISO 8601 date or date and time, refused otherwise in one sentence that says
 * what is accepted. The text itself is passed on, for the core (or the server) to read as it always has.
 *
 * @category options
 * @since 0.1.0
 */
export const time = (name: string) =>
  Options.text(name).pipe(
    Options.withPseudoName("TIME"),
    Options.mapEffect((text) =>
      /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(text.trim()) &&
      !Number.isNaN(Date.parse(text.trim()))
        ? Effect.succeed(text.trim())
        : invalid(
            `--${name} takes an ISO 8601 date or time, e.g. 2026-05-01, 2026-05-01T09:30 or 2026-05-01T09:30:00Z, not '${text}'.`
          )
    )
  )

/**
 * `--limit N` and `--offset N`: a window of a list.
 *
 * @category options
 * @since 0.1.0
 */
export const window = {
  limit: wholeNumber("limit").pipe(Options.withDescription("print at most N of them"), Options.optional),
  offset: wholeNumber("offset").pipe(Options.withDescription("skip the first N of them"), Options.optional)
}

/**
 * The list options of `ls`: `--search`, `--sort COLUMN[:desc]` (one of the columns given, so that help lists them and a
 * wrong one is refused naming them all, before any store or server is reached), `--limit`, `--offset`.
 *
 * @category options
 * @since 0.1.0
 */
export const listing = (columns: ReadonlyArray<string>) => ({
  search: Options.text("search").pipe(
    Options.withPseudoName("TEXT"),
    Options.withDescription("only those with TEXT in one of their columns (any case)"),
    Options.optional
  ),
  sort: Options.choice("sort", [...columns, ...columns.map((column) => `${column}:desc`)]).pipe(
    Options.withPseudoName("COLUMN[:desc]"),
    Options.withDescription("order by this column, ascending, or descending with :desc"),
    Options.optional
  ),
  ...window
})

/** `--NAME true|false`: a filter that keeps one side of a yes/no column, both when left out. */
const yesNo = (name: string, description: string) =>
  Options.choice(name, ["true", "false"]).pipe(
    Options.withPseudoName("true|false"),
    Options.withDescription(description),
    Options.map((text) => text === "true"),
    Options.optional
  )

/**
 * The filters of `dt user ls`: `--enabled true|false`, `--system true|false` and `--group NAME` (each keeps only some
 * users; together, the users every one of them keeps). The core decides what each means.
 *
 * @category options
 * @since 0.2.0
 */
export const userFilters = {
  enabled: yesNo("enabled", "true: only the enabled users; false: only the disabled ones"),
  system: yesNo("system", "true: only the system users; false: only the regular ones"),
  group: Options.text("group").pipe(
    Options.withPseudoName("NAME"),
    Options.withDescription("only the members of group NAME"),
    Options.optional
  )
}

/**
 * `--format csv|jsonl|json`: the file format of an export, and of an import (which also reads `passwd`); guessed from
 * the file's name when left out.
 *
 * @category options
 * @since 0.1.0
 */
export const fileFormat = (formats: ReadonlyArray<string>) =>
  Options.choice("format", formats).pipe(
    Options.withPseudoName("FORMAT"),
    Options.withDescription(`the file's format: ${formats.join(", ")} (default: guessed from the file's name)`),
    Options.optional
  )

/**
 * `-q/--quiet`: no progress bar (the summary line and errors are still printed).
 *
 * @category options
 * @since 0.1.0
 */
export const quiet = Options.boolean("quiet").pipe(
  Options.withAlias("q"),
  Options.withDescription("show no progress bar (the summary line and errors are still printed)")
)

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
