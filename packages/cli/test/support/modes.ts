import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir, userInfo } from "node:os"
import { dirname, join } from "node:path"
import Database from "better-sqlite3"
import { type Run, sandbox } from "./dt.js"
import { type Serving, serve } from "./serve.js"

/** Runs the real `dt`, as `sandbox(...).dt` does. */
export type Dt = ReturnType<typeof sandbox>["dt"]

/** A fresh directory holding only its first administrator, and the ways a scenario runs `dt` on it. */
export interface World {
  /** `dt` on behalf of the first administrator. */
  readonly dt: Dt
  /** Every run of `dt` (and, in remote mode, the server's output is in `serverOutput`). */
  readonly runs: Array<Run>
  /** The first administrator's username, and its full name as `ls` shows it. */
  readonly me: string
  readonly meFullName: string
  /** `dt` on behalf of another user, who has a password (local: `--as`; remote: signed in with it). */
  readonly as: (username: string, password: string) => Promise<Dt>
  /** `dt` where the store (local) or the server (remote) cannot be reached. */
  readonly unreachable: Dt
  /** What the server printed so far (nothing in local mode). */
  readonly serverOutput: () => string
}

/**
 * What a fresh world holds besides its first administrator: nothing, or the group developers (GID 1001), made by
 * `dt group add developers` once per file and mode, as most scenarios begin.
 */
export type Start = "administrator" | "developers"

/** One mode: started once per file, and a fresh world for each test. */
export interface Mode {
  readonly name: "local" | "remote"
  readonly start: () => Promise<void>
  readonly stop: () => Promise<void>
  readonly fresh: (start?: Start) => Promise<World>
}

const withArgs = (dt: Dt, extra: ReadonlyArray<string>): Dt => {
  return (args, options) =>
    dt([...(typeof args === "string" ? args.split(" ").filter((w) => w !== "") : args), ...extra], options)
}

/** Where `dt` keeps its embedded default database in a sandbox's HOME. */
const defaultDatabase = (home: string) => join(home, ".local", "share", "dt", "dt.db")

/** The databases sandboxes start from, each made once per test file. */
const templates = new Map<Start, Promise<string>>()

/** The database a start is made in: `dt init`'s, then for developers `dt group add developers` run on a copy. */
const template = (start: Start): Promise<string> => {
  let made = templates.get(start)
  if (made === undefined) {
    made = (async () => {
      const box = start === "administrator" ? sandbox() : await copied(await template("administrator"))
      const run = await (start === "administrator" ? box.dt("init") : box.dt("group add developers"))
      if (run.code !== 0) throw new Error(`making the ${start} template failed: ${run.stderr}`)
      return defaultDatabase(box.home)
    })()
    templates.set(start, made)
  }
  return made
}

/** A sandbox whose default database is a copy of `source` (SQLite's online backup), as private as dt makes it. */
const copied = async (source: string) => {
  const box = sandbox()
  const database = defaultDatabase(box.home)
  mkdirSync(dirname(database), { recursive: true, mode: 0o700 })
  const db = new Database(source, { readonly: true })
  await db.backup(database)
  db.close()
  chmodSync(database, 0o600)
  return box
}

/**
 * A sandbox whose default database is what `dt init` makes, the OS login name its first administrator (with the group
 * developers for that start). `dt init` runs once per test file; each sandbox gets a copy of its database, so that
 * every scenario starts from what `dt init` leaves without starting it again.
 */
export const initialisedSandbox = async (start: Start = "administrator") => copied(await template(start))

/** Local mode: an initialised sandbox per test; the actor is the OS login name. */
export const local = (): Mode => ({
  name: "local",
  start: async () => {},
  stop: async () => {},
  fresh: async (start) => {
    const box = await initialisedSandbox(start)
    const me = userInfo().username
    return {
      dt: box.dt,
      runs: box.runs,
      me,
      meFullName: `${me} Administrator`,
      as: async (username) => withArgs(box.dt, ["--as", username]),
      unreachable: withArgs(box.dt, ["--database", "postgres://nobody@127.0.0.1:9/none"]),
      serverOutput: () => ""
    }
  }
})

const ADMIN_PASSWORD = "the remote admin secret"

/**
 * Remote mode: one `dt serve` for the whole file. Each test gets the store as it was just after the first sign-in, or
 * after that administrator's `dt group add developers` (restored with SQLite's online backup, which the server's
 * connection sees at its next transaction), so that every scenario starts from the same directory as in local mode,
 * without a server per test.
 */
export const remote = (): Mode => {
  let server: Serving | undefined
  let url = ""
  let session = ""
  const dir = mkdtempSync(join(tmpdir(), "dt-remote-mode-"))
  const database = join(dir, "dt.db")
  const snapshots: Record<Start, string> = {
    administrator: join(dir, "administrator.db"),
    developers: join(dir, "developers.db")
  }
  return {
    name: "remote",
    start: async () => {
      server = await serve(["--database", `sqlite:${database}`], { DT_ADMIN_PASSWORD: ADMIN_PASSWORD })
      url = server.url
      const box = sandbox()
      const login = await box.dt(["login", "admin", "--server", url, "--password-stdin"], { input: ADMIN_PASSWORD })
      if (login.code !== 0) throw new Error(`dt login failed: ${login.stderr}`)
      session = readFileSync(join(box.home, ".config", "dt", "session.json"), "utf8")
      const snapshot = async (start: Start) => {
        const db = new Database(database, { readonly: true })
        await db.backup(snapshots[start])
        db.close()
      }
      await snapshot("administrator")
      const developers = await box.dt("group add developers", { env: { DT_SERVER: url } })
      if (developers.code !== 0) throw new Error(`dt group add developers failed: ${developers.stderr}`)
      await snapshot("developers")
    },
    stop: async () => {
      await server?.stop()
    },
    fresh: async (start = "administrator") => {
      const db = new Database(snapshots[start], { readonly: true })
      await db.backup(database)
      db.close()
      const box = sandbox({ DT_SERVER: url })
      mkdirSync(join(box.home, ".config", "dt"), { recursive: true, mode: 0o700 })
      writeFileSync(join(box.home, ".config", "dt", "session.json"), session, { mode: 0o600 })
      return {
        dt: box.dt,
        runs: box.runs,
        me: "admin",
        meFullName: "Administrator",
        as: async (username, password) => {
          const other = sandbox({ DT_SERVER: url })
          const login = await other.dt(["login", username, "--password-stdin"], { input: password })
          if (login.code !== 0) throw new Error(`dt login ${username} failed: ${login.stderr}`)
          return other.dt
        },
        unreachable: (args, options) => box.dt(args, { ...options, env: { DT_SERVER: "http://127.0.0.1:9" } }),
        serverOutput: () => server?.output() ?? ""
      }
    }
  }
}
