/**
 * How records are printed: plain tab-separated lines (default), a pretty table (`-p`), or JSON (`-j`, `-j -p`).
 *
 * @since 0.1.0
 */
import {
  type ApiToken,
  type AuditEntry,
  type DirectoryConfig,
  Group,
  type SignInThrottle,
  User
} from "@user-manager/core"
import { Console, Effect } from "effect"
import * as DisplayWidth from "./internal/displayWidth.js"

/**
 * The output mode chosen by `-p` and `-j`.
 *
 * @category models
 * @since 0.1.0
 */
export interface Format {
  readonly pretty: boolean
  readonly json: boolean
}

type Row = ReadonlyArray<string>

/**
 * The columns of one kind of record: header, plain cells, pretty cells and JSON form.
 *
 * @category models
 * @since 0.1.0
 */
export interface Columns<A> {
  readonly headers: Row
  readonly cells: (item: A, me: string) => Row
  readonly json: (item: A) => unknown
  /** The JSON form's fields that the pretty field list (`printOne`) leaves out when they hold nothing (null). */
  readonly optional?: ReadonlyArray<string>
  /** Other columns for people (`-p`), when they differ from the plain ones. */
  readonly pretty?: { readonly headers: Row; readonly cells: (item: A, me: string) => Row }
}

// Tabs and newlines inside a value would break one-record-a-line output.
const clean = (value: string) => value.replace(/[\t\n\r]/g, " ")

/**
 * The Users table: User Name, Full Name, Groups, Email, Enabled (system users and the current user marked in `-p`).
 *
 * @category columns
 * @since 0.1.0
 */
export const users: Columns<User.User> = {
  headers: ["User Name", "Full Name", "Groups", "Email", "Enabled"],
  pretty: {
    headers: ["Mark", "User Name", "Full Name", "Groups", "Email", "Enabled"],
    cells: (user, me) => [
      [user.system ? "⚙" : "", user.username === me ? "You" : ""].filter((mark) => mark !== "").join(" "),
      user.username,
      user.fullName,
      user.groups.join(", "),
      user.email ?? "",
      user.enabled ? "yes" : "no"
    ]
  },
  cells: (user) => [user.username, user.fullName, user.groups.join(","), user.email ?? "", String(user.enabled)],
  json: User.toJson,
  // What an identity provider calls the user: most users have none.
  optional: ["externalId", "externalName"]
}

/** Made on first use: building a number format loads ICU's data, which a command that prints no count never needs. */
let thousands: Intl.NumberFormat | undefined

/**
 * A count as people read it: `500,000`.
 *
 * @category printing
 * @since 0.1.0
 */
export const formatCount = (count: number): string => {
  thousands ??= new Intl.NumberFormat("en-US")
  return thousands.format(count)
}

/**
 * A group's first members (those its answer carries) and how many more, for people: `alice, bob and 499,998 more`.
 *
 * @category printing
 * @since 0.1.0
 */
export const preview = (group: Group.Group): string => {
  const shown = group.members.slice(0, Group.GROUP_MEMBER_PREVIEW)
  const more = group.memberCount - shown.length
  if (more <= 0) return shown.join(", ")
  return shown.length === 0 ? `${formatCount(more)} members` : `${shown.join(", ")} and ${formatCount(more)} more`
}

/**
 * The Groups table of the members a group's answer carries: Name, GID, Users (`,`-separated), and the member count;
 * for people Name, GID, Members (the count) and Users (the first members and "and N more"). `dt group` prints every
 * member where its output promises them (GroupOutput).
 *
 * @category columns
 * @since 0.1.0
 */
export const groups: Columns<Group.Group> = {
  headers: ["Name", "GID", "Users", "Members"],
  cells: (group) => [group.name, String(group.gid), group.members.join(","), String(group.memberCount)],
  pretty: {
    headers: ["Name", "GID", "Members", "Users"],
    cells: (group) => [group.name, String(group.gid), formatCount(group.memberCount), preview(group)]
  },
  json: Group.toJson
}

/**
 * The audit trail: Time, Actor, Action, Target, Changes.
 *
 * @category columns
 * @since 0.1.0
 */
export const audit: Columns<AuditEntry.AuditEntry> = {
  headers: ["Time", "Actor", "Action", "Target", "Changes"],
  cells: (entry) => [entry.at.toISOString(), entry.actor, entry.action, entry.target, JSON.stringify(entry.changes)],
  json: (entry) => ({
    id: entry.id,
    at: entry.at.toISOString(),
    actor: entry.actor,
    action: entry.action,
    targetType: entry.targetType,
    target: entry.target,
    changes: entry.changes
  })
}

/**
 * The sign-in locks: User Name, Address, Kind, Failures, Until (an address's lock has no user name, a username's delay
 * no address).
 *
 * @category columns
 * @since 0.1.0
 */
export const signInLocks: Columns<SignInThrottle.SignInLock> = {
  headers: ["User Name", "Address", "Kind", "Failures", "Until"],
  cells: (lock) => [
    lock.username ?? "",
    lock.address ?? "",
    lock.kind,
    String(lock.failures),
    lock.until.toISOString()
  ],
  json: (lock) => ({ ...lock, until: lock.until.toISOString() })
}

/**
 * The API tokens table: Name, Scope, Created By, Created, Expires (`never`), Last Used (`never`); never a value.
 *
 * @category columns
 * @since 0.2.0
 */
export const tokens: Columns<ApiToken.ApiToken> = {
  headers: ["Name", "Scope", "Created By", "Created", "Expires", "Last Used"],
  cells: (token) => [
    token.name,
    token.scope,
    token.createdBy,
    token.createdAt.toISOString(),
    token.expiresAt?.toISOString() ?? "never",
    token.lastUsedAt?.toISOString() ?? "never"
  ],
  json: (token) => ({
    name: token.name,
    scope: token.scope,
    createdBy: token.createdBy,
    createdAt: token.createdAt.toISOString(),
    expiresAt: token.expiresAt?.toISOString() ?? null,
    lastUsedAt: token.lastUsedAt?.toISOString() ?? null
  })
}

/**
 * An aligned table, each column padded to its widest cell as a terminal shows it: a CJK character takes two columns,
 * a combining mark none.
 *
 * @category printing
 * @since 0.1.0
 */
export const table = (headers: Row, rows: ReadonlyArray<Row>): Effect.Effect<string> =>
  Effect.map(DisplayWidth.ready([...headers, ...rows.flat()]), () => aligned(headers, rows))

/** The table of `headers` and `rows`, once `DisplayWidth` can measure every cell. */
const aligned = (headers: Row, rows: ReadonlyArray<Row>): string => {
  const widths = headers.map((header, index) =>
    rows.reduce((widest, row) => Math.max(widest, DisplayWidth.of(row[index] ?? "")), DisplayWidth.of(header))
  )
  const line = (row: Row) =>
    row
      .map((cell, index) => cell + " ".repeat(Math.max(0, (widths[index] ?? 0) - DisplayWidth.of(cell))))
      .join("  ")
      .trimEnd()
  return [line(headers), line(widths.map((width) => "-".repeat(width))), ...rows.map(line)].join("\n")
}

/**
 * Writes text to a stream and waits, when the stream says it is full, until it drains: into a pipe, Node queues in
 * memory what the reader has not taken yet, and a million users' lines would otherwise wait there (a file or a
 * terminal takes each write at once).
 *
 * @category printing
 * @since 0.1.0
 */
export const writeTo =
  (stream: NodeJS.WritableStream) =>
  (text: string | Uint8Array): Effect.Effect<void> =>
    Effect.async<void>((resume) => {
      if (stream.write(text)) return resume(Effect.void)
      const drained = () => resume(Effect.void)
      stream.once("drain", drained)
      return Effect.sync(() => stream.off("drain", drained))
    })

/**
 * Prints a list that arrives page by page: plain and JSON lines stream (the next page is fetched once the output has
 * taken this one), a pretty table waits for all rows.
 *
 * @category printing
 * @since 0.1.0
 */
export const printList = <A, E, R>(
  columns: Columns<A>,
  format: Format,
  me: string,
  pages: (emit: (items: ReadonlyArray<A>) => Effect.Effect<void>) => Effect.Effect<void, E, R>,
  out: NodeJS.WritableStream = process.stdout
): Effect.Effect<void, E, R> => {
  const write = writeTo(out)
  if (format.json) {
    let first = true
    const indent = format.pretty ? 2 : undefined
    return write("[").pipe(
      Effect.zipRight(
        pages((items) =>
          write(
            items
              .map((item) => {
                const text = JSON.stringify(columns.json(item), null, indent)
                const prefix = first ? (format.pretty ? "\n" : "") : format.pretty ? ",\n" : ","
                first = false
                return prefix + (format.pretty ? text.replace(/^/gm, "  ") : text)
              })
              .join("")
          )
        )
      ),
      Effect.zipRight(Effect.suspend(() => write(first || !format.pretty ? "]\n" : "\n]\n")))
    )
  }
  if (format.pretty) {
    const pretty = columns.pretty ?? columns
    const rows: Array<Row> = []
    return pages((items) => Effect.sync(() => rows.push(...items.map((item) => pretty.cells(item, me))))).pipe(
      Effect.zipRight(Effect.suspend(() => Effect.flatMap(table(pretty.headers, rows), Console.log)))
    )
  }
  return pages((items) =>
    items.length === 0
      ? Effect.void
      : write(`${items.map((item) => columns.cells(item, me).map(clean).join("\t")).join("\n")}\n`)
  )
}

/**
 * Prints one record: a plain line, a pretty field list (`-` for a value there is none of), or JSON.
 *
 * @category printing
 * @since 0.1.0
 */
export const printOne = <A>(columns: Columns<A>, format: Format, me: string, item: A): Effect.Effect<void> => {
  if (format.json) return Console.log(JSON.stringify(columns.json(item), null, format.pretty ? 2 : undefined))
  if (format.pretty) {
    const fields = Object.entries(columns.json(item) as Record<string, unknown>).filter(
      ([key, value]) => value !== null || !columns.optional?.includes(key)
    )
    const width = Math.max(...fields.map(([key]) => key.length))
    return Console.log(
      fields
        .map(
          ([key, value]) => `${key.padEnd(width)}  ${Array.isArray(value) ? value.join(", ") : String(value ?? "-")}`
        )
        .join("\n")
    )
  }
  return Console.log(columns.cells(item, me).map(clean).join("\t"))
}

/**
 * Prints settings: one `key<TAB>value` line each (`-p` aligned, `-j` one JSON object); a single setting asked for by
 * name prints its value alone (`-j`: as JSON).
 *
 * @category printing
 * @since 0.1.0
 */
export const printSettings = (
  format: Format,
  settings: { readonly [K in keyof DirectoryConfig.DirectoryConfigShape]: string | number },
  only?: keyof DirectoryConfig.DirectoryConfigShape
): Effect.Effect<void> => {
  if (only !== undefined) {
    const value = settings[only]
    return Console.log(format.json ? JSON.stringify(value) : clean(String(value)))
  }
  if (format.json) return Console.log(JSON.stringify(settings, null, format.pretty ? 2 : undefined))
  const entries = Object.entries(settings)
  const width = format.pretty ? Math.max(...entries.map(([key]) => key.length)) : 0
  return Console.log(
    entries
      .map(([key, value]) => (format.pretty ? `${key.padEnd(width)}  ${value}` : `${key}\t${clean(String(value))}`))
      .join("\n")
  )
}
