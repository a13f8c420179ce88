import { readFileSync } from "node:fs"
import { join } from "node:path"
import { beforeAll, describe, expect, it } from "vitest"
import { dtEnv, eachLine, globalCli, type Ran, run, scratch, serve } from "./support/hosts.js"

describe.each(await eachLine())("the CLI installed globally from its tarball on Node %s", (_, line) => {
  let prefix: string
  let dir: string
  let env: Record<string, string>

  /** Runs a command line exactly as a person types it, in a shell whose PATH leads `dt` to the installed one. */
  const sh = (command: string, extra: Record<string, string> = {}): Promise<Ran> =>
    run(line, "sh", ["-c", command], { cwd: dir, env: { ...env, ...extra } })
  const ok = async (command: string, extra: Record<string, string> = {}): Promise<string> => {
    const ran = await sh(command, extra)
    expect(ran, command).toMatchObject({ code: 0 })
    return ran.stdout
  }

  beforeAll(async () => {
    prefix = await globalCli(line)
    dir = scratch(line, "cli-walkthrough")
    // The walkthrough's store and who runs it (examples/quickstart/walkthrough.sh does the same).
    env = { ...dtEnv(line, prefix, dir), DT_DATABASE_URL: `sqlite:${join(dir, "walkthrough.db")}`, DT_USER: "admin" }
  })

  it("prints the package's version with dt --version", async () => {
    const manifest = join(prefix, "lib/node_modules/@user-manager/cli/package.json")
    const { version } = JSON.parse(readFileSync(manifest, "utf8")) as { version: string }
    expect(await ok("dt --version")).toBe(`${version}\n`)
    expect(await ok("command -v dt")).toBe(`${join(prefix, "bin/dt")}\n`)
  })

  it("runs the product description's walkthrough and every one of its CLI examples, as written, on SQLite", async () => {
    // examples/quickstart/walkthrough.sh, with the product description's examples where it has them.
    expect(await ok("dt init --admin admin -f Ada -l Admin")).toBe("admin\tAda Admin\tadmins\t\ttrue\n")
    expect(await ok("dt group add developers")).toBe("developers\t1001\t\t0\n")
    expect(await ok("dt user add -f John -l Doe -g developers -e john@example.com john")).toBe(
      "john\tJohn Doe\tdevelopers\tjohn@example.com\ttrue\n"
    )
    expect(await ok("dt user modify john -g developers,admins")).toBe(
      "john\tJohn Doe\tadmins,developers\tjohn@example.com\ttrue\n"
    )
    expect(await ok("dt user disable john")).toBe("john\tJohn Doe\tadmins,developers\tjohn@example.com\tfalse\n")
    expect(await ok("dt group add analysts")).toBe("analysts\t1002\t\t0\n")
    await ok("dt user add -f Alice -l Liddell -g developers alice")
    await ok("dt user add -f Bob -l Builder -g developers bob")
    expect(await ok("dt group add-users analysts alice,bob")).toBe("analysts\t1002\talice,bob\t2\n")
    expect(await ok("dt group rm-users analysts bob")).toBe("analysts\t1002\talice\t1\n")
    const refused = await sh("dt user rm-from-group bob developers")
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/^dt: [^\n]*at least one group[^\n]*\n$/)
    expect(await ok("dt user ls")).toBe(
      [
        "admin\tAda Admin\tadmins\t\ttrue",
        "alice\tAlice Liddell\tanalysts,developers\t\ttrue",
        "bob\tBob Builder\tdevelopers\t\ttrue",
        "john\tJohn Doe\tadmins,developers\tjohn@example.com\tfalse",
        ""
      ].join("\n")
    )
    expect(await ok("dt group ls")).toBe(
      "admins\t1000\tadmin,john\t2\nanalysts\t1002\talice\t1\ndevelopers\t1001\talice,bob,john\t3\n"
    )
    expect(await ok("dt user ls -p")).toMatch(/User Name +Full Name +Groups +Email +Enabled/)
    expect(await ok("dt group ls -p")).toMatch(/Name +GID +Members +Users/)
    expect(JSON.parse(await ok("dt group ls -j"))).toHaveLength(3)

    // The rest of the product description's command tables, with values in place of the placeholders.
    expect(JSON.parse(await ok("dt user get john -j"))).toMatchObject({ username: "john", enabled: false })
    expect(await ok("dt user enable john")).toMatch(/\ttrue\n$/)
    expect(await ok("dt user add-to-group bob analysts")).toBe("bob\tBob Builder\tanalysts,developers\t\ttrue\n")
    expect(await ok("dt user rm-from-group bob analysts")).toBe("bob\tBob Builder\tdevelopers\t\ttrue\n")
    expect(await ok("dt group get analysts")).toBe("analysts\t1002\talice\t1\n")
    expect(await ok("dt group rename analysts researchers")).toBe("researchers\t1002\talice\t1\n")
    await ok("dt group add interns")
    expect((await sh("dt group rm interns")).code).toBe(0)
    expect((await sh("dt user rm bob")).code).toBe(0)
    expect((await sh("dt user change-password s3cret-for-admin")).code).toBe(0)
    expect(await ok("dt user ls")).not.toContain("bob")
  })

  it("starts dt serve, which serves the API and the element's page", async () => {
    const database = `sqlite:${join(dir, "serve.db")}`
    const server = await serve(line, ["--database", database], {
      cwd: dir,
      env: { ...env, DT_ADMIN_PASSWORD: "the serve admin secret" }
    })
    try {
      const element = await fetch(`${server.url}/user-manager.js`)
      expect(element.status).toBe(200)
      expect(element.headers.get("content-type")).toMatch(/javascript/)
      expect(await element.text()).toContain("user-manager")
      expect(await (await fetch(`${server.url}/`)).text()).toContain("<form")
      expect((await fetch(`${server.url}/api/v1/users`)).status).toBe(401)

      const login = await fetch(`${server.url}/api/v1/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: "admin", password: "the serve admin secret", session: "bearer" })
      })
      expect(login.status).toBe(200)
      const { token } = (await login.json()) as { token: string }
      const users = await fetch(`${server.url}/api/v1/users`, { headers: { authorization: `Bearer ${token}` } })
      expect(users.status).toBe(200)
      expect(await users.json()).toMatchObject({ total: 1, items: [{ username: "admin" }] })
    } finally {
      expect(await server.stop()).toBe(0)
    }
  })
})
