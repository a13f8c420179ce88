import { describe, expect, it } from "@effect/vitest"
import { Stream } from "effect"
import * as Passwd from "../src/Passwd.js"
import { collect } from "./support.js"

const SHA512 = `$6$saltsalt$${"a".repeat(86)}`
const YESCRYPT = `$y$j9T$salt$${"b".repeat(43)}`

const passwd = [
  "root:x:0:0:root:/root:/bin/bash",
  "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin",
  "www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin",
  "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin",
  "# a comment",
  "alice:x:1000:1000:Alice Mary Smith,Room 12,555-1234,,:/home/alice:/bin/bash",
  "bob:x:1001:1001::/home/bob:/bin/sh",
  "carol:x:1002:100:Carol:/home/carol:/bin/zsh",
  "dave:x:1003:1003:Dave Locked:/home/dave:/bin/bash",
  "broken:x:1004",
  "eve:x:abc:1005:Eve:/home/eve:/bin/sh",
  ""
].join("\n")

const group = [
  "root:x:0:",
  "daemon:x:1:",
  "adm:x:4:alice,www-data",
  "www-data:x:33:",
  "users:x:100:",
  "sudo:x:27:alice",
  "nogroup:x:65534:",
  "alice:x:1000:",
  "bob:x:1001:",
  "dave:x:1003:",
  "developers:x:1500:alice,carol,bob",
  "ops:x:1501:carol",
  "bad group line",
  ""
].join("\n")

const shadow = [
  "root:!:19000:0:99999:7:::",
  `alice:${SHA512}:19000:0:99999:7:::`,
  "bob::19000:0:99999:7:::",
  `carol:${YESCRYPT}:19000:0:99999:7:::`,
  `dave:!${SHA512}:19000:0:99999:7:::`,
  "www-data:*:19000:0:99999:7:::"
].join("\n")

const read = (options?: Passwd.Options, withShadow = true) =>
  collect(
    Passwd.read(
      { passwd: Stream.make(passwd), group: Stream.make(group), shadow: withShadow ? Stream.make(shadow) : undefined },
      options
    )
  )

const summary = (entries: Awaited<ReturnType<typeof read>>) =>
  entries.map((entry) => (entry.kind === "malformed" ? `${entry.location}: ${entry.reason}` : entry.record))

describe("a host's passwd, group and shadow files", () => {
  it("imports the accounts from UID 1000 up with their groups (a primary group below 1000 too), GECOS names and unlocked hashes; the rest is skipped", async () => {
    expect(summary(await read())).toStrictEqual([
      { name: "users", gid: 100 },
      { name: "alice", gid: 1000 },
      { name: "bob", gid: 1001 },
      { name: "dave", gid: 1003 },
      { name: "developers", gid: 1500 },
      { name: "ops", gid: 1501 },
      "group line 13: a group entry has 4 fields separated by ':', this one has 1",
      {
        username: "alice",
        firstName: "Alice Mary",
        lastName: "Smith",
        groups: ["alice", "developers"],
        passwordHash: SHA512
      },
      { username: "bob", groups: ["bob", "developers"] },
      { username: "carol", firstName: "Carol", groups: ["users", "developers", "ops"], passwordHash: YESCRYPT },
      { username: "dave", firstName: "Dave", lastName: "Locked", groups: ["dave"] },
      "passwd line 10: a passwd entry has 7 fields separated by ':', this one has 3",
      "passwd line 11: the UID 'abc' is not a whole number"
    ])
  })

  it("with belowMinUid system, accounts below min-uid are system users without password, with their system groups", async () => {
    const entries = summary(await read({ belowMinUid: "system" }))
    expect(entries.slice(0, 6)).toStrictEqual([
      { name: "daemon", gid: 1 },
      { name: "adm", gid: 4 },
      { name: "www-data", gid: 33 },
      { name: "users", gid: 100 },
      { name: "sudo", gid: 27 },
      { name: "alice", gid: 1000 }
    ])
    expect(entries).toContainEqual({ username: "daemon", firstName: "daemon", groups: ["daemon"], system: true })
    expect(entries).toContainEqual({
      username: "www-data",
      firstName: "www-data",
      groups: ["www-data", "adm"],
      system: true
    })
    expect(entries).toContainEqual({
      username: "alice",
      firstName: "Alice Mary",
      lastName: "Smith",
      groups: ["alice", "adm", "sudo", "developers"],
      passwordHash: SHA512
    })
    expect(entries).toContainEqual({
      username: "carol",
      firstName: "Carol",
      groups: ["users", "developers", "ops"],
      passwordHash: YESCRYPT
    })
  })

  it("never imports root or nobody, nor the root and nogroup groups", async () => {
    const entries = await read({ belowMinUid: "system", minUid: 0 })
    const names = entries.flatMap((entry) =>
      entry.kind === "user" ? [entry.record.username] : entry.kind === "group" ? [entry.record.name] : []
    )
    expect(names).not.toContain("root")
    expect(names).not.toContain("nobody")
    expect(names).not.toContain("nogroup")
  })

  it("a higher min-uid skips the accounts and groups below it", async () => {
    const entries = summary(await read({ minUid: 1002 }))
    expect(
      entries
        .filter((entry) => typeof entry === "object" && "username" in entry)
        .map((user) => (user as { username: string }).username)
    ).toStrictEqual(["carol", "dave"])
    expect(entries).toContainEqual({ name: "developers", gid: 1500 })
    expect(entries).not.toContainEqual({ name: "alice", gid: 1000 })
  })

  it("without a shadow file no user has a password hash", async () => {
    const entries = await read(undefined, false)
    expect(entries.some((entry) => entry.kind === "user" && entry.record.passwordHash !== undefined)).toBe(false)
  })

  it("a user's entry keeps the passwd line as raw text and its line as location, never the shadow line", async () => {
    const entries = await read()
    const alice = entries.find((entry) => entry.kind === "user" && entry.record.username === "alice")
    expect(alice?.location).toBe("passwd line 6")
    expect(alice?.raw).toBe("alice:x:1000:1000:Alice Mary Smith,Room 12,555-1234,,:/home/alice:/bin/bash")
  })

  it("locked or empty shadow entries mean no password", () => {
    for (const field of ["", "!", "!!", "*", "!*", `!${SHA512}`]) expect(Passwd.isLocked(field)).toBe(true)
    expect(Passwd.isLocked(SHA512)).toBe(false)
  })

  it("GECOS gives the first name and the last word as last name", () => {
    expect(Passwd.namesOf("Alice Mary Smith,Room 12")).toStrictEqual({ firstName: "Alice Mary", lastName: "Smith" })
    expect(Passwd.namesOf("Carol")).toStrictEqual({ firstName: "Carol" })
    expect(Passwd.namesOf(",,,")).toStrictEqual({})
    expect(Passwd.namesOf("  Jürgen   Groß ")).toStrictEqual({ firstName: "Jürgen", lastName: "Groß" })
  })
})
