/**
 * `dt serve` started by a test: on a free port over a fresh SQLite file, with `admin` as the first administrator.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

const BIN = fileURLToPath(new URL("../../bin/dt.js", import.meta.url))

/** The password of the server's first administrator, `admin`. */
export const ADMIN_PASSWORD = "the remote admin secret"

/** A running `dt serve`: its process, its URL, and the SQLite database it serves. */
export interface Server {
  readonly child: ChildProcessWithoutNullStreams
  readonly url: string
  readonly database: string
}

/** Starts `dt serve` and resolves once it says where it serves. */
export const startServer = () =>
  new Promise<Server>((resolve, reject) => {
    const home = mkdtempSync(join(tmpdir(), "dt-remote-"))
    const database = `sqlite:${join(home, "dt.db")}`
    const child = spawn(process.execPath, [BIN, "serve", "--port", "0", "--database", database], {
      env: { PATH: process.env.PATH ?? "", HOME: home, DT_ADMIN_PASSWORD: ADMIN_PASSWORD }
    })
    let stdout = ""
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk
      const url = /Serving the User Manager at (http:\/\/\S+)\//.exec(stdout)?.[1]
      if (url !== undefined) resolve({ child, url, database })
    })
    child.once("exit", (code) => reject(new Error(`dt serve exited with ${code}`)))
  })
