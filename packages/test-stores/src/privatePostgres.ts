/**
 * A PostgreSQL server of the test's own, that the test can freeze (SIGSTOP) as a hung server would be, and thaw: never
 * the machine's shared server. Its data folder and socket are in a temporary folder, removed when it stops.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from "node:fs"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { runOrFail } from "./run.js"

/** The folder of the newest PostgreSQL's `initdb` and `postgres` installed the Debian way, if any. */
export const postgresBin: string | undefined = (() => {
  const root = "/usr/lib/postgresql"
  if (!existsSync(root)) return undefined
  const versions = readdirSync(root)
    .filter((version) => existsSync(join(root, version, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a))
  return versions[0] === undefined ? undefined : join(root, versions[0], "bin")
})()

/** Why the private-server suites cannot run here, if they cannot. */
export const privatePostgresMissing: string | undefined =
  postgresBin === undefined ? "no PostgreSQL server binaries in /usr/lib/postgresql/*/bin" : undefined

/** A running private server. */
export interface PrivatePostgres {
  /** `postgres://postgres@127.0.0.1:PORT/postgres`. */
  readonly url: string
  /** Stops the server and every backend (SIGSTOP): connections open, nothing answers. */
  readonly freeze: () => void
  /** Lets the server run again (SIGCONT). */
  readonly thaw: () => void
  /** Whether the process `pid` has a TCP connection open to the server (it waits on it, when the server is frozen). */
  readonly connectedFrom: (pid: number) => boolean
  /** Thaws and stops the server, and removes its folder. */
  readonly stop: () => Promise<void>
}

/** A free TCP port on 127.0.0.1. */
export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      server.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0))
    })
  })

/**
 * Root cannot run `initdb` or `postgres` (CI runs as root): then they run as the `postgres` OS user, spawned as that
 * user directly (`runuser` would stop itself when the server is stopped, and never see it exit after).
 */
export const serverUser = (): { readonly uid?: number; readonly gid?: number } => {
  if (process.getuid?.() !== 0) return {}
  // Read from the password file: a synchronous `id postgres` would hold the test worker (see run.ts).
  const entry = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((line) => line.startsWith("postgres:"))
  if (entry === undefined) throw new Error("there is no postgres OS user to run the private PostgreSQL server")
  const [, , uid, gid] = entry.split(":")
  return { uid: Number(uid), gid: Number(gid) }
}

/** The processes whose parent is `pid` (the postmaster's backends and helpers). */
export const childrenOf = (pid: number): Array<number> =>
  readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((entry) => {
      try {
        // The fields after the command's name (in parentheses, which may hold spaces): state, then the parent's pid.
        const stat = readFileSync(`/proc/${entry}/stat`, "utf8")
        const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1])
        return parent === pid ? [Number(entry)] : []
      } catch {
        return []
      }
    })

/** The inodes of the sockets the process `pid` has open. */
const socketsOf = (pid: number): Set<string> => {
  const inodes = new Set<string>()
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const inode = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1]
        if (inode !== undefined) inodes.add(inode)
      } catch {}
    }
  } catch {}
  return inodes
}

/** Whether one of these sockets is a TCP connection to `port` (the remote address's port, field 3, in hex). */
const connectsTo = (inodes: ReadonlySet<string>, port: number) =>
  ["/proc/net/tcp", "/proc/net/tcp6"].some((table) => {
    try {
      return readFileSync(table, "utf8")
        .split("\n")
        .slice(1)
        .some((line) => {
          const fields = line.trim().split(/\s+/)
          return Number.parseInt(fields[2]?.split(":")[1] ?? "", 16) === port && inodes.has(fields[9] ?? "")
        })
    } catch {
      return false
    }
  })

/** Sends a signal to a process that may have exited already. */
export const signal = (pid: number, name: NodeJS.Signals) => {
  try {
    process.kill(pid, name)
  } catch {}
}

/** Every server still running when the test process exits is thawed and killed, whatever the test did. */
export const running = new Set<() => void>()
process.once("exit", () => {
  for (const kill of running) kill()
})

/** A folder of its own for a private server's files, owned by the server's user; and that user. */
export const privateFolder = (prefix: string) => {
  const folder = mkdtempSync(join(tmpdir(), prefix))
  chmodSync(folder, 0o700)
  const user = serverUser()
  if (user.uid !== undefined && user.gid !== undefined) chownSync(folder, user.uid, user.gid)
  return { folder, user }
}

/** Runs one of PostgreSQL's programs (`initdb`, `pg_basebackup`) as the server's user, in `folder`. */
export const runAsServerUser = async (
  program: string,
  args: ReadonlyArray<string>,
  place: { readonly folder: string; readonly user: ReturnType<typeof serverUser> }
) => {
  if (postgresBin === undefined) throw new Error(privatePostgresMissing)
  await runOrFail(join(postgresBin, program), args, { cwd: place.folder, ...place.user })
}

/**
 * Starts `postgres` on the data folder `data`, listening on 127.0.0.1:`port` (its socket in `folder`), with these
 * `-c` settings besides the test defaults; resolves once it accepts connections (read-only ones, for a standby).
 */
export const launch = async (options: {
  readonly data: string
  readonly port: number
  readonly place: { readonly folder: string; readonly user: ReturnType<typeof serverUser> }
  readonly settings?: ReadonlyArray<string>
}) => {
  if (postgresBin === undefined) throw new Error(privatePostgresMissing)
  const { folder, user } = options.place
  const settings = ["listen_addresses=127.0.0.1", "fsync=off", "shared_buffers=16MB", ...(options.settings ?? [])]
  const child: ChildProcess = spawn(
    join(postgresBin, "postgres"),
    ["-D", options.data, "-p", String(options.port), "-k", folder, ...settings.flatMap((setting) => ["-c", setting])],
    { stdio: ["ignore", "ignore", "pipe"], cwd: folder, ...user }
  )
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()))
  await new Promise<void>((resolve, reject) => {
    let log = ""
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      log += chunk
      if (/ready to accept (read-only )?connections/.test(log)) resolve()
    })
    child.once("exit", (code) => reject(new Error(`the private PostgreSQL server exited (${code}): ${log}`)))
  })
  const postmaster = child.pid as number
  /** Stops the server fast (its backends told to end at once, their clients disconnected), then kills what is left. */
  const stop = async () => {
    signal(postmaster, "SIGINT")
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))])
    signal(postmaster, "SIGKILL")
    for (const pid of childrenOf(postmaster)) signal(pid, "SIGKILL")
  }
  return { postmaster, stop }
}

/**
 * Starts a private server (`initdb` in a temporary folder owned by the server's user, a free port on 127.0.0.1, its
 * socket in that folder); resolves once it accepts connections.
 */
export const startPrivatePostgres = async (): Promise<PrivatePostgres> => {
  const place = privateFolder("dt-private-pg-")
  const { folder } = place
  const data = join(folder, "data")
  await runAsServerUser("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"], place)
  const port = await freePort()
  const server = await launch({ data, port, place })
  const postmaster = server.postmaster
  const all = () => [postmaster, ...childrenOf(postmaster)]
  const thaw = () => {
    for (const pid of all().reverse()) signal(pid, "SIGCONT")
  }
  const kill = () => {
    thaw()
    signal(postmaster, "SIGKILL")
    for (const pid of childrenOf(postmaster)) signal(pid, "SIGKILL")
    rmSync(folder, { recursive: true, force: true })
  }
  running.add(kill)
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    // The postmaster first, so that it starts no new backend while they are being stopped.
    freeze: () => {
      signal(postmaster, "SIGSTOP")
      for (const pid of childrenOf(postmaster)) signal(pid, "SIGSTOP")
    },
    thaw,
    connectedFrom: (pid) => connectsTo(socketsOf(pid), port),
    stop: async () => {
      thaw()
      await server.stop()
      running.delete(kill)
      kill()
    }
  }
}
