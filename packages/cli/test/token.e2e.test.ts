/**
 * End-to-end: `dt token create|ls|rm` on the real `dt` bundle, in local mode and against a `dt serve` (the same output
 * and exit codes): a value printed once, alone, listings that never hold it, revocation, and refusals in one sentence.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as Modes from "./support/modes.js"

describe.each([Modes.local(), Modes.remote()])("dt token in $name mode", (mode) => {
  beforeAll(mode.start, 60_000)
  afterAll(mode.stop)

  it("prints a new token's value alone on standard output, lists tokens without it, and revokes one", async () => {
    const { dt, me } = await mode.fresh()
    const made = await dt("token create scim-entra --scope scim --expires 30d")
    expect(made.code).toBe(0)
    expect(made.stdout).toMatch(/^dtk_[A-Za-z0-9_-]{43}\n$/)
    expect(made.stderr).toMatch(/^Token 'scim-entra' \(scope scim\) expires \d{4}-\d{2}-\d{2}\. This is the only time/)
    const value = made.stdout.trim()
    expect((await dt("token create backup --scope read --expires never")).code).toBe(0)
    const listed = await dt("token ls")
    expect(listed.stdout).not.toContain(value)
    const rows = listed.stdout
      .trim()
      .split("\n")
      .map((line) => line.split("\t"))
    expect(rows.map((row) => [row[0], row[1], row[2], row[4] === "never", row[5]])).toEqual([
      ["backup", "read", me, true, "never"],
      ["scim-entra", "scim", me, false, "never"]
    ])
    const json = JSON.parse((await dt("token ls -j")).stdout)
    expect(Object.keys(json[0])).toEqual(["name", "scope", "createdBy", "createdAt", "expiresAt", "lastUsedAt"])
    expect(json[0].expiresAt).toBeNull()
    const removed = await dt("token rm scim-entra")
    expect([removed.code, removed.stderr]).toEqual([
      0,
      "Token 'scim-entra' is revoked: the next request made with it is refused.\n"
    ])
    expect((await dt("token ls")).stdout.trim().split("\n")).toHaveLength(1)
  })

  it("refuses a taken name and an unknown token (exit 1), a bad name, scope or expiry (exit 2), each in one sentence", async () => {
    const { dt } = await mode.fresh()
    expect((await dt("token create ci --scope api")).code).toBe(0)
    const taken = await dt("token create ci --scope read")
    expect([taken.code, taken.stdout, taken.stderr]).toEqual([
      1,
      "",
      "dt: An API token named 'ci' already exists: revoke it first, or choose another name.\n"
    ])
    const badName = await dt(["token", "create", "CI Bot", "--scope", "api"])
    expect(badName.code).toBe(2)
    expect(badName.stderr.trim().split("\n")).toHaveLength(1)
    const badScope = await dt("token create x --scope root")
    expect(badScope.code).toBe(2)
    const badExpiry = await dt("token create x --scope api --expires soon")
    expect([badExpiry.code, badExpiry.stderr]).toEqual([
      2,
      "dt: --expires takes 'never', a number of days such as 30d, or a date such as 2027-06-30, not 'soon'.\n"
    ])
    const unknown = await dt("token rm nothing")
    expect([unknown.code, unknown.stderr]).toEqual([1, "dt: There is no API token named 'nothing'.\n"])
  })
})
