/**
 * End-to-end: the real `dt` bundle, spawned in a temporary HOME. The same scenarios run in local mode (the embedded
 * SQLite default) and in remote mode (against one `dt serve`), with the same expected output and exit codes; what is
 * local by nature (`dt init`, `--database`, `--as`) runs in local mode only.
 */
import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync
} from "node:fs"
import { tmpdir, userInfo } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { verify } from "@node-rs/argon2"
import Database from "better-sqlite3"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { runnableBy, sandbox } from "./support/dt.js"
import * as Modes from "./support/modes.js"

const me = userInfo().username

/** Checks a refusal: its exit code, and one line on stderr that matches and shows no stack trace or raw error. */
const refused = (run: { code: number; stdout: string; stderr: string }, code: number, message: RegExp) => {
  expect(run.code).toBe(code)
  expect(run.stderr).toMatch(message)
  expect(run.stderr).not.toMatch(/\n\s+at |Error:|FiberFailure|_tag/)
}

/** A sandbox with `dt init` done. */
const initialised = Modes.initialisedSandbox

describe.each([Modes.local(), Modes.remote()])("dt in $name mode", (mode) => {
  beforeAll(mode.start, 60_000)
  afterAll(mode.stop)

  describe("the product description's examples, verbatim", () => {
    it("runs every CLI example of the product description as written", async () => {
      const { dt, me, meFullName } = await mode.fresh()
      expect((await dt("group add developers")).code).toBe(0)
      // # List all users
      expect((await dt("user ls")).stdout).toBe(`${me}\t${meFullName}\tadmins\t\ttrue\n`)
      // # Create a new user
      expect((await dt("user add -f John -l Doe -g developers -e john@example.com john")).code).toBe(0)
      // # Modify a user's groups
      expect((await dt("user modify john -g developers,admins")).code).toBe(0)
      // # Disable a user
      expect((await dt("user disable john")).code).toBe(0)
      expect((await dt("user get john")).stdout).toBe("john\tJohn Doe\tadmins,developers\tjohn@example.com\tfalse\n")
      // # List all groups
      expect((await dt("group ls")).stdout).toBe(
        `admins\t1000\t${["john", me].sort().join(",")}\t2\ndevelopers\t1001\tjohn\t1\n`
      )
      // # Create a new group
      expect((await dt("group add analysts")).code).toBe(0)
      expect((await dt("user add alice -g developers")).code).toBe(0)
      expect((await dt("user add bob -g developers")).code).toBe(0)
      // # Add users to a group
      expect((await dt("group add-users analysts alice,bob")).stdout).toBe("analysts\t1002\talice,bob\t2\n")
      // # Remove a user from a group
      expect((await dt("group rm-users analysts bob")).stdout).toBe("analysts\t1002\talice\t1\n")
    })

    it("runs every command of the product description's tables", async () => {
      const { dt } = await mode.fresh("developers")
      await dt("user add -f John -l Doe -g developers -e john@example.com john")
      expect((await dt("user get john")).code).toBe(0)
      expect((await dt("user enable john")).code).toBe(0)
      expect((await dt("user add-to-group john admins")).stdout).toContain("admins,developers")
      expect((await dt("user rm-from-group john admins")).stdout).toContain("\tdevelopers\t")
      expect((await dt("group get developers")).stdout).toBe("developers\t1001\tjohn\t1\n")
      expect((await dt("group rename developers engineers")).stdout).toBe("engineers\t1001\tjohn\t1\n")
      expect((await dt("user rm john")).code).toBe(0)
      expect((await dt("group rm engineers")).code).toBe(0)
      const changed = await dt("user change-password n3w-Passw0rd")
      expect(changed.code).toBe(0)
      expect(changed.stdout + changed.stderr).not.toContain("n3w-Passw0rd")
    })
  })

  describe("global options before the command", () => {
    it("takes -j and -p before the command as well as after it", async () => {
      const { dt, me } = await mode.fresh("developers")
      await dt("user add john -g developers")
      const json = JSON.parse((await dt("-j user ls")).stdout)
      expect(json.map((user: { username: string }) => user.username)).toEqual(["john", me].sort())
      expect((await dt("-j -p group get developers")).stdout).toBe((await dt("group get developers -j -p")).stdout)
      expect(JSON.parse((await dt("user -j get john")).stdout).username).toBe("john")
    })
  })

  describe("output modes", () => {
    it("prints plain tab-separated lines, -p aligned tables with markers, -j JSON and -j -p indented JSON", async () => {
      const { dt, me } = await mode.fresh("developers")
      await dt("user add svc -g developers --system -f Service")
      const pretty = (await dt("user ls -p")).stdout.split("\n")
      expect(pretty[0]).toMatch(/^Mark\s+User Name\s+Full Name\s+Groups\s+Email\s+Enabled$/)
      expect(pretty.find((line) => line.includes(`${me} `))).toMatch(/^You\s/)
      expect(pretty.find((line) => line.includes("svc"))).toMatch(/^⚙\s/)
      const json = JSON.parse((await dt("user ls -j")).stdout)
      expect(Object.keys(json[0])).toEqual([
        "username",
        "firstName",
        "lastName",
        "email",
        "externalId",
        "externalName",
        "enabled",
        "system",
        "groups",
        "createdAt",
        "updatedAt",
        "version"
      ])
      const indented = (await dt("group ls -j -p")).stdout
      expect(indented).toContain('\n  {\n    "name": "admins"')
      expect(JSON.parse(indented).map((group: { name: string }) => group.name)).toEqual(["admins", "developers"])
      expect(Object.keys(JSON.parse((await dt("group get developers -j")).stdout))).toEqual([
        "name",
        "gid",
        "memberCount",
        "members",
        "membersTruncated",
        "externalId",
        "externalName",
        "createdAt",
        "updatedAt",
        "version"
      ])
    })

    it("prints each group's member count; every member in plain, -j and --members output; the first ten and 'and N more' with -p", async () => {
      const { dt } = await mode.fresh("developers")
      const names = Array.from({ length: 12 }, (_, index) => `user${String(index).padStart(2, "0")}`)
      const lines = names.map((username) => JSON.stringify({ username, groups: ["developers"] })).join("\n")
      expect((await dt("user import - --format jsonl", { input: `${lines}\n` })).code).toBe(0)
      expect((await dt("group get developers")).stdout).toBe(`developers\t1001\t${names.join(",")}\t12\n`)
      expect((await dt("group ls")).stdout).toMatch(new RegExp(`^developers\t1001\t${names.join(",")}\t12$`, "m"))
      const json = JSON.parse((await dt("group get developers -j")).stdout)
      expect([json.memberCount, json.members]).toEqual([12, names])
      expect(JSON.parse((await dt("group ls -j")).stdout)[1].members).toEqual(names)
      // The whole list, one member a line, or as a JSON array.
      expect((await dt("group get developers --members")).stdout).toBe(`${names.join("\n")}\n`)
      expect(JSON.parse((await dt("group get developers --members -j")).stdout)).toEqual(names)
      expect((await dt("group get developers --members -j -p")).stdout).toBe(`${JSON.stringify(names, null, 2)}\n`)
      const first = names.slice(0, 10).join(", ")
      expect((await dt("group get developers -p")).stdout).toMatch(
        new RegExp(`^memberCount +12\nmembers +${first} and 2 more\n`, "m")
      )
      const table = (await dt("group ls -p")).stdout.split("\n")
      expect(table[0]).toMatch(/^Name +GID +Members +Users$/)
      expect(table.find((line) => line.startsWith("developers"))).toMatch(
        new RegExp(`^developers +1001 +12 +${first} and 2 more$`)
      )
      refused(await dt("group get nosuch --members"), 1, /^dt: There is no group named 'nosuch'\.\n$/)
    })

    it("takes -p and -j before or after positional arguments", async () => {
      const { dt, me } = await mode.fresh()
      expect(JSON.parse((await dt(`user get -j ${me}`)).stdout).username).toBe(me)
      expect(JSON.parse((await dt(`user get ${me} -j`)).stdout).username).toBe(me)
      expect((await dt(`user get -p ${me}`)).stdout).toContain("username")
    })

    it("searches, sorts, limits and offsets ls", async () => {
      const { dt, me } = await mode.fresh("developers")
      for (const name of ["carol", "dave", "erin"]) await dt(`user add ${name} -g developers -l Smith${name.length}`)
      expect((await dt("user ls --search AR")).stdout.split("\n")[0]).toMatch(/^carol\t/)
      const sorted = (await dt("user ls --sort username:desc --limit 2")).stdout.trim().split("\n")
      const expected = [me, "carol", "dave", "erin"].sort().reverse().slice(0, 2)
      expect(sorted.map((line) => line.split("\t")[0])).toEqual(expected)
      expect((await dt("user ls --offset 1 --limit 1")).stdout.trim().split("\n")).toHaveLength(1)
      expect((await dt("user ls -j --search nobody-at-all")).stdout).toBe("[]\n")
      const negative = await dt("user ls --limit -1")
      expect([negative.code, negative.stderr.trim().split("\n")]).toEqual([2, [expect.stringMatching(/limit/)]])
    })

    it("filters ls by --enabled, --system and --group, and --search finds an email's domain", async () => {
      const { dt, me } = await mode.fresh("developers")
      await dt("user add carol -g developers -e carol@example.org")
      await dt("user add dave -g developers")
      await dt("user add erin -g developers --system")
      await dt("user disable dave")
      const names = async (args: string) => {
        const answer = await dt(`user ls ${args}`)
        expect([args, answer.code]).toEqual([args, 0])
        return answer.stdout
          .trim()
          .split("\n")
          .filter((line) => line !== "")
          .map((line) => line.split("\t")[0])
      }
      expect(await names("--enabled false --group developers --system false")).toEqual(["dave"])
      expect(await names("--enabled true --group developers")).toEqual(["carol", "erin"])
      expect(await names("--system true")).toEqual(["erin"])
      expect(await names("--system false --enabled true")).toEqual([me, "carol"].sort())
      expect(await names("--group nosuch")).toEqual([])
      expect(await names("--search example.org")).toEqual(["carol"])
      expect(await names("--search EXAMPLE.ORG --group developers --enabled true")).toEqual(["carol"])
      const wrong = await dt("user ls --enabled maybe")
      expect(wrong.code).toBe(2)
      expect(wrong.stderr).toMatch(/enabled/)
    })

    it("every --dry-run (user rm, enable, disable, add-to-group, rm-from-group; group rm, add-users, rm-users) prints what would change and changes nothing", async () => {
      const { dt } = await mode.fresh("developers")
      await dt("group add analysts")
      await dt("user add john -g developers,analysts")
      await dt("user add mary -g developers")
      await dt("user disable mary")
      const state = async () => Promise.all(["user ls", "group ls", "audit ls"].map(async (c) => (await dt(c)).stdout))
      const before = await state()
      const dry = async (command: string, shows: RegExp) => {
        const ran = await dt(`${command} --dry-run`)
        expect(ran.code, command).toBe(0)
        expect(ran.stderr, command).toMatch(/^dry run: nothing was changed/)
        expect(ran.stdout, command).toMatch(shows)
      }
      await dry("user rm john", /^john\t/)
      await dry("user disable john", /^john\t\tanalysts,developers\t\tfalse\n$/)
      await dry("user enable mary", /^mary\t\tdevelopers\t\ttrue\n$/)
      await dry("user add-to-group mary analysts", /^mary\t\tanalysts,developers\t\tfalse\n$/)
      await dry("user rm-from-group john analysts", /^john\t\tdevelopers\t\ttrue\n$/)
      await dry("group add-users analysts mary", /^analysts\t1002\tjohn,mary\t2\n$/)
      await dry("group rm-users analysts john", /^analysts\t1002\t\t0\n$/)
      await dry("group rm analysts", /^analysts\t1002\tjohn\t1\n$/)
      expect(await state()).toEqual(before)
    })
  })

  describe("exit codes and bad input", () => {
    it("exits 3 when the store or the server cannot be reached", async () => {
      const { unreachable } = await mode.fresh()
      refused(await unreachable("user ls"), 3, /cannot reach/)
    })

    it("says so when a membership change names a non-member, nobody, or unknown groups, and changes nothing", async () => {
      const { dt } = await mode.fresh("developers")
      await dt("group add analysts")
      await dt("user add bob -g developers")
      const stranger = await dt("user rm-from-group bob analysts")
      refused(stranger, 1, /^dt: User 'bob' is not a member of group 'analysts'\.\n$/)
      expect(stranger.stdout).toBe("")
      refused(await dt("group rm-users analysts bob"), 1, /^dt: User 'bob' is not a member of group 'analysts'\.\n$/)
      refused(
        await dt(["group", "add-users", "analysts", ""]),
        2,
        /^dt: Invalid usernames: name at least one user to add to group 'analysts'\.\n$/
      )
      refused(
        await dt("user add eve -g nosuch,developers,alsonot"),
        1,
        /^dt: There are no groups named 'alsonot', 'nosuch'\.\n$/
      )
      expect((await dt("user get eve")).code).toBe(1)
      expect((await dt("group get analysts")).stdout).toBe("analysts\t1002\t\t0\n")
    })

    it("exits 2 for an unknown flag, an unknown subcommand or a malformed email", async () => {
      const { dt } = await mode.fresh("developers")
      expect((await dt("user ls --bogus")).code).toBe(2)
      expect((await dt("user frobnicate")).code).toBe(2)
      expect((await dt("user get")).code).toBe(2)
      refused(await dt("user add eve -g developers -e not-an-email"), 2, /Invalid email/)
      refused(await dt("user change-password --bogus"), 2, /unknown option '--bogus'/)
    })

    it("exits 2 with the option named when a number option is given something else", async () => {
      const { dt } = await mode.fresh("developers")
      const notNumber = await dt("user ls --limit abc")
      expect(notNumber.code).toBe(2)
      expect(notNumber.stderr).toBe("dt: --limit must be a whole number, not 'abc'.\n")
      const fraction = await dt("group add qa --gid 1.5")
      expect(fraction.code).toBe(2)
      expect(fraction.stderr).toBe("dt: --gid must be a whole number, not '1.5'.\n")
      expect((await dt("group ls")).stdout).not.toMatch(/^qa\t/m)
    })

    it("exits 1 for each rule: missing or unknown group, system users, self-disable, taken names", async () => {
      const { dt, me } = await mode.fresh("developers")
      await dt("user add svc -g developers --system")
      await dt("user add -f John -l Doe -g developers -e john@example.com john")
      refused(await dt("user add eve"), 1, /at least one group/)
      refused(await dt("user add eve -g nope"), 1, /no group named 'nope'/)
      refused(await dt("user modify svc -f Other"), 1, /system user/)
      refused(await dt("user disable svc"), 1, /system user/)
      refused(await dt("user rm svc"), 1, /system user/)
      refused(await dt(`user disable ${me}`), 1, /cannot disable yourself/)
      await dt(`user add-to-group ${me} developers`)
      refused(await dt(`user rm-from-group ${me} admins`), 1, /yourself/)
      refused(await dt("group rm admins"), 1, /admin group/)
      refused(await dt("user add johnny -g developers -e JOHN@example.com"), 1, /already belongs to user 'john'/)
      refused(await dt("group add developers"), 1, /already taken/)
      refused(await dt("user add john -g developers"), 1, /already taken/)
    })

    it("refuses names with capitals with a hint (exit 2), never lowering them", async () => {
      const { dt } = await mode.fresh("developers")
      refused(await dt("user add John -g developers"), 2, /try 'john'/)
      refused(await dt("group add Analysts"), 2, /try 'analysts'/)
      expect((await dt("user get john")).code).toBe(1)
    })

    it("refuses the actions of a non-admin (exit 1)", async () => {
      const { dt, as } = await mode.fresh("developers")
      await dt("user add john -g developers --password-stdin", { input: "johns-passw0rd\n" })
      const john = await as("john", "johns-passw0rd")
      refused(await john("user ls"), 1, /may not list users/)
      refused(await john("group ls"), 1, /may not list groups/)
      expect((await john("user get john")).code).toBe(0)
    })
  })

  describe("passwords", () => {
    it("reads a password from stdin, never prints it or its hash, and refuses an empty one", async () => {
      const { dt, runs, serverOutput } = await mode.fresh("developers")
      expect((await dt("user add eve -g developers --password-stdin", { input: "s3cret-horse-battery\n" })).code).toBe(
        0
      )
      expect((await dt("user modify eve --password-stdin", { input: "another-s3cret\n" })).code).toBe(0)
      const empty = await dt("user add fay -g developers --password-stdin", { input: "" })
      expect(empty.code).toBe(2)
      expect(empty.stderr).toMatch(/password cannot be empty/)
      await dt("audit ls -j")
      await dt("user ls -j")
      const everything = runs.map((run) => run.stdout + run.stderr).join("\n") + serverOutput()
      expect(everything).not.toContain("s3cret-horse-battery")
      expect(everything).not.toContain("another-s3cret")
      expect(everything).not.toContain("$argon2")
    })
  })

  describe("system users", () => {
    it("refuses a system user with a password in one sentence (exit 2), and creates nothing", async () => {
      const { dt } = await mode.fresh()
      refused(
        await dt("user add robot -g admins --system --password-stdin", { input: "robot-passw0rd\n" }),
        2,
        /^dt: Invalid password: a system user holds none, since system users never sign in\.\n$/
      )
      expect((await dt("user get robot")).code).toBe(1)
      expect((await dt("user add robot -g admins --system")).code).toBe(0)
    })
  })

  describe("names", () => {
    it("leaving out -f and -l and giving them empty make the same user; given empty on modify, they clear", async () => {
      const { dt } = await mode.fresh("developers")
      const left = await dt("user add anna -g developers")
      const empty = await dt(["user", "add", "bert", "-f", "", "-l", " ", "-g", "developers"])
      expect([left.code, left.stdout, empty.code, empty.stdout]).toEqual([
        0,
        "anna\t\tdevelopers\t\ttrue\n",
        0,
        "bert\t\tdevelopers\t\ttrue\n"
      ])
      expect(JSON.parse((await dt("user get bert -j")).stdout)).toMatchObject({ firstName: "", lastName: "" })
      await dt("user add carl -f Carl -l Lamb -g developers")
      expect((await dt(["user", "modify", "carl", "-f", "", "-l", ""])).stdout).toBe("carl\t\tdevelopers\t\ttrue\n")
    })
  })

  describe("audit", () => {
    it("lists changes newest first, filtered by actor, target and action", async () => {
      const { dt, me } = await mode.fresh("developers")
      await dt("user add john -g developers")
      await dt("user disable john")
      const lines = (await dt("audit ls --target john")).stdout.trim().split("\n")
      expect(lines.map((line) => line.split("\t")[2])).toEqual(["user.disable", "user.create"])
      expect((await dt("audit ls --action group.create -j")).stdout).toContain('"target":"developers"')
      expect((await dt(`audit ls --actor ${me} --limit 1`)).stdout.trim().split("\n")).toHaveLength(1)
    })

    it("lists a user's membership changes under the user, and under each group, as one entry", async () => {
      const { dt } = await mode.fresh("developers")
      await dt("user add john -g developers")
      await dt("user modify john -g developers,admins")
      const entry = (line: string) => line.split("\t").slice(2, 4).join(" ")
      const john = (await dt("audit ls --target john")).stdout.trim().split("\n")
      expect(john.map(entry)).toEqual(["user.modify john", "user.create john"])
      expect(john[0]).toContain('"groups":{"added":["admins"],"removed":[]}')
      expect((await dt("audit ls --target admins --limit 1")).stdout).toBe(`${john[0]}\n`)
      const added = await dt("group add analysts --members john")
      expect(added.code).toBe(0)
      expect((await dt("audit ls --target john --limit 1")).stdout).toMatch(/\tgroup\.members\tanalysts\t/)
    })
  })
})

describe("dt in local mode only", () => {
  it("runs the README's dt walkthrough as written, each command exiting 0 (npx dt as the installed dt)", async () => {
    const { dt } = sandbox()
    const readme = readFileSync(fileURLToPath(new URL("../../../README.md", import.meta.url)), "utf8")
    const block = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)]
      .map(([, code]) => code ?? "")
      .find((code) => code.startsWith("npx dt init"))
    const commands = (block ?? "")
      .split("\n")
      .map((line) => line.replace(/\s+#.*$/, "").trim())
      .filter((line) => line !== "")
      .flatMap((line) => line.split(" && "))
    expect(commands.length).toBeGreaterThan(5)
    for (const command of commands) {
      expect(command).toMatch(/^npx dt [^"'`$|;<>]+$/)
      const run = await dt(command.slice("npx dt ".length))
      expect(run.code, `${command}: ${run.stderr}`).toBe(0)
    }
    expect((await dt("group get analysts")).stdout).toBe("analysts\t1002\talice,bob\t2\n")
  })

  it("takes --database and --as before the command as well as after it", async () => {
    const { dt, home } = await initialised()
    await dt("group add developers")
    await dt("user add john -g developers")
    const other = `sqlite:${join(home, "other.db")}`
    refused(await dt(`--database ${other} user ls`), 3, /run 'dt init' first/)
    expect((await dt(`--database ${other} init --admin boss`)).code).toBe(0)
    expect((await dt(`--database=${other} --as boss user ls`)).stdout).toBe(
      `boss\tboss Administrator\tadmins\t\ttrue\n`
    )
    expect((await dt(`user ls --database ${other} --as boss`)).stdout).toMatch(/^boss\t/)
    refused(await dt("--as john group ls"), 1, /may not list groups/)
    expect((await dt(`--as ${me} group ls`)).stdout).toBe((await dt(`group ls --as ${me}`)).stdout)
  })

  it("refuses an unknown option before the command with exit 2 and one line", async () => {
    const { dt } = await initialised()
    const run = await dt("--bogus user ls")
    expect(run.code).toBe(2)
    expect(run.stderr).toBe("dt: unknown option '--bogus': see 'dt --help' for the options of each command.\n")
    expect((await dt("--as root --bogus group ls")).stderr).toMatch(/^dt: unknown option '--bogus'/)
  })

  it("refuses a global option before a command that does not take it, as it would after", async () => {
    const { dt } = await initialised()
    const before = await dt("--as boss init")
    expect(before.code).toBe(2)
    expect(before.stderr).toBe((await dt("init --as boss")).stderr)
  })

  it("says to run dt init before anything else (exit 3), and never creates the database by reading it", async () => {
    const { dt, home } = sandbox()
    refused(await dt("user ls"), 3, /run 'dt init' first/)
    refused(await dt("group ls"), 3, /run 'dt init' first/)
    expect((await dt("init")).code).toBe(0)
    expect(home).toBeTruthy()
  })

  it("reads without write access and never creates or grows a file: a 0-byte database stays empty", async () => {
    const { dt, home } = sandbox()
    const empty = join(home, "empty.db")
    writeFileSync(empty, "", { mode: 0o600 })
    for (const command of ["user ls", "user get root", "group ls", "group get admins", "audit ls"]) {
      refused(
        await dt(`${command} --database sqlite:${empty}`),
        3,
        /^dt: There is no user directory at [^\n]* yet: run 'dt init' first\.\n$/
      )
    }
    expect(statSync(empty).size).toBe(0)
    expect(readdirSync(home)).toEqual(["empty.db"])
  })

  // CI runs as root, which ignores file modes: the reads run as another user, who must be able to read the checkout.
  const asRoot = process.getuid?.() === 0
  const nobodyRuns = asRoot && runnableBy("nobody")
  const skipped = !asRoot
    ? " (skipped: runs only as root, through runuser)"
    : nobodyRuns
      ? ""
      : " (skipped: user nobody cannot read this checkout, which lies in a folder only its owner may enter)"
  it.skipIf(!nobodyRuns)(
    `reads a database another user may only read (a read-only file or folder); a WAL database in a read-only folder is one sentence (exit 3)${skipped}`,
    async () => {
      const { dt, home } = await initialised()
      const folder = join(home, ".local", "share", "dt")
      const database = join(folder, "dt.db")
      for (const path of [home, join(home, ".local"), join(home, ".local", "share"), folder]) chmodSync(path, 0o755)
      chmodSync(database, 0o644)
      const before = statSync(database)
      const nobody = (command: string) =>
        dt(`${command} --database sqlite:${database} --as ${me}`, { osUser: "nobody" })
      refused(
        await nobody("user ls"),
        3,
        new RegExp(
          `^dt: The user store failed: cannot read the SQLite database '${database}': it is in WAL mode, read through its -wal and -shm files, which are missing, and this user has no write permission on the folder '${folder}' to create them\\.\n$`
        )
      )
      expect(readdirSync(folder)).toEqual(["dt.db"])
      const after = statSync(database)
      expect([after.size, after.mtimeMs]).toEqual([before.size, before.mtimeMs])
      // A writer keeping the database open (a running dt serve): its -wal and -shm files are there, and readable.
      const writer = new Database(database)
      try {
        writer.prepare("update groups set version = version + 1 where name = 'admins'").run()
        const listed = await nobody("user ls")
        expect([listed.code, listed.stdout]).toEqual([0, `${me}\t${me} Administrator\tadmins\t\ttrue\n`])
        expect((await nobody("group get admins")).stdout).toBe(`admins\t1000\t${me}\t1\n`)
        expect((await nobody("audit ls --limit 1")).code).toBe(0)
      } finally {
        writer.close()
      }
      // A read-only file in a folder of the reader's own.
      const own = mkdtempSync(join(tmpdir(), "dt-nobody-"))
      const copy = join(own, "dt.db")
      copyFileSync(database, copy)
      chmodSync(own, 0o755)
      chownSync(own, 65534, 65534)
      chownSync(copy, 65534, 65534)
      chmodSync(copy, 0o444)
      const copied = statSync(copy)
      const read = await dt(`user ls --database sqlite:${copy} --as ${me}`, { osUser: "nobody" })
      expect([read.code, read.stdout]).toEqual([0, `${me}\t${me} Administrator\tadmins\t\ttrue\n`])
      expect([statSync(copy).size, statSync(copy).mtimeMs]).toEqual([copied.size, copied.mtimeMs])
    }
  )

  it("exits 2 for a database URL it does not understand", async () => {
    const { dt } = await initialised()
    refused(await dt("user ls --database oracle://x"), 2, /not understood/)
  })

  it("creates the database 0600 in 0700 folders, and warns on standard error when others can read it", async () => {
    const { dt, home } = sandbox()
    expect((await dt("init")).code).toBe(0)
    const modeOf = (path: string) => statSync(path).mode & 0o777
    const database = join(home, ".local", "share", "dt", "dt.db")
    for (const folder of [".local", ".local/share", ".local/share/dt"]) expect(modeOf(join(home, folder))).toBe(0o700)
    expect(modeOf(database)).toBe(0o600)
    for (const extra of ["-wal", "-shm"]) if (existsSync(database + extra)) expect(modeOf(database + extra)).toBe(0o600)
    expect((await dt("user ls")).stderr).toBe("")
    chmodSync(database, 0o644)
    const exposed = await dt("user ls")
    expect(exposed.code).toBe(0)
    expect(exposed.stdout).toMatch(new RegExp(`^${me}\t[^\n]*\n$`))
    expect(exposed.stderr).toBe(
      `dt: warning: The SQLite database '${database}' holds password hashes and other users of this machine can read it (mode 0644): make it private with 'chmod 600 ${database}', and its -wal and -shm files likewise.\n`
    )
  })

  it("--password-stdin reads one line, as chpasswd does, and refuses control characters in one sentence", async () => {
    const { dt, home } = await initialised()
    const added = await dt("user add eve -g admins --password-stdin", { input: "first-passw0rd\nsecond-passw0rd\n" })
    expect(added.code).toBe(0)
    const db = new Database(join(home, ".local", "share", "dt", "dt.db"), { readonly: true })
    const { password_hash: hash } = db.prepare("select password_hash from users where username = 'eve'").get() as {
      password_hash: string
    }
    db.close()
    expect(await verify(hash, "first-passw0rd")).toBe(true)
    refused(
      await dt("user add fay -g admins --password-stdin", { input: "tab\tseparated\n" }),
      2,
      /^dt: Invalid password: a password cannot contain control characters \(such as a newline or a tab\)\.\n$/
    )
    expect((await dt("user get fay")).code).toBe(1)
  })

  it("warns of a directory whose only enabled admins are system users at dt init, not at every command, and dt init --admin adds one", async () => {
    const { dt, home } = await initialised()
    expect((await dt("user add robot -g admins --system -f Robot")).code).toBe(0)
    // As a directory made before system users lost admin access can be: its human administrator disabled by a system
    // user that was one.
    const db = new Database(join(home, ".local", "share", "dt", "dt.db"))
    db.prepare("update users set enabled = 0 where username = ?").run(me)
    db.close()
    const warning = `dt: warning: The admin group 'admins' has no enabled member that is not a system user, so nobody can manage this directory: add an administrator with Users.bootstrap ('dt init --admin NAME').\n`
    const listed = await dt("--as robot user ls")
    expect(listed.code).toBe(1)
    expect(listed.stderr).toBe("dt: 'robot' may not list users: a system user never has admin access.\n")
    const added = await dt("init --admin boss --password-stdin", { input: "b0ss-passw0rd\n" })
    expect(added.code).toBe(0)
    expect(added.stderr.startsWith(warning)).toBe(true)
    expect(added.stderr).toMatch(/\nAdded administrator 'boss' to group 'admins' \(GID 1000\) of sqlite:/)
    const users = await dt("--as boss user ls")
    expect(users.stderr).toBe("")
    expect(users.stdout).toMatch(/^boss\tboss Administrator\tadmins\t\ttrue\n/)
    expect((await dt("--as boss audit ls --action directory.bootstrap --limit 1")).stdout).toMatch(
      /\tboss\tdirectory\.bootstrap\tadmins\t/
    )
    refused(await dt("init --admin mallory"), 1, /already has users/)
  })

  it("dt init takes the first administrator's name, names, email and password", async () => {
    const { dt } = sandbox()
    const run = await dt("init --admin boss -f Big -l Boss -e boss@example.com --password-stdin", {
      input: "b0ss-passw0rd\n"
    })
    expect(run.code).toBe(0)
    expect((await dt("user ls --as boss")).stdout).toBe("boss\tBig Boss\tadmins\tboss@example.com\ttrue\n")
    refused(await dt("init"), 1, /already has users/)
  })

  it("dt init gives the first administrator the same names whether -f and -l are left out or given empty", async () => {
    const left = sandbox()
    const empty = sandbox()
    expect((await left.dt("init --admin boss")).stdout).toBe("boss\tboss Administrator\tadmins\t\ttrue\n")
    expect((await empty.dt(["init", "--admin", "boss", "-f", "", "-l", ""])).stdout).toBe(
      "boss\tboss Administrator\tadmins\t\ttrue\n"
    )
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
        expect((await dt("user ls")).code).toBe(3)
        expect((await dt("init")).code).toBe(0)
        expect((await dt("group add developers")).code).toBe(0)
        expect((await dt("user add -f John -l Doe -g developers -e john@example.com john")).code).toBe(0)
        expect((await dt("user modify john -g developers,admins")).code).toBe(0)
        expect((await dt("user disable john")).code).toBe(0)
        expect((await dt("group add analysts")).code).toBe(0)
        await dt("user add alice -g developers")
        await dt("user add bob -g developers")
        expect((await dt("group add-users analysts alice,bob")).stdout).toBe("analysts\t1002\talice,bob\t2\n")
        expect((await dt("group rm-users analysts bob")).stdout).toBe("analysts\t1002\talice\t1\n")
        expect((await dt("user ls")).stdout.trim().split("\n")).toHaveLength(4)
        expect((await dt(`user disable ${me}`)).code).toBe(1)
      } finally {
        await admin.query(`drop database if exists ${name} with (force)`)
        await admin.end()
      }
    })
  }
)
