import { beforeAll, describe, expect, it } from "vitest"
import { eachLine, hostFiles, hostProject, pinned, succeed, tarball } from "./support/hosts.js"

describe.each(await eachLine())("a CommonJS host on Node %s", (_, line) => {
  let dir: string
  beforeAll(async () => {
    dir = await hostProject(line, "cjs", {
      files: hostFiles("cjs"),
      specs: [tarball("core"), tarball("kysely"), pinned("better-sqlite3")]
    })
  })

  it("require()s the ES module packages and creates and lists users and groups over SQLite", async () => {
    const ran = await succeed(line, "node", ["host.cjs"], { cwd: dir })
    expect(JSON.parse(ran.stdout)).toEqual({
      users: [
        ["admin", "admins"],
        ["bob", "analysts"]
      ],
      groups: [
        ["admins", "admin"],
        ["analysts", "bob"]
      ]
    })
    // Some lines note that require() of ES modules is experimental (a warning), none fails.
    expect(ran.stderr).not.toMatch(/Error/)
  })
})
