import { describe, expect, it } from "@effect/vitest"
import { FastCheck as fc, Stream } from "effect"
import * as JsonLines from "../src/JsonLines.js"
import { bytesCut, collect, cuts, groupRecord, records, text, userRecord } from "./support.js"

const read = (content: string, contents: JsonLines.Contents) => collect(JsonLines.read(Stream.make(content), contents))

describe("JSON Lines", () => {
  it("users written then read back are the same records, wherever the bytes are cut", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(userRecord, { maxLength: 30 }), cuts, async (users, at) => {
        const written = await text(JsonLines.writeUsers(Stream.fromIterable(users)))
        expect(records(await collect(JsonLines.read(bytesCut(written, at), "user")))).toStrictEqual(users)
      }),
      { numRuns: 100 }
    )
  })

  it("a mixed file written then read back gives the same records of each kind, in order", async () => {
    const mixed = fc.array(
      fc.oneof(
        userRecord.map((record) => ({ kind: "user" as const, record })),
        groupRecord.map((record) => ({ kind: "group" as const, record })),
        fc
          .record({ highWaterMark: fc.nat(), used: fc.array(fc.integer({ min: 1, max: 60000 })) })
          .map((record) => ({ kind: "gids" as const, record }))
      ),
      { maxLength: 20 }
    )
    await fc.assert(
      fc.asyncProperty(mixed, async (entries) => {
        const written = await text(JsonLines.writeMixed(Stream.fromIterable(entries)))
        const read = await collect(JsonLines.read(Stream.make(written), "mixed"))
        expect(read.map((entry) => ({ kind: entry.kind, record: records([entry])[0] }))).toStrictEqual(entries)
      }),
      { numRuns: 100 }
    )
  })

  it("skips blank lines and numbers every entry by its line", async () => {
    const entries = await read('{"username":"ann"}\n\n  \r\n{"username":"bo"}\r\n', "user")
    expect(entries).toStrictEqual([
      { kind: "user", record: { username: "ann" }, location: "line 1", raw: '{"username":"ann"}' },
      { kind: "user", record: { username: "bo" }, location: "line 4", raw: '{"username":"bo"}' }
    ])
  })

  it("a line that is not a JSON object is malformed with its line, and the rest is still read", async () => {
    const entries = await read('{"name":"staff"\n[1]\n{"name":"ops","gid":1002}\n', "group")
    expect(entries.map((entry) => [entry.kind, entry.location])).toStrictEqual([
      ["malformed", "line 1"],
      ["malformed", "line 2"],
      ["group", "line 3"]
    ])
    expect(entries[0]?.kind === "malformed" && entries[0].reason).toBe(
      "the line is not JSON (it ends before the value does)"
    )
    expect(entries[1]?.kind === "malformed" && entries[1].reason).toBe("the line holds an array, not a JSON object")
  })

  it("a field the record does not have is malformed, naming the field", async () => {
    const [entry] = await read('{"username":"ann","emial":"a@b.c"}\n', "user")
    expect(entry).toMatchObject({
      kind: "malformed",
      location: "line 1",
      reason:
        "a user has no field 'emial' (its fields are username, firstName, lastName, email, enabled, system, groups, password, passwordHash, createdAt, externalId, externalName)"
    })
  })

  it("a mixed file's line says its kind, and a line without one is malformed", async () => {
    const entries = await read('{"kind":"group","name":"staff"}\n{"username":"ann"}\n{"kind":"robot"}\n', "mixed")
    expect(entries).toStrictEqual([
      { kind: "group", record: { name: "staff" }, location: "line 1", raw: '{"kind":"group","name":"staff"}' },
      {
        kind: "malformed",
        reason: 'the line has no "kind" (one of "user", "group", "gids")',
        location: "line 2",
        raw: '{"username":"ann"}'
      },
      {
        kind: "malformed",
        reason: 'the kind "robot" is none of "user", "group", "gids"',
        location: "line 3",
        raw: '{"kind":"robot"}'
      }
    ])
  })

  it("a users file may name its lines' kind, but not another", async () => {
    const entries = await read('{"kind":"user","username":"ann"}\n{"kind":"group","name":"staff"}\n', "user")
    expect(entries.map((entry) => entry.kind)).toStrictEqual(["user", "malformed"])
  })
})
