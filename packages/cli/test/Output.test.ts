import { userInfo } from "node:os"
import { Writable } from "node:stream"
import type { Group, User } from "@user-manager/core"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { groups, printList, printOne, table, users } from "../src/Output.js"
import { sandbox } from "./support/dt.js"

const group = (name: string) =>
  ({
    name,
    gid: 1000,
    members: ["a", "b"],
    createdAt: new Date(0),
    updatedAt: new Date(0),
    version: 1
  }) as unknown as Group.Group

/** A slow reader: takes one chunk every few milliseconds, and says it is full after 16 bytes. */
const slowPipe = () => {
  const chunks: Array<string> = []
  const stream = new Writable({
    highWaterMark: 16,
    write: (chunk: Buffer, _encoding, done) => {
      chunks.push(chunk.toString())
      setTimeout(done, 5)
    }
  })
  return { stream, chunks }
}

describe("Output", () => {
  it("fetches the next page of a list only once the output has taken the last one", async () => {
    for (const format of [
      { pretty: false, json: false },
      { pretty: false, json: true }
    ]) {
      const { stream, chunks } = slowPipe()
      const waiting: Array<number> = []
      await Effect.runPromise(
        printList(
          groups,
          format,
          "me",
          (emit) =>
            Effect.gen(function* () {
              for (let page = 0; page < 4; page++) {
                waiting.push(stream.writableLength)
                yield* emit([group(`g${page}a`), group(`g${page}b`)])
              }
            }),
          stream
        )
      )
      // Below the high-water mark (16 bytes) each time: nothing of an earlier page was left queued.
      expect(Math.max(...waiting)).toBeLessThan(16)
      const text = chunks.join("")
      if (format.json) expect(JSON.parse(text)).toHaveLength(8)
      else expect(text.trim().split("\n")).toHaveLength(8)
    }
  })
})

/** What a printing effect writes to standard output. */
const printed = async (print: Effect.Effect<void>) => {
  const lines: Array<string> = []
  const capture = Effect.map(Effect.console, (real) => ({
    ...real,
    log: (...args: ReadonlyArray<unknown>) => Effect.sync(() => void lines.push(args.join(" ")))
  }))
  await Effect.runPromise(Effect.flatMap(capture, (fake) => Effect.withConsole(print, fake)))
  return lines.join("\n")
}

const user = (username: string, fullName: string, email: string | null) =>
  ({
    username,
    firstName: fullName,
    lastName: "",
    fullName,
    email,
    groups: ["admins", "staff"],
    enabled: true,
    system: false,
    createdAt: new Date(0),
    updatedAt: new Date(0),
    version: 1
  }) as unknown as User.User

describe("Output: tables for people (-p)", () => {
  it("pads each column by display width, so that wide CJK names keep the next column aligned", async () => {
    const text = await Effect.runPromise(
      table(
        ["User Name", "Full Name", "Email"],
        [
          ["yamada", "山田太郎", "y@example.com"],
          ["zoe", "Zoë Smith", "z@example.com"]
        ]
      )
    )
    const lines = text.split("\n")
    // The display column each line's last field starts at: a Han character takes two columns.
    const lastFieldColumn = (line: string) =>
      [...line.slice(0, line.lastIndexOf(" ") + 1)].reduce(
        (width, char) => width + (/\p{Script=Han}/u.test(char) ? 2 : 1),
        0
      )
    expect(lines.filter((_, index) => index !== 1).map(lastFieldColumn)).toEqual([22, 22, 22])
  })

  it("prints '-' for a missing email in a record, never null", async () => {
    const text = await printed(printOne(users, { pretty: true, json: false }, "me", user("bob", "Bob", null)))
    expect(text).not.toContain("null")
    expect(text).toMatch(/^email +-$/m)
  })

  it("separates members with ', ' in the Groups table as the Users table separates groups", async () => {
    const format = { pretty: true, json: false }
    const groupText = await printed(printList(groups, format, "me", (emit) => emit([group("staff")])))
    const userText = await printed(printList(users, format, "me", (emit) => emit([user("bob", "Bob", null)])))
    expect(groupText).toContain("a, b")
    expect(userText).toContain("admins, staff")
  })

  it("gives the column that marks you and the system users a header", async () => {
    const text = await printed(
      printList(users, { pretty: true, json: false }, "bob", (emit) => emit([user("bob", "Bob", null)]))
    )
    const [header = "", , row = ""] = text.split("\n")
    expect(header).toMatch(/^Mark +User Name/)
    expect(row).toMatch(/^You +bob/)
  })
})

describe("dt: output into a pipe", () => {
  it("ends quietly with exit 0 when the reader has gone away (dt user ls | head)", async () => {
    const { dt } = sandbox()
    expect((await dt("init")).code).toBe(0)
    for (const command of ["user ls", "user ls -j", `user get ${userInfo().username}`, "--help"]) {
      const run = await dt(command, { closeStdout: true })
      expect(run.stderr, command).toBe("")
      expect(run.code, command).toBe(0)
    }
  })
})
