import type { ImportRecord } from "@user-manager/core"
import { Chunk, Effect, FastCheck as fc, Stream } from "effect"

/** Every element of a stream, as an array. */
export const collect = <A, E>(stream: Stream.Stream<A, E>): Promise<ReadonlyArray<A>> =>
  Effect.runPromise(Stream.runCollect(stream).pipe(Effect.map(Chunk.toReadonlyArray)))

/** The failure of a stream that must fail. */
export const failure = <A, E>(stream: Stream.Stream<A, E>): Promise<E> =>
  Effect.runPromise(Effect.flip(Stream.runDrain(stream)))

/** A stream's text chunks joined. */
export const text = async <E>(stream: Stream.Stream<string, E>): Promise<string> => (await collect(stream)).join("")

/** Text as UTF-8 bytes cut at the given positions (a cut may fall inside a character). */
export const bytesCut = (content: string, cuts: ReadonlyArray<number>): Stream.Stream<Uint8Array> => {
  const bytes = new TextEncoder().encode(content)
  const at = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b)
  const pieces: Array<Uint8Array> = []
  let from = 0
  for (const to of [...at, bytes.length]) {
    pieces.push(bytes.slice(from, to))
    from = to
  }
  return Stream.fromIterable(pieces)
}

/** The records of the entries (a malformed entry fails the test). */
export const records = (entries: ReadonlyArray<ImportRecord.ImportEntry>): ReadonlyArray<unknown> =>
  entries.map((entry) => {
    if (entry.kind === "malformed") throw new Error(`malformed at ${entry.location}: ${entry.reason}`)
    return entry.record
  })

/** Where cuts fall in a text of bytes. */
export const cuts = fc.array(fc.nat({ max: 100_000 }), { maxLength: 12 })

/** A name in the users' and groups' rule. */
export const name = fc.stringMatching(/^[a-z_][a-z0-9._-]{0,15}$/)

/** Free text without line-break carriage returns: commas, quotes, line feeds, other scripts, emoji. */
export const freeText = fc
  .array(
    fc.oneof(
      fc.constantFrom(",", '"', "\n", " ", "'", ";", "Ж", "名", "ع", "😀", "é", "ß"),
      fc.string({ unit: "grapheme", minLength: 1, maxLength: 4 })
    ),
    { minLength: 1, maxLength: 8 }
  )
  .map((parts) => parts.join("").replaceAll("\r", ""))
  .filter((value) => value.trim() !== "")

/** An ISO 8601 instant as the core writes it. */
export const instant = fc
  .date({ min: new Date("1970-01-01T00:00:00.000Z"), max: new Date("2999-12-31T23:59:59.999Z"), noInvalidDate: true })
  .map((date) => date.toISOString())

/** A user record as a file holds it, every field but `password` possibly there. */
export const userRecord: fc.Arbitrary<ImportRecord.ImportUser> = fc.record(
  {
    username: name,
    firstName: freeText,
    lastName: freeText,
    email: freeText,
    enabled: fc.boolean(),
    system: fc.boolean(),
    groups: fc.uniqueArray(name, { minLength: 1, maxLength: 4 }),
    passwordHash: fc.constant(`$2b$10$${"a".repeat(53)}`),
    createdAt: instant,
    externalId: freeText,
    externalName: freeText
  },
  { requiredKeys: ["username"] }
)

/** A group record as a file holds it. */
export const groupRecord: fc.Arbitrary<ImportRecord.ImportGroup> = fc.record(
  {
    name,
    gid: fc.integer({ min: 1, max: 2_147_483_646 }),
    members: fc.uniqueArray(name, { minLength: 1, maxLength: 4 }),
    createdAt: instant,
    externalId: freeText,
    externalName: freeText
  },
  { requiredKeys: ["name"] }
)
