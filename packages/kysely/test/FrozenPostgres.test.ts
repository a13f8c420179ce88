/**
 * A PostgreSQL server that stops answering (frozen with SIGSTOP, as a hung server or a cut network leaves it) fails
 * each operation with a `StorageError` once its timeout passes, instead of hanging; the connection that waited is
 * destroyed, and the directory works again once the server answers. The server is the test's own, never the shared one.
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Actor, UserManager } from "@user-manager/core"
import * as PostgresDirectory from "@user-manager/kysely/PostgresDirectory"
import {
  type PrivatePostgres,
  privatePostgresMissing,
  startPrivatePostgres
} from "@user-manager/test-stores/privatePostgres"
import { TestHasher } from "@user-manager/testing/TestHasher"
import { sql } from "kysely"

const admin = Actor.user("admin")
/** Short timeouts, so that the tests wait about a second each; the margin allows for a busy machine. */
const timeouts = { connectMs: 1_000, acquireMs: 1_000, statementMs: 1_000 }
const margin = 1_500

/** How long `promise` took to settle, and what it rejected with (it must reject). */
const rejection = async (promise: Promise<unknown>) => {
  const started = performance.now()
  const error = await promise.then(
    () => undefined,
    (error: unknown) => error
  )
  return { error: error as { _tag?: string; reason?: string } | undefined, ms: performance.now() - started }
}

const manager = (url: string, poolSize = 2) =>
  UserManager.make({ directory: PostgresDirectory.layer({ url, poolSize, timeouts }), hasher: TestHasher })

describe.skipIf(privatePostgresMissing !== undefined)(
  `PostgreSQL that stops answering${privatePostgresMissing === undefined ? "" : ` (skipped: ${privatePostgresMissing})`}`,
  () => {
    let server: PrivatePostgres
    beforeAll(async () => {
      server = await startPrivatePostgres()
      const setup = manager(server.url)
      await setup.users.bootstrap({ username: "admin", firstName: "Ada", password: "admin's long secret" })
      await setup.dispose()
    }, 60_000)
    afterAll(async () => {
      await server?.stop()
    })

    it("fails a read and a write with a StorageError saying the database did not answer within the statement timeout", async () => {
      const dt = manager(server.url)
      try {
        await dt.users.list(admin)
        server.freeze()
        const read = await rejection(dt.users.list(admin))
        const write = await rejection(dt.groups.create(admin, { name: "frozen" }))
        server.thaw()
        for (const { error, ms } of [read, write]) {
          expect(error?._tag).toBe("StorageError")
          // The write opens a new connection (the read's was destroyed): the connect timeout, as long, ends it.
          expect(error?.reason).toMatch(/^the database did not answer within 1 s( \(connecting\))?$/)
          expect(ms).toBeLessThan(timeouts.statementMs + margin)
        }
      } finally {
        server.thaw()
        await dt.dispose()
      }
    })

    it("destroys the connection whose statement timed out, and works again once the server answers", async () => {
      const dt = manager(server.url, 1)
      const db = PostgresDirectory.open({ url: server.url, poolSize: 1, timeouts })
      try {
        const backend = async () =>
          (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db)).rows[0]?.pid
        const before = await backend()
        await dt.users.list(admin)
        server.freeze()
        const stuck = await rejection(backend())
        expect(stuck.error?.reason ?? String(stuck.error)).toContain("did not answer within 1 s")
        server.thaw()
        // The pool's one connection was destroyed: the next statement runs on a new one (a new backend).
        const after = await backend()
        expect(after).toBeDefined()
        expect(after).not.toBe(before)
        server.freeze()
        await rejection(dt.users.list(admin))
        server.thaw()
        expect((await dt.users.list(admin)).items.map((user) => user.username)).toEqual(["admin"])
      } finally {
        server.thaw()
        await db.destroy()
        await dt.dispose()
      }
    })

    it("fails an operation that waits for a connection while all are in use within the acquire timeout", async () => {
      const db = PostgresDirectory.open({ url: server.url, poolSize: 1, timeouts: { ...timeouts, statementMs: 5_000 } })
      try {
        await sql`select 1`.execute(db)
        server.freeze()
        const holding = rejection(sql`select 1`.execute(db))
        const waiting = await rejection(sql`select 2`.execute(db))
        expect(String(waiting.error)).toContain(
          "the database did not answer within 1 s (its one connection stayed in use)"
        )
        expect(waiting.ms).toBeLessThan(timeouts.acquireMs + margin)
        server.thaw()
        await holding
      } finally {
        server.thaw()
        await db.destroy()
      }
    })

    it("fails opening a connection to a frozen server within the connect timeout", async () => {
      const dt = manager(server.url)
      try {
        server.freeze()
        const { error, ms } = await rejection(dt.users.list(admin))
        expect(error?._tag).toBe("StorageError")
        expect(error?.reason).toContain("the database did not answer within 1 s (connecting)")
        expect(ms).toBeLessThan(timeouts.connectMs + margin)
      } finally {
        server.thaw()
        await dt.dispose()
      }
    })

    it("closes the store at once while a statement waits on the frozen server", async () => {
      const db = PostgresDirectory.open({
        url: server.url,
        poolSize: 2,
        timeouts: { ...timeouts, statementMs: 30_000 }
      })
      await sql`select 1`.execute(db)
      server.freeze()
      try {
        const waiting = rejection(sql`select 1`.execute(db))
        const connecting = rejection(Promise.all([sql`select 1`.execute(db), sql`select 2`.execute(db)]))
        await new Promise((resolve) => setTimeout(resolve, 200))
        const started = performance.now()
        await db.destroy()
        expect(performance.now() - started).toBeLessThan(500)
        expect((await waiting).error).toBeDefined()
        expect((await connecting).error).toBeDefined()
      } finally {
        server.thaw()
      }
    })
  }
)
