/**
 * How `dt group ls`, `dt group get` and `dt group get --members` print a group, in process: over a real SQLite store
 * (local mode) and over a real API server on that store (remote mode, `Remote.services`), with small member pages so
 * that a group of 23 members takes six.
 */
import { Writable } from "node:stream"
import { HttpServer } from "@effect/platform"
import { Actor, type Group, Groups, UserManager, Users } from "@user-manager/core"
import { Argon2Hasher, KyselyDirectory } from "@user-manager/kysely"
import * as Server from "@user-manager/server/Server"
import { migrate, sqliteFile, type TestDatabase } from "@user-manager/test-stores/stores"
import { Context, Effect, Exit, Layer, Scope, Stream } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as GroupOutput from "../src/GroupOutput.js"
import type * as Output from "../src/Output.js"
import * as Remote from "../src/Remote.js"

const admin = Actor.user("admin")
const PASSWORD = "the admin's long secret"
/** The crew's members, in username order: more than a page of 4, and more than `-p` shows. */
const CREW = Array.from({ length: 23 }, (_, index) => `m${String(index).padStart(2, "0")}`)
const PAGE = 4

const FORMATS = [
  { pretty: false, json: false },
  { pretty: true, json: false },
  { pretty: false, json: true },
  { pretty: true, json: true }
] as const

/** An output that collects what is written, and says it is full after 16 bytes (a slow pipe). */
const collector = () => {
  const chunks: Array<string> = []
  const stream = new Writable({
    highWaterMark: 16,
    write: (chunk: Buffer, _encoding, done) => {
      chunks.push(chunk.toString())
      setImmediate(done)
    }
  })
  // Once all that was written has been taken.
  const text = () => new Promise<string>((resolve) => stream.end(() => resolve(chunks.join(""))))
  return { stream, text }
}

let database: TestDatabase
let scope: Scope.CloseableScope
let local: Groups.Groups["Type"]
let remote: Groups.Groups["Type"]

beforeAll(async () => {
  database = await sqliteFile()
  await migrate(database)
  const services = UserManager.layer({
    directory: KyselyDirectory.layer({ db: database.db, engine: database.engine }),
    hasher: Argon2Hasher.layer
  })
  scope = Effect.runSync(Scope.make())
  const context = await Effect.runPromise(
    Layer.buildWithScope(
      Server.node({ port: 0, host: "127.0.0.1", log: false }).pipe(Layer.provideMerge(services)),
      scope
    )
  )
  const address = Context.get(context, HttpServer.HttpServer).address
  if (address._tag !== "TcpAddress") throw new Error("not a TCP server")
  const url = `http://127.0.0.1:${address.port}`
  local = Context.get(context, Groups.Groups)
  const users = Context.get(context, Users.Users)
  await Effect.runPromise(
    Effect.gen(function* () {
      yield* users.bootstrap({ username: "admin", password: PASSWORD })
      yield* local.create(admin, { name: "crew" })
      yield* local.create(admin, { name: "empty" })
      for (const username of CREW) yield* users.create(admin, { username, groups: ["crew"] })
    })
  )
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "admin", password: PASSWORD, session: "bearer" })
  })
  const token = ((await login.json()) as { token: string }).token
  remote = (await Effect.runPromise(Remote.services(url, token))).groups
}, 60_000)

afterAll(async () => {
  await Effect.runPromise(Scope.close(scope, Exit.void))
  await database.drop()
})

/** Each member page as the store or the server gives it, `PAGE` at a time; `pulled` counts the pages read. */
const pages = (groups: Groups.Groups["Type"], pulled?: { count: number }) => (group: Group.Group) =>
  groups.memberStream(admin, group.name, { pageSize: PAGE }).pipe(
    Stream.mapChunks((chunk) => {
      if (pulled !== undefined) pulled.count++
      return chunk
    })
  )

const answerOf = (members: ReadonlyArray<string>) => ({
  name: "everyone",
  gid: 1000,
  members,
  createdAt: new Date(0),
  updatedAt: new Date(0),
  version: 1
})

/** What `dt group get crew` prints in one format, in one mode. */
const getCrew = async (groups: Groups.Groups["Type"], format: Output.Format) => {
  const out = collector()
  const group = await Effect.runPromise(groups.get(admin, "crew"))
  await Effect.runPromise(GroupOutput.printGroup(format, group, pages(groups), out.stream))
  return await out.text()
}

/** What `dt group ls` prints in one format, in one mode. */
const listAll = async (groups: Groups.Groups["Type"], format: Output.Format) => {
  const out = collector()
  await Effect.runPromise(
    GroupOutput.printGroups(
      format,
      (emit) => Effect.flatMap(groups.list(admin, { limit: 1000 }), (page) => emit(page.items)),
      pages(groups),
      out.stream
    )
  )
  return await out.text()
}

describe("dt group get and ls", () => {
  it("print the member count, and every member in order in plain and -j output", async () => {
    // The group's answer carries only the first ten: the rest come from its member pages.
    const answer = await Effect.runPromise(local.get(admin, "crew"))
    expect([answer.memberCount, answer.members, answer.membersTruncated]).toEqual([23, CREW.slice(0, 10), true])
    expect(await getCrew(local, { pretty: false, json: false })).toBe(`crew\t1001\t${CREW.join(",")}\t23\n`)
    const json = JSON.parse(await getCrew(local, { pretty: false, json: true }))
    expect([json.memberCount, json.members, json.membersTruncated]).toEqual([23, CREW, false])
    const indented = await getCrew(local, { pretty: true, json: true })
    expect(indented).toBe(`${JSON.stringify(json, null, 2)}\n`)
    const listed = JSON.parse(await listAll(local, { pretty: false, json: true }))
    expect(listed.map((group: { name: string; memberCount: number }) => [group.name, group.memberCount])).toEqual([
      ["admins", 1],
      ["crew", 23],
      ["empty", 0]
    ])
    expect(listed[1].members).toEqual(CREW)
    expect(JSON.parse(await listAll(local, { pretty: true, json: true }))).toEqual(listed)
    expect(await listAll(local, { pretty: false, json: false })).toBe(
      `admins\t1000\tadmin\t1\ncrew\t1001\t${CREW.join(",")}\t23\nempty\t1002\t\t0\n`
    )
  })

  it("-p shows the count and the first ten members, then 'and N more' (the count formatted)", async () => {
    const first = CREW.slice(0, 10).join(", ")
    expect(await getCrew(local, { pretty: true, json: false })).toMatch(
      new RegExp(`^name +crew\\ngid +1001\\nmemberCount +23\\nmembers +${first} and 13 more\\n`)
    )
    const table = (await listAll(local, { pretty: true, json: false })).split("\n")
    expect(table[0]).toMatch(/^Name +GID +Members +Users$/)
    expect(table[3]).toMatch(new RegExp(`^crew +1001 +23 +${first} and 13 more$`))
    expect(GroupOutput.formatCount(500_000)).toBe("500,000")
    const everyone = { ...answerOf(CREW.slice(0, 10)), memberCount: 500_000, membersTruncated: true } as Group.Group
    expect(GroupOutput.preview(everyone)).toBe(`${first} and 499,990 more`)
  })

  it("gives the same output in remote mode as in local mode, in every format", async () => {
    for (const format of FORMATS) {
      expect(await getCrew(remote, format), JSON.stringify(format)).toBe(await getCrew(local, format))
      expect(await listAll(remote, format), JSON.stringify(format)).toBe(await listAll(local, format))
    }
  })
})

describe("dt group get --members", () => {
  it("prints every member in order, page by page, reading the next page only once the output took the last", async () => {
    for (const groups of [local, remote]) {
      const out = collector()
      const waiting: Array<number> = []
      const pulled = { count: 0 }
      const members = pages(
        groups,
        pulled
      )({ name: "crew" } as Group.Group).pipe(
        Stream.mapChunks((chunk) => {
          waiting.push(out.stream.writableLength)
          return chunk
        })
      )
      await Effect.runPromise(GroupOutput.printMembers({ pretty: false, json: false }, members, out.stream))
      expect(await out.text()).toBe(`${CREW.join("\n")}\n`)
      expect(pulled.count).toBe(Math.ceil(CREW.length / PAGE))
      // Below the high-water mark (16 bytes) at each page: nothing of the page before was left queued.
      expect(Math.max(...waiting)).toBeLessThan(16)
    }
  })

  it("prints a JSON array with -j (indented with -j -p), and the same in remote mode", async () => {
    const print = async (groups: Groups.Groups["Type"], format: Output.Format, name: string) => {
      const out = collector()
      await Effect.runPromise(GroupOutput.printMembers(format, pages(groups)({ name } as Group.Group), out.stream))
      return await out.text()
    }
    expect(await print(local, { pretty: false, json: true }, "crew")).toBe(`${JSON.stringify(CREW)}\n`)
    expect(await print(local, { pretty: true, json: true }, "crew")).toBe(`${JSON.stringify(CREW, null, 2)}\n`)
    expect(await print(local, { pretty: false, json: true }, "empty")).toBe("[]\n")
    expect(await print(local, { pretty: false, json: false }, "empty")).toBe("")
    for (const format of FORMATS) {
      for (const name of ["crew", "empty"]) {
        expect(await print(remote, format, name)).toBe(await print(local, format, name))
      }
    }
    const missing = await Effect.runPromise(
      Effect.either(GroupOutput.printMembers(FORMATS[0], local.memberStream(admin, "nosuch"), collector().stream))
    )
    expect(missing).toMatchObject({ _tag: "Left", left: { _tag: "GroupNotFound" } })
  })
})
