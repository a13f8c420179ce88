/**
 * End-to-end: `dt config get|set` on the real `dt` bundle, in local mode and against a `dt serve` (the same output and
 * exit codes), and `dt init` taking the settings a new directory starts with.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { sandbox } from "./support/dt.js"
import * as Modes from "./support/modes.js"

const DEFAULTS = "adminGroup\tadmins\ngidMin\t1000\ngidMax\t60000\nminPasswordLength\t8\n"

describe.each([Modes.local(), Modes.remote()])("dt config in $name mode", (mode) => {
  beforeAll(mode.start, 60_000)
  afterAll(mode.stop)

  it("prints the settings, changes one for every later command, and prints one by name", async () => {
    const { dt } = await mode.fresh()
    expect((await dt("config get")).stdout).toBe(DEFAULTS)
    const set = await dt("config set gidMin 5000")
    expect([set.code, set.stdout]).toEqual([0, DEFAULTS.replace("1000", "5000")])
    expect((await dt("config get gidMin")).stdout).toBe("5000\n")
    expect(JSON.parse((await dt("config get -j")).stdout)).toEqual({
      adminGroup: "admins",
      gidMin: 5000,
      gidMax: 60000,
      minPasswordLength: 8
    })
    expect((await dt("group add ops")).code).toBe(0)
    expect((await dt("group get ops")).stdout).toMatch(/^ops\t5000\t/)
  })

  it("refuses a value out of bounds or not a whole number in one sentence naming the bounds, and a word that is not a setting in one naming the settings (exit 2); a dry run changes nothing", async () => {
    const { dt } = await mode.fresh()
    const bad = await dt("config set minPasswordLength 4")
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/minPasswordLength is a whole number from 8 to 256, not 4/)
    expect(bad.stderr.trim().split("\n")).toHaveLength(1)
    const text = await dt("config set gidMin abc")
    expect([text.code, text.stderr]).toEqual([
      2,
      "dt: Invalid gidMin: gidMin is a whole number from 1 to 2147483646, not 'abc'.\n"
    ])
    const fraction = await dt("config set minPasswordLength 9.5")
    expect([fraction.code, fraction.stderr]).toEqual([
      2,
      "dt: Invalid minPasswordLength: minPasswordLength is a whole number from 8 to 256, not '9.5'.\n"
    ])
    const unknown = await dt("config set colour blue")
    expect([unknown.code, unknown.stderr]).toEqual([
      2,
      "dt: 'colour' is not a setting: the settings are adminGroup, gidMin, gidMax and minPasswordLength.\n"
    ])
    expect((await dt("config get colour")).stderr).toBe(unknown.stderr)
    const dry = await dt("config set gidMax 70000 --dry-run")
    expect([dry.code, dry.stdout]).toEqual([0, DEFAULTS.replace("60000", "70000")])
    expect((await dt("config get gidMax")).stdout).toBe("60000\n")
  })
})

describe("dt init with settings", () => {
  it("sets up a new directory with the settings given, refusing bad ones before creating anything", async () => {
    const { dt } = sandbox()
    const bad = await dt("init --gid-min 7000 --gid-max 6000")
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/gidMin \(7000\) cannot be above gidMax \(6000\)/)
    const init = await dt("init --admin-group wheel --gid-min 7000 --min-password-length 12")
    expect(init.code).toBe(0)
    expect(init.stderr).toMatch(/group 'wheel' \(GID 7000\)/)
    expect((await dt("config get")).stdout).toBe(
      "adminGroup\twheel\ngidMin\t7000\ngidMax\t60000\nminPasswordLength\t12\n"
    )
  })
})
