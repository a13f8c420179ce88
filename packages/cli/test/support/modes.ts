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

/** One mode: started once per file, and a fresh world for each test. */
export interface Mode {
  readonly name: "local" | "remote"
  readonly start: () => Promise<void>
  readonly stop: () => Promise<void>
  readonly fresh: () => Promise<World>
}

const withArgs = (dt: Dt, extra: ReadonlyArray<string>): Dt => {
  return (args, options) =>
    dt([...(typeof args === "string" ? args.split(" ").filter((w) => w !== "") : args), ...extra], options)
}

/** Where `dt` keeps its embedded default database in a sandbox's HOME. */
const defaultDatabase = (home: string) => join(home, ".local", "share", "dt", "dt.db")

let initialised: Promise<string> | undefined

/**
 * A sandbox whose default database is what `dt init` makes, the OS login name its first administrator. `dt init`
 * runs once per test file; each sandbox gets a copy of its database (SQLite's online backup, in folders and a file as
 * private as dt makes them), so that every scenario starts from what `dt init` leaves without starting it again.
 */
export const initialisedSandbox = async () => {
  initialised ??= (async () => {
    const box = sandbox()
    const init = await box.dt("init")
    if (init.code !== 0) throw new Error(`dt init failed: ${init.stderr}`)
    return defaultDatabase(box.home)
  })()
  const source = await initialised
  const box = sandbox()
  const database = defaultDatabase(box.home)
  mkdirSync(dirname(database), { recursive: true, mode: 0o700 })
  const db = new Database(source, { readonly: true })
  await db.backup(database)
  db.close()
  chmodSync(database, 0o600)
  return box
}

/** Local mode: an initialised sandbox per test; the actor is the OS login name. */
export const local = (): Mode => ({
  name: "local",
  start: async () => {},
  stop: async () => {},
  fresh: async () => {
    const box = await initialisedSandbox()
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
 * Remote mode: one `dt serve` for the whole file. Each test gets the store as it was just after the first sign-in
 * (restored with SQLite's online backup, which the server's connection sees at its next transaction), so that every
 * scenario starts from the same directory as in local mode, without a server per test.
 */
export const remote = (): Mode => {
  let server: Serving | undefined
  let url = ""
  let session = ""
  const dir = mkdtempSync(join(tmpdir(), "dt-remote-mode-"))
  const database = join(dir, "dt.db")
  const snapshot = join(dir, "snapshot.db")
  return {
    name: "remote",
    start: async () => {
      server = await serve(["--database", `sqlite:${database}`], { DT_ADMIN_PASSWORD: ADMIN_PASSWORD })
      url = server.url
      const box = sandbox()
      const login = await box.dt(["login", "admin", "--server", url, "--password-stdin"], { input: ADMIN_PASSWORD })
      if (login.code !== 0) throw new Error(`dt login failed: ${login.stderr}`)
      session = readFileSync(join(box.home, ".config", "dt", "session.json"), "utf8")
      const db = new Database(database, { readonly: true })
      await db.backup(snapshot)
      db.close()
    },
    stop: async () => {
      await server?.stop()
    },
    fresh: async () => {
      const db = new Database(snapshot, { readonly: true })
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
