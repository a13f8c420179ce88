/**
 * `dt serve --read-database` over a real streaming replica the test starts on loopback (a private primary and a standby
 * made with `pg_basebackup -R`; never the machine's shared server): lists and reads come from the replica, a client
 * reads its own writes at once, a lagging or stopped replica leaves the reads to the primary without an error, and a
 * session ended on the primary is refused at once.
 */

import { existsSync, mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { run as runProgram } from "@user-manager/test-stores/run"
import {
  type StreamingReplica,
  startStreamingReplica,
  streamingReplicaMissing
} from "@user-manager/test-stores/streamingReplica"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { BIN } from "./support/dt.js"
import { type Serving, serve } from "./support/serve.js"

const PASSWORD = "admin's long secret"
const METRICS_TOKEN = "metrics-token-of-the-test"
/** How far behind the replica may be, in seconds: long enough for a step of the test, short enough to wait out. */
const MAX_LAG = 5

/** Polls `check` every 100 ms until it holds, for at most `ms`. */
const eventually = async (check: () => Promise<boolean>, ms = 10_000) => {
  const until = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > until) throw new Error("the condition did not hold in time")
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

describe.skipIf(streamingReplicaMissing !== undefined)(
  `dt serve --read-database${streamingReplicaMissing === undefined ? "" : ` (skipped: ${streamingReplicaMissing})`}`,
  () => {
    let cluster: StreamingReplica
    let server: Serving
    beforeAll(async () => {
      cluster = await startStreamingReplica()
      server = await serve(
        [
          ...["--database", cluster.primaryUrl, "--read-database", cluster.replicaUrl],
          ...["--replica-max-lag", String(MAX_LAG), "--metrics-token", METRICS_TOKEN]
        ],
        { DT_ADMIN_PASSWORD: PASSWORD }
      )
    }, 60_000)
    afterAll(async () => {
      await server?.stop()
      await cluster?.stop()
    })

    const call = async (method: string, path: string, token?: string, body?: unknown) => {
      const response = await fetch(`${server.url}${path}`, {
        method,
        headers: {
          ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
          ...(body === undefined ? {} : { "content-type": "application/json" })
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) })
      })
      const text = await response.text()
      return { status: response.status, body: text === "" ? undefined : JSON.parse(text) }
    }
    const signIn = async () => {
      const answer = await call("POST", "/api/v1/auth/login", undefined, {
        username: "admin",
        password: PASSWORD,
        session: "bearer"
      })
      expect(answer.status).toBe(200)
      return answer.body.token as string
    }
    const groupNames = async (token: string) => {
      const answer = await call("GET", "/api/v1/groups?limit=100", token)
      expect(answer.status).toBe(200)
      return (answer.body.items as Array<{ name: string }>).map((group) => group.name)
    }
    const ready = () => call("GET", "/readyz")
    const readsServed = async () => {
      const response = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
      const text = await response.text()
      const count = (by: string) =>
        Number(new RegExp(`^dt_store_reads_total\\{served_by="${by}"\\} (\\d+)`, "m").exec(text)?.[1] ?? Number.NaN)
      return { primary: count("primary"), replica: count("replica") }
    }
    const streaming = () => eventually(async () => (await ready()).body.replica?.startsWith("streaming") === true)

    it("lists come from the replica, and a client reads its own write at once while others see it once replayed", async () => {
      await streaming()
      const writer = await signIn()
      const reader = await signIn()
      await cluster.onReplica("select pg_wal_replay_pause()")
      try {
        const before = await readsServed()
        expect((await call("POST", "/api/v1/groups", writer, { name: "fresh" })).status).toBe(201)
        expect(await groupNames(writer)).toContain("fresh")
        // The other client is served by the replica, which has not replayed the write.
        expect(await groupNames(reader)).not.toContain("fresh")
        const after = await readsServed()
        expect(after.primary - before.primary).toBe(1)
        expect(after.replica - before.replica).toBe(1)
      } finally {
        await cluster.onReplica("select pg_wal_replay_resume()")
      }
      await eventually(async () => (await groupNames(reader)).includes("fresh"))
    })

    it("a replica further behind than --replica-max-lag leaves the reads to the primary, and /readyz stays ready", async () => {
      await streaming()
      const reader = await signIn()
      await cluster.onReplica("select pg_wal_replay_pause()")
      try {
        const now = new Date().toISOString()
        await cluster.onPrimary(
          `insert into groups (name, gid, created_at, updated_at, version) values ('behind', 40000, '${now}', '${now}', 1)`
        )
        await eventually(async () => (await ready()).body.replica?.startsWith("lagging") === true)
        const answer = await ready()
        expect(answer.status).toBe(200)
        expect(answer.body.status).toBe("ready")
        expect(await groupNames(reader)).toContain("behind")
      } finally {
        await cluster.onReplica("select pg_wal_replay_resume()")
      }
      await streaming()
    })

    it("a session ended on the primary is refused at once, though the replica still holds it", async () => {
      await streaming()
      const token = await signIn()
      expect((await call("GET", "/api/v1/users", token)).status).toBe(200)
      await cluster.onReplica("select pg_wal_replay_pause()")
      try {
        expect((await call("POST", "/api/v1/auth/logout", token)).status).toBeLessThan(300)
        expect((await call("GET", "/api/v1/users", token)).status).toBe(401)
      } finally {
        await cluster.onReplica("select pg_wal_replay_resume()")
      }
    })

    it("a stopped replica leaves every read to the primary, without an error, and /readyz says so", async () => {
      await streaming()
      const reader = await signIn()
      await cluster.stopReplica()
      const before = await readsServed()
      expect(await groupNames(reader)).toContain("fresh")
      expect((await call("GET", "/api/v1/users/admin", reader)).status).toBe(200)
      const after = await readsServed()
      expect(after.primary - before.primary).toBe(2)
      expect(after.replica).toBe(before.replica)
      const answer = await ready()
      expect(answer.status).toBe(200)
      expect(answer.body.replica).toMatch(/^unreachable/)
    })
  }
)

it("refuses a read database that is not PostgreSQL, or beside a store that is not, in one sentence (exit 2), before it creates the store", async () => {
  const database = join(mkdtempSync(join(tmpdir(), "dt-serve-db-")), "dt.db")
  const run = (args: ReadonlyArray<string>, env: Record<string, string> = {}) =>
    runProgram(process.execPath, [BIN, "serve", "--port", "0", ...args], {
      env: { PATH: process.env.PATH ?? "", HOME: mkdtempSync(join(tmpdir(), "dt-serve-")), ...env }
    })
  // The sentence names the two URLs it was given (passwords hidden): which one came from where is then plain to see.
  const sentence = (primary: string, replica: string) =>
    "dt: Invalid read database: only PostgreSQL read replicas are supported, so the database and the read database " +
    `must both be postgres://… URLs (the database is '${primary}', the read database '${replica}').\n`
  const beside = await run([
    "--database",
    `sqlite:${database}`,
    "--read-database",
    "postgres://dt:secret@127.0.0.1:1/dt"
  ])
  expect(beside.stderr).toBe(sentence(`sqlite:${database}`, "postgres://dt:***@127.0.0.1:1/dt"))
  expect(beside.code).toBe(2)
  const fromEnvironment = await run(["--database", "postgres://dt@127.0.0.1:1/dt"], {
    DT_READ_DATABASE_URL: "mysql://root@127.0.0.1:1/dt"
  })
  expect(fromEnvironment.stderr).toBe(sentence("postgres://dt@127.0.0.1:1/dt", "mysql://root@127.0.0.1:1/dt"))
  expect(fromEnvironment.code).toBe(2)
  expect(existsSync(database)).toBe(false)
})
