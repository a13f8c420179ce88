/**
 * End-to-end: the real `dt` bundle, spawned in a temporary HOME, on the embedded SQLite default.
 */
import { userInfo } from "node:os"
import { describe, expect, it } from "vitest"
import { sandbox } from "./support/dt.js"

const me = userInfo().username

/** A sandbox with `dt init` done and the groups and users the product description's examples expect. */
const initialised = () => {
  const box = sandbox()
  expect(box.dt("init").code).toBe(0)
  return box
}

describe("dt: the product description's examples, verbatim", () => {
  it("runs every CLI example of the product description as written", () => {
    const { dt } = initialised()
    expect(dt("group add developers").code).toBe(0)
    // # List all users
    expect(dt("user ls").stdout).toBe(`${me}\t${me} Administrator\tadmins\t\ttrue\n`)
    // # Create a new user
    expect(dt("user add -f John -l Doe -g developers -e john@example.com john").code).toBe(0)
    // # Modify a user's groups
    expect(dt("user modify john -g developers,admins").code).toBe(0)
    // # Disable a user
    expect(dt("user disable john").code).toBe(0)
    expect(dt("user get john").stdout).toBe("john\tJohn Doe\tadmins,developers\tjohn@example.com\tfalse\n")
    // # List all groups
    expect(dt("group ls").stdout).toBe(`admins\t1000\t${["john", me].sort().join(",")}\ndevelopers\t1001\tjohn\n`)
    // # Create a new group
    expect(dt("group add analysts").code).toBe(0)
    expect(dt("user add alice -g developers").code).toBe(0)
    expect(dt("user add bob -g developers").code).toBe(0)
    // # Add users to a group
    expect(dt("group add-users analysts alice,bob").stdout).toBe("analysts\t1002\talice,bob\n")
    // # Remove a user from a group
    expect(dt("group rm-users analysts bob").stdout).toBe("analysts\t1002\talice\n")
  })

  it("runs every command of the product description's tables", () => {
    const { dt } = initialised()
    dt("group add developers")
    dt("user add -f John -l Doe -g developers -e john@example.com john")
    expect(dt("user get john").code).toBe(0)
    expect(dt("user enable john").code).toBe(0)
    expect(dt("user add-to-group john admins").stdout).toContain("admins,developers")
    expect(dt("user rm-from-group john admins").stdout).toContain("\tdevelopers\t")
    expect(dt("group get developers").stdout).toBe("developers\t1001\tjohn\n")
    expect(dt("group rename developers engineers").stdout).toBe("engineers\t1001\tjohn\n")
    expect(dt("user rm john").code).toBe(0)
    expect(dt("group rm engineers").code).toBe(0)
    const changed = dt("user change-password n3w-Passw0rd")
    expect(changed.code).toBe(0)
    expect(changed.stdout + changed.stderr).not.toContain("n3w-Passw0rd")
  })
})

describe("dt: output modes", () => {
  it("prints plain tab-separated lines, -p aligned tables with markers, -j JSON and -j -p indented JSON", () => {
    const { dt } = initialised()
    dt("group add developers")
    dt("user add svc -g developers --system -f Service")
    const pretty = dt("user ls -p").stdout.split("\n")
    expect(pretty[0]).toMatch(/^\s+User Name\s+Full Name\s+Groups\s+Email\s+Enabled$/)
    expect(pretty.find((line) => line.includes(`${me} `))).toMatch(/^You\s/)
    expect(pretty.find((line) => line.includes("svc"))).toMatch(/^⚙\s/)
    const json = JSON.parse(dt("user ls -j").stdout)
    expect(Object.keys(json[0])).toEqual([
      "username",
      "firstName",
      "lastName",
      "email",
      "enabled",
      "system",
      "groups",
      "createdAt",
      "updatedAt",
      "version"
    ])
    const indented = dt("group ls -j -p").stdout
    expect(indented).toContain('\n  {\n    "name": "admins"')
    expect(JSON.parse(indented).map((group: { name: string }) => group.name)).toEqual(["admins", "developers"])
    expect(Object.keys(JSON.parse(dt("group get developers -j").stdout))).toEqual([
      "name",
      "gid",
      "members",
      "createdAt",
      "updatedAt",
      "version"
    ])
  })

  it("takes -p and -j before or after positional arguments", () => {
    const { dt } = initialised()
    expect(JSON.parse(dt(`user get -j ${me}`).stdout).username).toBe(me)
    expect(JSON.parse(dt(`user get ${me} -j`).stdout).username).toBe(me)
    expect(dt(`user get -p ${me}`).stdout).toContain("username")
  })

  it("searches, sorts, limits and offsets ls", () => {
    const { dt } = initialised()
    dt("group add developers")
    for (const name of ["carol", "dave", "erin"]) dt(`user add ${name} -g developers -l Smith${name.length}`)
    expect(dt("user ls --search AR").stdout.split("\n")[0]).toMatch(/^carol\t/)
    const sorted = dt("user ls --sort username:desc --limit 2").stdout.trim().split("\n")
    const expected = [me, "carol", "dave", "erin"].sort().reverse().slice(0, 2)
    expect(sorted.map((line) => line.split("\t")[0])).toEqual(expected)
    expect(dt("user ls --offset 1 --limit 1").stdout.trim().split("\n")).toHaveLength(1)
    expect(dt("user ls -j --search nobody-at-all").stdout).toBe("[]\n")
  })

  it("a dry run prints what would change and changes nothing", () => {
    const { dt } = initialised()
    dt("group add developers")
    dt("user add john -g developers")
    const dry = dt("user rm john --dry-run")
    expect(dry.code).toBe(0)
    expect(dry.stderr).toContain("dry run")
    expect(dt("user get john").code).toBe(0)
    expect(dt("user disable john --dry-run").stdout).toContain("\tfalse")
    expect(dt("user get john").stdout).toContain("\ttrue")
  })
})

describe("dt: exit codes and bad input", () => {
  const refused = (run: { code: number; stdout: string; stderr: string }, code: number, message: RegExp) => {
    expect(run.code).toBe(code)
    expect(run.stderr).toMatch(message)
    expect(run.stderr).not.toMatch(/\n\s+at |Error:|FiberFailure|_tag/)
  }

  it("says to run dt init before anything else (exit 3), and never creates the database by reading it", () => {
    const { dt, home } = sandbox()
    refused(dt("user ls"), 3, /run 'dt init' first/)
    refused(dt("group ls"), 3, /run 'dt init' first/)
    expect(dt("init").code).toBe(0)
    expect(home).toBeTruthy()
  })

  it("exits 3 when the store cannot be reached", () => {
    const { dt } = sandbox()
    refused(dt("user ls --database postgres://nobody@127.0.0.1:9/none"), 3, /cannot reach/)
  })

  it("exits 2 for an unknown flag, an unknown subcommand, a bad database URL or a malformed email", () => {
    const { dt } = initialised()
    dt("group add developers")
    expect(dt("user ls --bogus").code).toBe(2)
    expect(dt("user frobnicate").code).toBe(2)
    expect(dt("user get").code).toBe(2)
    refused(dt("user ls --database oracle://x"), 2, /not understood/)
    refused(dt("user add eve -g developers -e not-an-email"), 2, /Invalid email/)
    refused(dt("user change-password --bogus"), 2, /unknown option '--bogus'/)
  })

  it("exits 1 for each rule: missing or unknown group, system users, self-disable, taken names", () => {
    const { dt } = initialised()
    dt("group add developers")
    dt("user add svc -g developers --system")
    dt("user add -f John -l Doe -g developers -e john@example.com john")
    refused(dt("user add eve"), 1, /at least one group/)
    refused(dt("user add eve -g nope"), 1, /no group named 'nope'/)
    refused(dt("user modify svc -f Other"), 1, /system user/)
    refused(dt("user disable svc"), 1, /system user/)
    refused(dt("user rm svc"), 1, /system user/)
    refused(dt(`user disable ${me}`), 1, /cannot disable yourself/)
    dt(`user add-to-group ${me} developers`)
    refused(dt(`user rm-from-group ${me} admins`), 1, /yourself/)
    refused(dt("group rm admins"), 1, /admin group/)
    refused(dt("user add johnny -g developers -e JOHN@example.com"), 1, /already belongs to user 'john'/)
    refused(dt("group add developers"), 1, /already taken/)
    refused(dt("user add john -g developers"), 1, /already taken/)
  })

  it("refuses names with capitals with a hint (exit 2), never lowering them", () => {
    const { dt } = initialised()
    dt("group add developers")
    refused(dt("user add John -g developers"), 2, /try 'john'/)
    refused(dt("group add Analysts"), 2, /try 'analysts'/)
    expect(dt("user get john").code).toBe(1)
  })

  it("refuses the actions of a non-admin (exit 1)", () => {
    const { dt } = initialised()
    dt("group add developers")
    dt("user add john -g developers")
    refused(dt("user ls --as john"), 1, /may not list users/)
    expect(dt("user get john --as john").code).toBe(0)
  })
})

describe("dt: passwords", () => {
  it("reads a password from stdin, never prints it or its hash, and refuses an empty one", () => {
    const { dt, runs } = initialised()
    dt("group add developers")
    expect(dt("user add eve -g developers --password-stdin", { input: "s3cret-horse-battery\n" }).code).toBe(0)
    expect(dt("user modify eve --password-stdin", { input: "another-s3cret\n" }).code).toBe(0)
    const empty = dt("user add fay -g developers --password-stdin", { input: "" })
    expect(empty.code).toBe(2)
    expect(empty.stderr).toMatch(/password cannot be empty/)
    dt("audit ls -j")
    dt("user ls -j")
    const everything = runs.map((run) => run.stdout + run.stderr).join("\n")
    expect(everything).not.toContain("s3cret-horse-battery")
    expect(everything).not.toContain("another-s3cret")
    expect(everything).not.toContain("$argon2")
  })

  it("dt init takes the first administrator's name, names, email and password", () => {
    const { dt } = sandbox()
    const run = dt("init --admin boss -f Big -l Boss -e boss@example.com --password-stdin", {
      input: "b0ss-passw0rd\n"
    })
    expect(run.code).toBe(0)
    expect(dt("user ls --as boss").stdout).toBe("boss\tBig Boss\tadmins\tboss@example.com\ttrue\n")
    refused(dt("init"), 1, /already has users/)
  })

  const refused = (run: { code: number; stderr: string }, code: number, message: RegExp) => {
    expect(run.code).toBe(code)
    expect(run.stderr).toMatch(message)
  }
})

describe("dt: audit", () => {
  it("lists changes newest first, filtered by actor, target and action", () => {
    const { dt } = initialised()
    dt("group add developers")
    dt("user add john -g developers")
    dt("user disable john")
    const lines = dt("audit ls --target john").stdout.trim().split("\n")
    expect(lines.map((line) => line.split("\t")[2])).toEqual(["user.disable", "user.create"])
    expect(dt("audit ls --action group.create -j").stdout).toContain('"target":"developers"')
    expect(dt(`audit ls --actor ${me} --limit 1`).stdout.trim().split("\n")).toHaveLength(1)
  })
})

const postgres = process.env.DT_TEST_POSTGRES_URL
describe.skipIf(postgres === undefined)(
  `dt on PostgreSQL through DT_DATABASE_URL${postgres === undefined ? " (skipped: set DT_TEST_POSTGRES_URL)" : ""}`,
  () => {
    it("runs the product description's examples against a PostgreSQL server", async () => {
      const { default: pg } = await import("pg")
      const name = `dt_cli_${Math.random().toString(16).slice(2, 10)}`
      const admin = new pg.Client({ connectionString: postgres })
      await admin.connect()
      await admin.query(`create database ${name}`)
      try {
        const url = new URL(postgres as string)
        url.pathname = `/${name}`
        const { dt } = sandbox({ DT_DATABASE_URL: url.toString() })
        expect(dt("user ls").code).toBe(3)
        expect(dt("init").code).toBe(0)
        expect(dt("group add developers").code).toBe(0)
        expect(dt("user add -f John -l Doe -g developers -e john@example.com john").code).toBe(0)
        expect(dt("user modify john -g developers,admins").code).toBe(0)
        expect(dt("user disable john").code).toBe(0)
        expect(dt("group add analysts").code).toBe(0)
        dt("user add alice -g developers")
        dt("user add bob -g developers")
        expect(dt("group add-users analysts alice,bob").stdout).toBe("analysts\t1002\talice,bob\n")
        expect(dt("group rm-users analysts bob").stdout).toBe("analysts\t1002\talice\n")
        expect(dt("user ls").stdout.trim().split("\n")).toHaveLength(4)
        expect(dt(`user disable ${me}`).code).toBe(1)
      } finally {
        await admin.query(`drop database if exists ${name} with (force)`)
        await admin.end()
      }
    })
  }
)
