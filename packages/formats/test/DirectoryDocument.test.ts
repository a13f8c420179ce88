import { describe, expect, it } from "@effect/vitest"
import { Effect, FastCheck as fc, Redacted, Stream } from "effect"
import * as DirectoryDocument from "../src/DirectoryDocument.js"
import { bytesCut, collect, cuts, failure, groupRecord, records, text, userRecord } from "./support.js"

const read = (content: string) => collect(DirectoryDocument.read(Stream.make(content)))
const head = '{"format":"user-manager/directory","version":1'

describe("the whole-directory document", () => {
  it("written then read back gives the groups (without members), the GID ledger and the users, in that order", async () => {
    const gids = fc.record({ highWaterMark: fc.nat(), used: fc.array(fc.integer({ min: 1, max: 60000 })) })
    await fc.assert(
      fc.asyncProperty(
        fc.array(groupRecord, { maxLength: 10 }),
        gids,
        fc.array(userRecord, { maxLength: 20 }),
        cuts,
        async (groups, ledger, users, at) => {
          const written = await text(
            DirectoryDocument.write({
              groups: Stream.fromIterable(groups),
              gids: Effect.succeed(ledger),
              users: Stream.fromIterable(users)
            })
          )
          expect(JSON.parse(written).format).toBe("user-manager/directory")
          const entries = await collect(DirectoryDocument.read(bytesCut(written, at)))
          expect(entries.map((entry) => entry.kind)).toStrictEqual([
            ...groups.map(() => "group"),
            "gids",
            ...users.map(() => "user")
          ])
          expect(records(entries)).toStrictEqual([...groups.map(({ members: _, ...group }) => group), ledger, ...users])
        }
      ),
      { numRuns: 60 }
    )
  })

  it("an empty directory is a valid document that reads as the ledger alone", async () => {
    const written = await text(
      DirectoryDocument.write({ groups: Stream.empty, gids: Effect.succeed({ used: [] }), users: Stream.empty })
    )
    expect(await read(written)).toStrictEqual([
      { kind: "gids", record: { used: [] }, location: "gids", raw: '{"used":[]}' }
    ])
  })

  it("writes a user's password hash unwrapped from its Redacted, only when the record carries one", async () => {
    const hash = `$2b$10$${"a".repeat(53)}`
    const written = await text(
      DirectoryDocument.write({
        groups: Stream.empty,
        gids: Effect.succeed({ used: [] }),
        users: Stream.make({ username: "ann", passwordHash: Redacted.make(hash) }, { username: "bo" })
      })
    )
    expect(records(await read(written)).slice(1)).toStrictEqual([
      { username: "ann", passwordHash: hash },
      { username: "bo" }
    ])
  })

  it("locates each item by its section and index, and an item that is no record is malformed (of its section's kind) while the rest is read", async () => {
    const entries = await read(
      `${head},"groups":[{"name":"staff","members":["ann"]},{"name":"ops"}],"users":[7,{"username":"ann"}]}`
    )
    expect(entries).toStrictEqual([
      {
        kind: "malformed",
        of: "group",
        reason: "a group of a directory document lists no members: its users carry their groups",
        location: "groups[0]",
        raw: '{"name":"staff","members":["ann"]}'
      },
      { kind: "group", record: { name: "ops" }, location: "groups[1]", raw: '{"name":"ops"}' },
      {
        kind: "malformed",
        of: "user",
        reason: "the item is a number, not a JSON object",
        location: "users[0]",
        raw: "7"
      },
      { kind: "user", record: { username: "ann" }, location: "users[1]", raw: '{"username":"ann"}' }
    ])
  })

  it("a document whose sections are out of order fails the read in one sentence", async () => {
    const error = await failure(
      DirectoryDocument.read(Stream.make(`${head},"users":[{"username":"ann"}],"groups":[{"name":"staff"}]}`))
    )
    expect(error.message).toBe('The directory document lists "groups" after "users": the order is groups, gids, users.')
  })

  it("a JSON document of another kind or version fails the read in one sentence", async () => {
    expect((await failure(DirectoryDocument.read(Stream.make('{"users":[{"username":"ann"}]}')))).message).toBe(
      'The JSON document is not a user-manager directory document: it does not begin with "format": "user-manager/directory".'
    )
    expect((await failure(DirectoryDocument.read(Stream.make("[1,2]")))).message).toBe(
      'The JSON document is not a user-manager directory document (no "format": "user-manager/directory").'
    )
    expect(
      (
        await failure(
          DirectoryDocument.read(Stream.make('{"format":"user-manager/directory","version":2,"users":[{}]}'))
        )
      ).message
    ).toBe("The directory document is of version 2; this reader knows version 1.")
  })

  it("text that is not JSON fails the read in one sentence", async () => {
    const error = await failure(DirectoryDocument.read(Stream.make(`${head},"groups":[{"name":"staff"},}`)))
    expect(error._tag).toBe("FormatError")
    expect(error.message).toBe("The directory document is not valid JSON: unexpected '}' where a value belongs.")
    expect((await failure(DirectoryDocument.read(Stream.make(`${head},"groups":[{"name":x`)))).message).toBe(
      `The directory document is not valid JSON: an unexpected character at byte ${`${head},"groups":[{"name":`.length + 1}.`
    )
    expect((await failure(DirectoryDocument.read(Stream.make(`${head},"groups":[`)))).message).toBe(
      "The directory document is not valid JSON: it ends before the document does."
    )
  })
})
