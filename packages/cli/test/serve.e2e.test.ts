import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterEach, describe, expect, it } from "vitest"

const BIN = fileURLToPath(new URL("../bin/dt.js", import.meta.url))

interface Serving {
  readonly child: ChildProcessWithoutNullStreams
  readonly url: string
  readonly stdout: () => string
  readonly stderr: () => string
  readonly exited: Promise<number | null>
}

const children: Array<ChildProcessWithoutNullStreams> = []

/** Starts `dt serve` on a free port of 127.0.0.1 and waits until it says where it serves. */
const serve = (args: ReadonlyArray<string>, env: Record<string, string> = {}): Promise<Serving> =>
  new Promise((resolve, reject) => {
    const home = mkdtempSync(join(tmpdir(), "dt-serve-"))
    const child = spawn(process.execPath, [BIN, "serve", "--port", "0", ...args], {
      env: { PATH: process.env.PATH ?? "", HOME: home, ...env }
    })
    children.push(child)
    let stdout = ""
    let stderr = ""
    const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)))
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk
    })
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk
      const url = /Serving the User Manager at (http:\/\/\S+)\//.exec(stdout)?.[1]
      if (url !== undefined) resolve({ child, url, stdout: () => stdout, stderr: () => stderr, exited })
    })
    void exited.then((code) => reject(new Error(`dt serve exited (${code}) before serving: ${stderr}`)))
  })

const login = (url: string, username: string, password: string) =>
  fetch(`${url}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password })
  })

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL")
})

describe("dt serve", () => {
  it("migrates an empty store, creates admin with a password printed once, and a person can sign in at the printed URL", async () => {
    const database = join(mkdtempSync(join(tmpdir(), "dt-serve-db-")), "dt.db")
    const server = await serve(["--database", `sqlite:${database}`])
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const password = /admin password \(shown once[^)]*\): (\S+)/.exec(server.stdout())?.[1] as string
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/)
    const page = await fetch(`${server.url}/`)
    expect(await page.text()).toContain('<form id="signin-form"')
    const signedIn = await login(server.url, "admin", password)
    expect(signedIn.status).toBe(200)
    expect(signedIn.headers.get("set-cookie")).toMatch(/HttpOnly; SameSite=Strict/)
    expect(((await signedIn.json()) as { admin: boolean }).admin).toBe(true)
    server.child.kill("SIGTERM")
    await server.exited

    // Served again, the store is not empty: no new administrator, no password printed.
    const again = await serve(["--database", `sqlite:${database}`])
    expect(again.stdout()).not.toContain("admin password")
    expect((await login(again.url, "admin", password)).status).toBe(200)
    again.child.kill("SIGINT")
    await again.exited
    expect(again.stderr()).not.toContain(password)
  })

  it("takes the first administrator's password from DT_ADMIN_PASSWORD and never prints it", async () => {
    const database = join(mkdtempSync(join(tmpdir(), "dt-serve-db-")), "dt.db")
    const server = await serve(["--database", `sqlite:${database}`], { DT_ADMIN_PASSWORD: "the chosen admin secret" })
    expect(server.stdout()).not.toContain("the chosen admin secret")
    expect((await login(server.url, "admin", "the chosen admin secret")).status).toBe(200)
    server.child.kill("SIGTERM")
    await server.exited
    expect(server.stdout() + server.stderr()).not.toContain("the chosen admin secret")
  })

  it("finishes a request in flight before it stops on SIGTERM", async () => {
    const database = join(mkdtempSync(join(tmpdir(), "dt-serve-db-")), "dt.db")
    const server = await serve(["--database", `sqlite:${database}`], { DT_ADMIN_PASSWORD: "the chosen admin secret" })
    // A sign-in hashes with argon2id, so it is still in flight when the signal arrives.
    const inFlight = login(server.url, "admin", "the chosen admin secret")
    await new Promise((resolve) => setTimeout(resolve, 5))
    server.child.kill("SIGTERM")
    expect((await inFlight).status).toBe(200)
    await server.exited
  })
})
