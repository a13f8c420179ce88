/**
 * The MySQL/MariaDB store gives up on a server that does not answer, as the PostgreSQL one does (FrozenPostgres.test.ts
 * freezes a private server; MariaDB is not frozen here): a server that accepts connections and never answers (a
 * socket made by the test) fails the connect, and the shared server's `SLEEP()` stands for a statement that does not
 * answer and for a pool whose connections stay in use.
 */
import { createServer, type Server, type Socket } from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as MysqlDirectory from "@user-manager/kysely/MysqlDirectory"
import { mysqlUrl } from "@user-manager/test-stores/stores"
import { sql } from "kysely"

const timeouts = { connectMs: 500, acquireMs: 500, statementMs: 500 }
const margin = 1_500

const rejection = async (promise: Promise<unknown>) => {
  const started = performance.now()
  const error = await promise.then(
    () => undefined,
    (error: unknown) => error
  )
  return { error: String(error), ms: performance.now() - started }
}

describe("MySQL/MariaDB behind a server that accepts connections and never answers", () => {
  let silent: Server
  const sockets = new Set<Socket>()
  let url = ""
  beforeAll(async () => {
    silent = createServer((socket) => {
      sockets.add(socket)
      socket.on("error", () => undefined)
    })
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve))
    const address = silent.address()
    url = `mysql://root@127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}/test`
  })
  afterAll(async () => {
    for (const socket of sockets) socket.destroy()
    await new Promise((resolve) => silent.close(resolve))
  })

  it("fails opening a connection within the connect timeout", async () => {
    const db = MysqlDirectory.open({ url, timeouts })
    try {
      const { error, ms } = await rejection(sql`select 1`.execute(db))
      expect(error).toContain("the database did not answer within 0.5 s (connecting)")
      expect(ms).toBeLessThan(timeouts.connectMs + margin)
    } finally {
      await db.destroy()
    }
  })

  it("closes the store at once while a connection is still opening", async () => {
    const db = MysqlDirectory.open({ url, timeouts: { ...timeouts, connectMs: 30_000 } })
    const waiting = rejection(sql`select 1`.execute(db))
    await new Promise((resolve) => setTimeout(resolve, 200))
    const started = performance.now()
    await db.destroy()
    expect(performance.now() - started).toBeLessThan(500)
    expect((await waiting).ms).toBeLessThan(1_000)
  })
})

const shared = mysqlUrl
describe.skipIf(shared === undefined)(
  `MySQL/MariaDB statements and pool${shared === undefined ? " (skipped: set DT_TEST_MYSQL_URL to run it)" : ""}`,
  () => {
    it("fails a statement the server does not answer within the statement timeout, and destroys its connection", async () => {
      const db = MysqlDirectory.open({ url: shared as string, poolSize: 1, timeouts })
      try {
        const connection = async () => (await sql<{ id: number }>`select connection_id() as id`.execute(db)).rows[0]?.id
        const before = await connection()
        const { error, ms } = await rejection(sql`select sleep(3)`.execute(db))
        expect(error).toContain("the database did not answer within 0.5 s")
        expect(ms).toBeLessThan(timeouts.statementMs + margin)
        // The pool's one connection was destroyed: the next statement runs at once, on a new connection.
        const started = performance.now()
        const after = await connection()
        expect(performance.now() - started).toBeLessThan(margin)
        expect(after).toBeDefined()
        expect(after).not.toBe(before)
      } finally {
        await db.destroy()
      }
    })

    it("fails an operation that waits for a connection while all are in use within the acquire timeout", async () => {
      const db = MysqlDirectory.open({
        url: shared as string,
        poolSize: 1,
        timeouts: { ...timeouts, statementMs: 5_000 }
      })
      try {
        const holding = sql`select sleep(2)`.execute(db)
        const { error, ms } = await rejection(sql`select 1`.execute(db))
        expect(error).toContain("the database did not answer within 0.5 s (its one connection stayed in use)")
        expect(ms).toBeLessThan(timeouts.acquireMs + margin)
        await holding
      } finally {
        await db.destroy()
      }
    })
  }
)
