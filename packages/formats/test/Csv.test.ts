import { describe, expect, it } from "@effect/vitest"
import { FastCheck as fc, Redacted, Stream } from "effect"
import * as Csv from "../src/Csv.js"
import { GROUP_FIELDS, USER_FIELDS } from "../src/Records.js"
import { bytesCut, collect, cuts, failure, groupRecord, records, text, userRecord } from "./support.js"

const read = (content: string, contents: Csv.Contents = "user") => collect(Csv.read(Stream.make(content), contents))

describe("CSV", () => {
  it("users written then read back are the same records, whatever their text and wherever the bytes are cut", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(userRecord, { maxLength: 30 }), cuts, async (users, at) => {
        const written = await text(Csv.writeUsers(Stream.fromIterable(users), { columns: USER_FIELDS }))
        const entries = await collect(Csv.read(bytesCut(written, at), "user"))
        expect(records(entries)).toStrictEqual(users)
      }),
      { numRuns: 100 }
    )
  })

  it("groups written then read back are the same records", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(groupRecord, { maxLength: 30 }), cuts, async (groups, at) => {
        const written = await text(Csv.writeGroups(Stream.fromIterable(groups), { columns: GROUP_FIELDS }))
        expect(records(await collect(Csv.read(bytesCut(written, at), "group")))).toStrictEqual(groups)
      }),
      { numRuns: 100 }
    )
  })

  it("quotes a field holding a comma, a quote or a line break and doubles its quotes, with CRLF between records (RFC 4180)", async () => {
    const written = await text(
      Csv.writeUsers(
        Stream.make(
          { username: "ann", firstName: 'Ann "Nan"', lastName: "Lee, Jr.", groups: ["staff", "ops"] },
          { username: "bo", firstName: "Bo\nBo", enabled: false }
        ),
        { columns: ["username", "firstName", "lastName", "groups", "enabled"] }
      )
    )
    expect(written).toBe(
      'username,firstName,lastName,groups,enabled\r\nann,"Ann ""Nan""","Lee, Jr.","staff,ops",\r\nbo,"Bo\nBo",,,false\r\n'
    )
  })

  it("writes a password hash only in a passwordHash column, unwrapped from its Redacted", async () => {
    const hash = `$2b$10$${"a".repeat(53)}`
    const user = { username: "ann", passwordHash: Redacted.make(hash), createdAt: new Date(0) }
    expect(await text(Csv.writeUsers(Stream.make(user)))).not.toContain(hash)
    expect(await text(Csv.writeUsers(Stream.make(user), { columns: ["username", "passwordHash", "createdAt"] }))).toBe(
      `username,passwordHash,createdAt\r\nann,${hash},1970-01-01T00:00:00.000Z\r\n`
    )
  })

  it("reads a comma-separated groups field, booleans, and leaves an empty cell out", async () => {
    const entries = await read('email,username,groups,enabled,system\n,ann,"staff, ops",TRUE,false\n')
    expect(entries).toStrictEqual([
      {
        kind: "user",
        record: { username: "ann", groups: ["staff", "ops"], enabled: true, system: false },
        location: "line 2",
        raw: 'ann,"staff, ops",TRUE,false'.replace(/^/, ",")
      }
    ])
  })

  it("a malformed row is named by its line and column, and the rest of the file is still read", async () => {
    const entries = await read(
      [
        "username,enabled,groups",
        "ann,true,staff",
        "bo,maybe,staff",
        'cy,"true"x,staff',
        "di,true",
        'ed,"true",ab"c',
        'fy,true,"never closed',
        "gu,false,staff",
        ""
      ].join("\r\n")
    )
    expect(
      entries.map((entry) => [entry.kind, entry.location, entry.kind === "malformed" ? entry.reason : ""])
    ).toStrictEqual([
      ["user", "line 2", ""],
      ["malformed", "line 3, column enabled", "'maybe' is not a boolean: write true or false"],
      [
        "malformed",
        "line 4, column enabled",
        "a quoted field in column enabled is followed by other text before the next comma"
      ],
      ["malformed", "line 5", "the row has 2 fields where the header has 3"],
      [
        "malformed",
        "line 6, column groups",
        "a quote stands inside an unquoted field in column groups: quote the whole field and double the quotes in it"
      ],
      ["malformed", "line 7, column groups", "a quote in column groups is never closed"],
      ["user", "line 8", ""]
    ])
    expect(entries[1]?.raw).toBe("bo,maybe,staff")
  })

  it("a GID that is not a whole number is malformed, named by its column", async () => {
    const entries = await read("name,gid\nstaff,abc\nops,1002\n", "group")
    expect(entries).toStrictEqual([
      {
        kind: "malformed",
        of: "group",
        reason: "'abc' is not a whole number",
        location: "line 2, column gid",
        raw: "staff,abc"
      },
      { kind: "group", record: { name: "ops", gid: 1002 }, location: "line 3", raw: "ops,1002" }
    ])
  })

  it("a record spanning lines is located at its first line, and the lines after it keep their numbers", async () => {
    const entries = await read('username,firstName\nann,"Ann\nMarie"\n\nbo,Bo\n')
    expect(entries.map((entry) => entry.location)).toStrictEqual(["line 2", "line 5"])
    expect(records(entries)).toStrictEqual([
      { username: "ann", firstName: "Ann\nMarie" },
      { username: "bo", firstName: "Bo" }
    ])
  })

  it("a header naming an unknown column fails the read in one sentence", async () => {
    const error = await failure(Csv.read(Stream.make("username,emial\nann,a@b.c\n"), "user"))
    expect(error._tag).toBe("FormatError")
    expect(error.message).toBe(
      "The CSV header names a column 'emial' that a user does not have (its columns are username, firstName, lastName, email, enabled, system, groups, password, passwordHash, createdAt, externalId, externalName)."
    )
  })

  it("a header without the required column fails the read in one sentence", async () => {
    const error = await failure(Csv.read(Stream.make("gid,members\n1001,ann\n"), "group"))
    expect(error.message).toBe("The CSV header has no 'name' column, which every group needs.")
  })

  it("a row without its username is malformed", async () => {
    const entries = await read("username,firstName\n,Ann\n")
    expect(entries).toStrictEqual([
      {
        kind: "malformed",
        of: "user",
        reason: "a user needs a username",
        location: "line 2, column username",
        raw: ",Ann"
      }
    ])
  })

  it("a file with a byte order mark and no rows reads as no entries", async () => {
    expect(await read("\uFEFFusername,firstName\r\n")).toStrictEqual([])
    expect(await read("")).toStrictEqual([])
  })

  it("hands over the header row as the file has it, so that refused rows can be written back under it", async () => {
    const headers: Array<string> = []
    const entries = await collect(
      Csv.read(Stream.make('\r\n"groups",username\r\nstaff,ann\r\nops,Bo\r\n'), "user", {
        onHeader: (header) => headers.push(header)
      })
    )
    expect(headers).toStrictEqual(['"groups",username'])
    expect([headers[0], ...entries.map((entry) => entry.raw)].join("\r\n")).toBe(
      '"groups",username\r\nstaff,ann\r\nops,Bo'
    )
  })
})
