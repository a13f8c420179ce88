/**
 * How groups are printed, at any size: a group's answer carries its member count and its first members; where the
 * output promises every member (plain lines, `-j`, `--members`) the rest is streamed page by page from the group's
 * member pages and written as it comes, waiting for the output to take each page, so that memory stays flat for a
 * group of 500,000 members. `-p` shows the first members and "and N more".
 *
 * @since 0.1.0
 */
import type { Group } from "@user-manager/core"
import { Chunk, Effect, Stream } from "effect"
import { type Format, formatCount, preview, table, writeTo } from "./Output.js"

export { formatCount, preview }

/** How many members the group has. */
export const countOf = (group: Group.Group): number => group.memberCount

/** Whether the group's answer carries every member (no page needs reading). */
const carriesAll = (group: Group.Group): boolean => !group.membersTruncated

/**
 * Where the members of a group come from when its answer does not carry them all: its member pages, in username order
 * (`Groups.memberStream`, locally or over the API). `undefined` when the answer is all there is to print (a deleted
 * group, a dry run's result, which the stored members would not match).
 */
export type Members<E> = ((group: Group.Group) => Stream.Stream<string, E>) | undefined

/** Every member of the group, in order: those its answer carries, or else its pages. */
const everyMember = <E>(group: Group.Group, members: Members<E>): Stream.Stream<string, E> =>
  carriesAll(group) || members === undefined ? Stream.fromIterable(group.members) : members(group)

// Tabs and newlines inside a value would break one-record-a-line output.
const clean = (value: string) => value.replace(/[\t\n\r]/g, " ")

/** Writes each chunk of `items` as `render` gives it, the first without and each next with `separator` before it. */
const writeJoined = <E>(
  write: (text: string) => Effect.Effect<void>,
  items: Stream.Stream<string, E>,
  render: (item: string) => string,
  separator: string
): Effect.Effect<boolean, E> =>
  Effect.suspend(() => {
    let first = true
    return Stream.runForEachChunk(items, (chunk) => {
      if (Chunk.isEmpty(chunk)) return Effect.void
      const text = Chunk.toReadonlyArray(chunk).map(render).join(separator)
      const prefix = first ? "" : separator
      first = false
      return write(prefix + text)
    }).pipe(Effect.map(() => !first))
  })

/** One plain line: Name, GID, Users (every member, `,`-separated), and the member count last. */
const plainLine = <E>(
  write: (text: string) => Effect.Effect<void>,
  group: Group.Group,
  members: Members<E>
): Effect.Effect<void, E> => {
  const head = `${clean(group.name)}\t${group.gid}\t`
  const tail = `\t${countOf(group)}\n`
  if (carriesAll(group) || members === undefined) return write(head + group.members.map(clean).join(",") + tail)
  return write(head).pipe(Effect.zipRight(writeJoined(write, members(group), clean, ",")), Effect.zipRight(write(tail)))
}

/**
 * A group's JSON form with `members` empty (the place the members go), as `-j` prints it: `membersTruncated` is false
 * when every member is printed, as the answer says when only the members it carries are.
 */
const jsonForm = (group: Group.Group, every: boolean): Record<string, unknown> => ({
  name: group.name,
  gid: group.gid,
  memberCount: countOf(group),
  members: [],
  membersTruncated: every ? false : group.membersTruncated,
  externalId: group.externalId,
  externalName: group.externalName,
  createdAt: group.createdAt.toISOString(),
  updatedAt: group.updatedAt.toISOString(),
  version: group.version
})

/**
 * One group as JSON with every member, byte for byte as `JSON.stringify` would print it (indented when `pretty`, each
 * line after `outer`), written head, members page by page, tail.
 */
const jsonObject = <E>(
  write: (text: string) => Effect.Effect<void>,
  group: Group.Group,
  members: Members<E>,
  pretty: boolean,
  outer: string
): Effect.Effect<void, E> => {
  const form = jsonForm(group, carriesAll(group) || members !== undefined)
  const text = pretty ? JSON.stringify(form, null, 2).replace(/^/gm, outer) : JSON.stringify(form)
  const mark = pretty ? '"members": []' : '"members":[]'
  const at = text.indexOf(mark) + mark.length - 1
  const head = text.slice(0, at)
  const tail = text.slice(at)
  const render = pretty
    ? (member: string) => `\n${outer}    ${JSON.stringify(member)}`
    : (member: string) => JSON.stringify(member)
  return write(head).pipe(
    Effect.zipRight(writeJoined(write, everyMember(group, members), render, ",")),
    Effect.flatMap((any) => write((any && pretty ? `\n${outer}  ` : "") + tail))
  )
}

/**
 * Prints one group: a plain line (Name, GID, Users, member count), a pretty field list (the count, the first members
 * and "and N more"), or JSON with every member (`-j -p` indented).
 *
 * @category printing
 * @since 0.1.0
 */
export const printGroup = <E>(
  format: Format,
  group: Group.Group,
  members: Members<E>,
  out: NodeJS.WritableStream = process.stdout
): Effect.Effect<void, E> => {
  const write = writeTo(out)
  if (format.json) return jsonObject(write, group, members, format.pretty, "").pipe(Effect.zipRight(write("\n")))
  if (format.pretty) {
    const fields: ReadonlyArray<readonly [string, string]> = [
      ["name", group.name],
      ["gid", String(group.gid)],
      ["memberCount", formatCount(countOf(group))],
      ["members", preview(group)],
      // What an identity provider calls the group, shown only when it has a name for it.
      ...(group.externalId === null ? [] : [["externalId", group.externalId] as const]),
      ...(group.externalName === null ? [] : [["externalName", group.externalName] as const]),
      ["createdAt", group.createdAt.toISOString()],
      ["updatedAt", group.updatedAt.toISOString()],
      ["version", String(group.version)]
    ]
    const width = Math.max(...fields.map(([key]) => key.length))
    return write(`${fields.map(([key, value]) => `${key.padEnd(width)}  ${value}`).join("\n")}\n`)
  }
  return plainLine(write, group, members)
}

/**
 * Prints groups that arrive page by page: plain lines and JSON stream (each group's members too, page by page); a
 * pretty table (Name, GID, Members, Users: the count and the first members) waits for all rows.
 *
 * @category printing
 * @since 0.1.0
 */
export const printGroups = <E, E2>(
  format: Format,
  pages: (emit: (items: ReadonlyArray<Group.Group>) => Effect.Effect<void, E2>) => Effect.Effect<void, E>,
  members: (group: Group.Group) => Stream.Stream<string, E2>,
  out: NodeJS.WritableStream = process.stdout
): Effect.Effect<void, E | E2> => {
  const write = writeTo(out)
  if (format.json) {
    let first = true
    return write("[").pipe(
      Effect.zipRight(
        pages((items) =>
          Effect.forEach(
            items,
            (group) => {
              const prefix = first ? (format.pretty ? "\n" : "") : format.pretty ? ",\n" : ","
              first = false
              return write(prefix).pipe(
                Effect.zipRight(jsonObject(write, group, members, format.pretty, format.pretty ? "  " : ""))
              )
            },
            { discard: true }
          )
        )
      ),
      Effect.zipRight(Effect.suspend(() => write(first || !format.pretty ? "]\n" : "\n]\n")))
    )
  }
  if (format.pretty) {
    const rows: Array<ReadonlyArray<string>> = []
    return pages((items) =>
      Effect.sync(() => {
        for (const group of items) {
          rows.push([group.name, String(group.gid), formatCount(countOf(group)), preview(group)])
        }
      })
    ).pipe(
      Effect.zipRight(
        Effect.suspend(() =>
          Effect.flatMap(table(["Name", "GID", "Members", "Users"], rows), (text) => write(`${text}\n`))
        )
      )
    )
  }
  return pages((items) => Effect.forEach(items, (group) => plainLine(write, group, members), { discard: true }))
}

/**
 * Prints every member of a group, page by page as they are read: one username a line, or with `-j` a JSON array
 * (`-j -p` one member a line, indented).
 *
 * @category printing
 * @since 0.1.0
 */
export const printMembers = <E>(
  format: Format,
  members: Stream.Stream<string, E>,
  out: NodeJS.WritableStream = process.stdout
): Effect.Effect<void, E> => {
  const write = writeTo(out)
  if (format.json) {
    const render = format.pretty ? (member: string) => `\n  ${JSON.stringify(member)}` : JSON.stringify
    return write("[").pipe(
      Effect.zipRight(writeJoined(write, members, render, ",")),
      Effect.flatMap((any) => write(any && format.pretty ? "\n]\n" : "]\n"))
    )
  }
  return Stream.runForEachChunk(members, (chunk) =>
    Chunk.isEmpty(chunk) ? Effect.void : write(`${Chunk.toReadonlyArray(chunk).join("\n")}\n`)
  )
}
