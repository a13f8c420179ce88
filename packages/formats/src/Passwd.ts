/**
 * A Linux host's accounts: `/etc/passwd` and `/etc/group`, with `/etc/shadow` when given, read into import entries.
 * Groups keep their GIDs; a user's first and last name come from the first field of its GECOS; its groups are its
 * primary group and every group that lists it. The product has no UIDs, home directories or shells: they are not
 * kept.
 *
 * Who is imported: accounts from `minUid` up (default 1000) as normal users; accounts below it are skipped or imported
 * as system users (`belowMinUid`). `root` (UID 0) and `nobody` (UID 65534) are never imported. Groups from `minUid`
 * up are imported (below it too when `belowMinUid` is `"system"`), and so is the primary group of every account
 * imported; GID 0 (`root`), 65534 (`nogroup`) and 65535 never are, and a membership in a group that is not imported is
 * left out. The three files are read whole first (a host's are small: a line an account or group). A shadow entry that is locked or empty (`!`,
 * `!!`, `*`, `!<hash>`, empty) means no password; any other hash is passed on as `passwordHash` (the core refuses one
 * it does not recognise); system users get none.
 *
 * @since 0.1.0
 */
import type { ImportRecord } from "@user-manager/core"
import { Chunk, Effect, Option, Stream } from "effect"
import type { TextInput } from "./Format.js"
import { type Line, lines } from "./internal/text.js"

/**
 * The host's files, as text streams.
 *
 * @category models
 * @since 0.1.0
 */
export interface Files<E> {
  /** `/etc/passwd`: one account a line. */
  readonly passwd: TextInput<E>
  /** `/etc/group`. */
  readonly group: TextInput<E>
  /** `/etc/shadow`, when the password hashes are to be kept. */
  readonly shadow?: TextInput<E> | undefined
}

/**
 * Who is imported.
 *
 * @category models
 * @since 0.1.0
 */
export interface Options {
  /** The lowest UID (and GID) of a normal account; default 1000, as `UID_MIN` in login.defs. */
  readonly minUid?: number | undefined
  /** What becomes of an account below `minUid`: skipped (the default), or imported as a system user. */
  readonly belowMinUid?: "skip" | "system" | undefined
}

/**
 * The UIDs never imported: `root` and `nobody`.
 *
 * @category constants
 * @since 0.1.0
 */
export const NEVER_IMPORTED_UIDS: ReadonlyArray<number> = [0, 65534]

/**
 * The GIDs never imported: `root`, `nogroup` and the `(gid_t) -1` stand-in 65535.
 *
 * @category constants
 * @since 0.1.0
 */
export const NEVER_IMPORTED_GIDS: ReadonlyArray<number> = [0, 65534, 65535]

/**
 * Whether a shadow password field holds no usable password: empty, or locked (`!`, `!!`, `*`, or a hash behind `!`).
 *
 * @category rules
 * @since 0.1.0
 */
export const isLocked = (field: string): boolean => field === "" || field.startsWith("!") || field.startsWith("*")

/**
 * First and last name from a GECOS field: its first comma-separated part, the last word the last name and the words
 * before it the first name (one word is a first name only).
 *
 * @category rules
 * @since 0.1.0
 */
export const namesOf = (gecos: string): { readonly firstName?: string; readonly lastName?: string } => {
  const words = (gecos.split(",")[0] ?? "")
    .trim()
    .split(/\s+/)
    .filter((word) => word !== "")
  if (words.length === 0) return {}
  if (words.length === 1) return { firstName: words[0] as string }
  return { firstName: words.slice(0, -1).join(" "), lastName: words[words.length - 1] as string }
}

const isContent = (line: Line): boolean => {
  const text = line.text.trim()
  return text !== "" && !text.startsWith("#") && !text.startsWith("+") && !text.startsWith("-")
}

const wholeNumber = (text: string): number | undefined => (/^\d+$/.test(text) ? Number(text) : undefined)

interface HostGroup {
  readonly name: string
  readonly gid: number
  readonly members: ReadonlyArray<string>
}

/**
 * Reads a host's accounts into import entries: first the groups imported (`"group line 4"`), then the users
 * (`"passwd line 17"`, the passwd line as `raw`; the shadow line is never copied). A line that is not a passwd or
 * group entry becomes a `malformed` entry and the rest is still read.
 *
 * @category reading
 * @since 0.1.0
 */
export const read = <E>(files: Files<E>, options?: Options): Stream.Stream<ImportRecord.ImportEntry, E> => {
  const minUid = options?.minUid ?? 1000
  const system = options?.belowMinUid === "system"
  const imports = (uid: number) => !NEVER_IMPORTED_UIDS.includes(uid) && (system || uid >= minUid)

  const gather = Effect.gen(function* () {
    const passwdLines = yield* Stream.runCollect(lines(files.passwd).pipe(Stream.filter(isContent)))
    const groupLines = yield* Stream.runCollect(lines(files.group).pipe(Stream.filter(isContent)))
    const shadowLines =
      files.shadow === undefined
        ? Chunk.empty<Line>()
        : yield* Stream.runCollect(lines(files.shadow).pipe(Stream.filter(isContent)))
    // A user's primary group comes with it, even below minUid (all users of some hosts share GID 100 `users`).
    const primaryGids = new Set<number>()
    for (const line of passwdLines) {
      const fields = line.text.split(":")
      const uid = wholeNumber(fields[2] ?? "")
      const gid = wholeNumber(fields[3] ?? "")
      if (fields.length === 7 && uid !== undefined && gid !== undefined && imports(uid)) primaryGids.add(gid)
    }
    const importsGid = (gid: number) =>
      !NEVER_IMPORTED_GIDS.includes(gid) && (system || gid >= minUid || primaryGids.has(gid))
    const groupEntries: Array<ImportRecord.ImportEntry> = []
    const byGid = new Map<number, HostGroup>()
    const memberOf = new Map<string, Array<string>>()
    for (const line of groupLines) {
      const location = `group line ${line.number}`
      const fields = line.text.split(":")
      const gid = wholeNumber(fields[2] ?? "")
      if (fields.length !== 4 || gid === undefined) {
        groupEntries.push({
          kind: "malformed",
          of: "group",
          reason:
            fields.length !== 4
              ? `a group entry has 4 fields separated by ':', this one has ${fields.length}`
              : `the GID '${fields[2]}' is not a whole number`,
          location,
          raw: line.text
        })
        continue
      }
      const group: HostGroup = {
        name: fields[0] as string,
        gid,
        members: (fields[3] as string).split(",").filter((member) => member !== "")
      }
      if (!importsGid(gid)) continue
      byGid.set(gid, group)
      for (const member of group.members) {
        const groups = memberOf.get(member) ?? []
        if (!groups.includes(group.name)) groups.push(group.name)
        memberOf.set(member, groups)
      }
      groupEntries.push({ kind: "group", record: { name: group.name, gid }, location, raw: line.text })
    }
    const hashes = new Map<string, string>()
    for (const line of shadowLines) {
      const fields = line.text.split(":")
      const hash = fields[1]
      if (fields[0] !== undefined && hash !== undefined && !isLocked(hash)) hashes.set(fields[0], hash)
    }
    return { groupEntries, byGid, memberOf, hashes, passwdLines }
  })

  return Stream.unwrap(
    Effect.map(gather, ({ byGid, groupEntries, hashes, memberOf, passwdLines }) => {
      const userOf = (line: Line): Option.Option<ImportRecord.ImportEntry> => {
        const location = `passwd line ${line.number}`
        const raw = line.text
        const fields = line.text.split(":")
        const uid = wholeNumber(fields[2] ?? "")
        const gid = wholeNumber(fields[3] ?? "")
        if (fields.length !== 7) {
          return Option.some({
            kind: "malformed",
            of: "user",
            reason: `a passwd entry has 7 fields separated by ':', this one has ${fields.length}`,
            location,
            raw
          })
        }
        if (uid === undefined || gid === undefined) {
          return Option.some({
            kind: "malformed",
            of: "user",
            reason: `the ${uid === undefined ? `UID '${fields[2]}'` : `GID '${fields[3]}'`} is not a whole number`,
            location,
            raw
          })
        }
        if (!imports(uid)) return Option.none()
        const username = fields[0] as string
        const primary = byGid.get(gid)?.name
        const groups = [...(primary === undefined ? [] : [primary])]
        for (const name of memberOf.get(username) ?? []) if (!groups.includes(name)) groups.push(name)
        const isSystem = uid < minUid
        const hash = isSystem ? undefined : hashes.get(username)
        return Option.some({
          kind: "user",
          record: {
            username,
            ...namesOf(fields[4] as string),
            groups,
            ...(isSystem ? { system: true } : {}),
            ...(hash === undefined ? {} : { passwordHash: hash })
          },
          location,
          raw
        })
      }
      return Stream.fromIterable(groupEntries).pipe(
        Stream.concat(Stream.fromChunk(passwdLines).pipe(Stream.filterMap(userOf)))
      )
    })
  )
}
