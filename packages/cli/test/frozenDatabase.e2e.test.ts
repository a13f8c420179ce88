/**
 * dt over a PostgreSQL server that stops answering (the test's own server, frozen with SIGSTOP; never the shared one):
 * a command gives up with exit 3 and one sentence once its timeout passes, SIGTERM ends a command that waits at once,
 * and `dt serve` answers 503 in the error shape.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process"
import {
  type PrivatePostgres,
  privatePostgresMissing,
  startPrivatePostgres
} from "@user-manager/test-stores/privatePostgres"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import { BIN, sandbox } from "./support/dt.js"

/** Short timeouts (seconds), so that each test waits about a second; the margin allows for dt's start on a busy machine. */
const short = { DT_DATABASE_CONNECT_TIMEOUT: "1", DT_DATABASE_ACQUIRE_TIMEOUT: "1", DT_DATABASE_STATEMENT_TIMEOUT: "1" }
const margin = 3_000

/** A running dt, its output so far, and how it ended: its exit code, or the signal that killed it. */
interface Running {
  readonly child: ChildProcessWithoutNullStreams
  readonly stdout: () => string
  readonly stderr: () => string
  readonly exited: Promise<string>
}

const children: Array<ChildProcessWithoutNullStreams> = []
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL")
})

describe.skipIf(privatePostgresMissing !== undefined)(
  `dt over a PostgreSQL server that stops answering${privatePostgresMissing === undefined ? "" : ` (skipped: ${privatePostgresMissing})`}`,
  () => {
    let server: PrivatePostgres
    let env: Record<string, string>
    beforeAll(async () => {
      server = await startPrivatePostgres()
      env = { DT_DATABASE_URL: server.url, DT_USER: "admin" }
      const init = await sandbox(env).dt("init --admin admin")
      expect(init.code, init.stderr).toBe(0)
    }, 60_000)
    afterAll(async () => {
      await server?.stop()
    })

    /** Starts dt over the private server. */
    const start = (args: ReadonlyArray<string>, more: Record<string, string> = {}): Running => {
      const child = spawn(process.execPath, [BIN, ...args], {
        env: { PATH: process.env.PATH ?? "", HOME: sandbox().home, ...env, ...more }
      })
      children.push(child)
      let stdout = ""
      let stderr = ""
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
        stdout += chunk
      })
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
        stderr += chunk
      })
      const exited = new Promise<string>((resolve) =>
        child.once("exit", (code, signal) => resolve(String(code ?? signal)))
      )
      return { child, stdout: () => stdout, stderr: () => stderr, exited }
    }

    /** Waits until dt has connected to the server: from then on it waits on it (dt's own start takes up to seconds). */
    const connected = async ({ child }: Running) => {
      while (!server.connectedFrom(child.pid as number)) {
        if (child.exitCode !== null) throw new Error("dt exited before it connected")
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
    }

    it("dt user ls exits 3 with one sentence once the connect timeout passes", async () => {
      expect((await sandbox({ ...env, ...short }).dt("user ls")).code).toBe(0)
      server.freeze()
      try {
        const dt = start(["user", "ls"], short)
        await connected(dt)
        const started = performance.now()
        expect(await dt.exited).toBe("3")
        expect(performance.now() - started).toBeLessThan(1_000 + margin)
        expect(dt.stdout()).toBe("")
        expect(dt.stderr()).toMatch(
          /^dt: The user store failed: cannot reach postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres: the database did not answer within 1 s \(connecting\)\.\n$/
        )
      } finally {
        server.thaw()
      }
    })

    it("refuses a timeout that is not a number of seconds, in one sentence (exit 2)", async () => {
      const run = await sandbox({ ...env, DT_DATABASE_STATEMENT_TIMEOUT: "30s" }).dt("user ls")
      expect(run.code).toBe(2)
      expect(run.stderr).toBe(
        "dt: Invalid DT_DATABASE_STATEMENT_TIMEOUT: '30s' is not a number of seconds from 0.001 to 86400.\n"
      )
    })

    it("dt user ls ends at once on SIGTERM while it waits for the server (exit 130)", async () => {
      server.freeze()
      try {
        // The default timeouts (10 s to connect): only the signal can end it this soon.
        const dt = start(["user", "ls"])
        await connected(dt)
        await new Promise((resolve) => setTimeout(resolve, 200))
        const started = performance.now()
        dt.child.kill("SIGTERM")
        expect(await dt.exited).toBe("130")
        expect(performance.now() - started).toBeLessThan(500)
        expect(dt.stderr()).toBe("")
      } finally {
        server.thaw()
      }
    })

    it("dt serve answers 503 in the error shape while the server does not answer, and 200 once it does", async () => {
      const serving = start(["serve", "--port", "0"], short)
      try {
        let url: string | undefined
        while (url === undefined) {
          if (serving.child.exitCode !== null) throw new Error(`dt serve exited: ${serving.stderr()}`)
          await new Promise((resolve) => setTimeout(resolve, 20))
          url = /Serving the User Manager at (http:\/\/\S+)\//.exec(serving.stdout())?.[1]
        }
        // An existing user, with a password set over the CLI, signs in while the server answers.
        const { dt } = sandbox(env)
        expect((await dt("user modify admin --password-stdin", { input: "admin's long secret\n" })).code).toBe(0)
        const login = await fetch(`${url}/api/v1/auth/login`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ username: "admin", password: "admin's long secret", session: "bearer" })
        })
        expect(login.status).toBe(200)
        const token = ((await login.json()) as { token: string }).token
        const users = () => fetch(`${url}/api/v1/users`, { headers: { authorization: `Bearer ${token}` } })
        server.freeze()
        try {
          const started = performance.now()
          const answer = await users()
          expect(performance.now() - started).toBeLessThan(1_000 + margin)
          expect(answer.status).toBe(503)
          expect(await answer.json()).toEqual({
            _tag: "StorageError",
            status: 503,
            message: "The user store is unavailable."
          })
        } finally {
          server.thaw()
        }
        expect((await users()).status).toBe(200)
      } finally {
        serving.child.kill("SIGTERM")
      }
    })
  }
)
