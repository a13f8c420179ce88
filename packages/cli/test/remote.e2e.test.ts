import { statSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { sandbox } from "./support/dt.js"
import { freshDatabase, type Serving, serve } from "./support/serve.js"

const ADMIN_PASSWORD = "the remote admin secret"

describe("dt in remote mode, against dt serve", () => {
  let server: Serving
  beforeAll(async () => {
    server = await serve(["--database", freshDatabase("dt-remote-")], { DT_ADMIN_PASSWORD: ADMIN_PASSWORD })
  })
  afterAll(() => {
    server?.child.kill("SIGTERM")
  })

  it("signs in with the session kept readable by its owner only, runs commands over the server, and signs out", async () => {
    const { dt, home } = sandbox({ DT_SERVER: server.url })
    expect((await dt("user ls")).code).toBe(1)
    const signedIn = await dt("login admin --password-stdin", { input: `${ADMIN_PASSWORD}\n` })
    expect(signedIn.code).toBe(0)
    expect(signedIn.stderr).toContain(`Signed in to ${server.url} as 'admin' (administrator)`)
    expect(statSync(join(home, ".config", "dt", "session.json")).mode & 0o777).toBe(0o600)

    // The scenarios of dt.e2e.test.ts run in remote mode too; here, only what signing in and out changes.
    expect((await dt("user ls")).stdout).toBe("admin\tAdministrator\tadmins\t\ttrue\n")

    const logout = await dt("logout")
    expect(logout.code).toBe(0)
    expect(logout.stderr).toContain(`Signed out of ${server.url}`)
    expect((await dt("user ls")).code).toBe(1)
  })

  it("signs out with --server naming the server signed in to; another server is refused in one sentence, the session kept", async () => {
    const { dt } = sandbox({})
    await dt(`login admin --server ${server.url} --password-stdin`, { input: ADMIN_PASSWORD })
    const other = await dt("logout --server http://127.0.0.1:9")
    expect(other.stderr).toBe(
      `dt: Invalid server: the session is for ${server.url}, not http://127.0.0.1:9: run dt logout without --server to end it.\n`
    )
    expect(other.code).toBe(2)
    expect((await dt("user ls")).code).toBe(0)
    const logout = await dt(`logout --server ${server.url}/`)
    expect(logout.stderr).toBe(`Signed out of ${server.url}.\n`)
    expect((await dt("logout")).stderr).toBe("Not signed in to any server.\n")
  })

  it("gives the same exit codes: 1 refused or not found, 2 invalid input, 3 server unreachable", async () => {
    const { dt } = sandbox({ DT_SERVER: server.url })
    await dt("login admin --password-stdin", { input: ADMIN_PASSWORD })
    const missing = await dt("user get nobody")
    expect(missing.code).toBe(1)
    expect(missing.stderr).toBe("dt: There is no user named 'nobody'.\n")
    expect((await dt("group rm admins")).code).toBe(1)
    const invalid = await dt("user add Bad -g admins")
    expect(invalid.code).toBe(2)
    expect(invalid.stderr).toContain("lowercase only")
    expect((await dt("user ls", { env: { DT_SERVER: "http://127.0.0.1:9" } })).code).toBe(3)
    // The server knows the actor by the session: --as cannot act as someone else (local mode's --as refuses this too).
    const other = await dt("--as nobody group ls")
    expect([other.code, other.stdout]).toEqual([2, ""])
    expect(other.stderr).toBe(
      "dt: Invalid as: on a server you act as the signed-in user 'admin': sign in as 'nobody' with dt login.\n"
    )
    expect((await dt("group ls --as admin")).code).toBe(0)
    const wrong = await sandbox({ DT_SERVER: server.url }).dt("login admin --password-stdin", { input: "not it" })
    expect(wrong.code).toBe(1)
    expect(wrong.stderr).not.toContain(ADMIN_PASSWORD)
  })

  it("takes --server on every command, before or after it, over DT_SERVER and DT_DATABASE_URL", async () => {
    // Signed in through DT_SERVER; the commands then name the server themselves, with a database in the environment.
    const { dt } = sandbox({ DT_SERVER: server.url })
    await dt("login admin --password-stdin", { input: ADMIN_PASSWORD })
    const env = { DT_SERVER: "", DT_DATABASE_URL: "sqlite:/nonexistent/dt.db" }
    expect(await dt(`user ls --server ${server.url}/`, { env })).toMatchObject({
      code: 0,
      stdout: "admin\tAdministrator\tadmins\t\ttrue\n"
    })
    const group = (await dt(`--server ${server.url} -j group get admins`, { env })).stdout
    expect(group).toContain('"name":"admins"')
    // The API's answers say what the actor may not do with each record (`refused`); `dt … -j` prints the record alone.
    expect(group).not.toContain('"refused"')
    const users = (await dt(`--server ${server.url} -j user ls`, { env })).stdout
    expect(users).toContain('"username":"admin"')
    expect(users).not.toContain('"refused"')
    expect((await dt(`group add ops --server ${server.url}`, { env })).code).toBe(0)
    expect((await dt(`group ls --server ${server.url}`, { env })).stdout).toContain("ops\t")
    // A server that is not running is unreachable (3), as with DT_SERVER.
    expect((await dt("user ls --server http://127.0.0.1:9", { env })).code).toBe(3)
  })

  it("refuses --server with --database, or a --server or DT_SERVER that is no http(s) URL, in one sentence (exit 2)", async () => {
    const { dt } = sandbox()
    const both = await dt(`user ls --server ${server.url} --database sqlite:dt.db`)
    expect([both.code, both.stdout, both.stderr]).toEqual([
      2,
      "",
      "dt: Invalid server: give either --server or --database, not both.\n"
    ])
    const notUrl = await dt("user ls --server 127.0.0.1:8080")
    expect([notUrl.code, notUrl.stderr]).toEqual([
      2,
      "dt: Invalid server: '127.0.0.1:8080' is not an http:// or https:// URL.\n"
    ])
    expect((await dt("login admin --server ftp://example.org", { input: ADMIN_PASSWORD })).code).toBe(2)
    // DT_SERVER is held to the same rule as --server.
    const fromEnvironment = await dt("user ls", { env: { DT_SERVER: "localhost:8080" } })
    expect([fromEnvironment.code, fromEnvironment.stderr]).toEqual([
      2,
      "dt: Invalid server: 'localhost:8080' is not an http:// or https:// URL.\n"
    ])
  })
})
