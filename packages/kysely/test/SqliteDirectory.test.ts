import { chmodSync, existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "@effect/vitest"
import type { GroupName } from "@user-manager/core/Names"
import * as TransactionBody from "@user-manager/core/TransactionBody"
import { run } from "@user-manager/test-stores/run"
import Database from "better-sqlite3"
import { Effect, Exit, Logger, Option, type Scope } from "effect"
import * as KyselyDirectory from "../src/KyselyDirectory.js"
import * as SqliteDirectory from "../src/SqliteDirectory.js"

const group = {
  name: "staff" as GroupName,
  gid: 5000,
  externalId: null,
  externalName: null,
  createdAt: new Date(0),
  updatedAt: new Date(0),
  version: 1
}

const directory = Effect.acquireRelease(SqliteDirectory.open(":memory:"), (db) =>
  Effect.promise(() => db.destroy())
).pipe(Effect.flatMap((db) => KyselyDirectory.make({ db, engine: "sqlite", migrate: true })))

describe("SQLite opened by the adapter", () => {
  it.scoped(
    "runs a transaction in one synchronous step: a body that waits is refused, and nothing it wrote stays",
    () =>
      Effect.gen(function* () {
        const store = yield* directory
        const exit = yield* Effect.exit(
          store.write((tx) => Effect.zipRight(tx.insertGroup(group), Effect.sleep("1 millis")))
        )
        // Refused as every store refuses it (see TransactionBody), not a defect.
        expect(exit).toEqual(Exit.fail(TransactionBody.asyncBodyRefused()))
        expect(Option.isNone(yield* store.read((tx) => tx.findGroupRow(group.name)))).toBe(true)
        // The connection is out of the failed transaction: the next one commits.
        yield* store.write((tx) => tx.insertGroup(group))
        expect(Option.isSome(yield* store.read((tx) => tx.findGroupRow(group.name)))).toBe(true)
      })
  )
})

describe("SQLite files are private", () => {
  const modeOf = (path: string) => statSync(path).mode & 0o777
  const logged = (effect: Effect.Effect<unknown, unknown, Scope.Scope>) =>
    Effect.gen(function* () {
      const lines: Array<string> = []
      const logger = Logger.make(({ logLevel, message }) => {
        lines.push(`${logLevel.label} ${Array.isArray(message) ? message.join(" ") : String(message)}`)
      })
      yield* Effect.provide(Effect.scoped(effect), Logger.replace(Logger.defaultLogger, logger))
      return lines
    })
  const openWritten = (filename: string) =>
    Effect.acquireRelease(SqliteDirectory.open(filename), (db) => Effect.promise(() => db.destroy())).pipe(
      Effect.flatMap((db) => KyselyDirectory.make({ db, engine: "sqlite", migrate: true })),
      Effect.flatMap((store) => store.write((tx) => tx.insertGroup(group))),
      // The -wal and -shm files exist while the connection is open.
      Effect.tap(() => {
        expect(modeOf(`${filename}-wal`)).toBe(0o600)
        expect(modeOf(`${filename}-shm`)).toBe(0o600)
      })
    )

  it.effect("creates the folders 0700 and the database, -wal and -shm files 0600, and warns of nothing", () =>
    Effect.gen(function* () {
      const root = mkdtempSync(join(tmpdir(), "dt-sqlite-modes-"))
      const filename = join(root, "data", "dt", "dt.db")
      const lines = yield* logged(openWritten(filename))
      expect(modeOf(join(root, "data"))).toBe(0o700)
      expect(modeOf(join(root, "data", "dt"))).toBe(0o700)
      expect(modeOf(filename)).toBe(0o600)
      expect(lines).toEqual([])
    })
  )

  it.effect("warns in one sentence when an existing database file is readable by others, and leaves its mode", () =>
    Effect.gen(function* () {
      const root = mkdtempSync(join(tmpdir(), "dt-sqlite-modes-"))
      const filename = join(root, "dt.db")
      writeFileSync(filename, "")
      chmodSync(filename, 0o644)
      const lines = yield* logged(
        Effect.acquireRelease(SqliteDirectory.open(filename), (db) => Effect.promise(() => db.destroy()))
      )
      expect(lines).toEqual([
        `WARN The SQLite database '${filename}' holds password hashes and other users of this machine can read it (mode 0644): make it private with 'chmod 600 ${filename}', and its -wal and -shm files likewise.`
      ])
      expect(modeOf(filename)).toBe(0o644)
    })
  )
})

// CI runs as root, which ignores file modes: the reader runs as another user, who must be able to run this Node and
// the repository's TypeScript (not so in the support matrix, whose Node binaries live in root's private cache).
const packageFolder = fileURLToPath(new URL("..", import.meta.url))
const nodeArgs = [process.execPath, "--conditions=@user-manager/source", "--import", "tsx"]
const asNobody = (args: ReadonlyArray<string>) =>
  run("runuser", ["-u", "nobody", "--", ...nodeArgs, ...args], { cwd: packageFolder })
const unableAsNobody =
  process.getuid?.() !== 0
    ? "runs only as root, through runuser"
    : (await asNobody(["-e", "0"])).code !== 0
      ? `nobody cannot run ${process.execPath} with this repository's TypeScript`
      : undefined

describe("SQLite opened read-only", () => {
  const readOnly = (filename: string) =>
    Effect.acquireRelease(SqliteDirectory.open(filename, { readonly: true }), (db) =>
      Effect.promise(() => db.destroy())
    ).pipe(Effect.flatMap((db) => KyselyDirectory.make({ db, engine: "sqlite" })))
  const failure = (effect: Effect.Effect<unknown, { readonly message: string }, Scope.Scope>) =>
    Effect.scoped(Effect.flip(effect)).pipe(Effect.map((error) => error.message))

  it.effect(
    "creates and grows nothing: a missing file is one sentence and no folder is made; a 0-byte file stays empty",
    () =>
      Effect.gen(function* () {
        const root = mkdtempSync(join(tmpdir(), "dt-sqlite-readonly-"))
        const missing = join(root, "data", "dt.db")
        expect(yield* failure(readOnly(missing))).toBe(
          `The user store failed: cannot read the SQLite database '${missing}': the file does not exist.`
        )
        expect(existsSync(join(root, "data"))).toBe(false)
        const empty = join(root, "empty.db")
        writeFileSync(empty, "")
        expect(yield* failure(readOnly(empty))).toMatch(/the database has no user manager schema yet/)
        expect(statSync(empty).size).toBe(0)
        expect(readdirSync(root)).toEqual(["empty.db"])
      })
  )

  it.scoped("serves reads, refuses writes, and leaves the file as it was", () =>
    Effect.gen(function* () {
      const filename = join(mkdtempSync(join(tmpdir(), "dt-sqlite-readonly-")), "dt.db")
      yield* Effect.scoped(
        Effect.acquireRelease(SqliteDirectory.open(filename), (db) => Effect.promise(() => db.destroy())).pipe(
          Effect.flatMap((db) => KyselyDirectory.make({ db, engine: "sqlite", migrate: true })),
          Effect.flatMap((store) => store.write((tx) => tx.insertGroup(group)))
        )
      )
      const before = statSync(filename)
      const store = yield* readOnly(filename)
      expect(Option.isSome(yield* store.read((tx) => tx.findGroupRow(group.name)))).toBe(true)
      const refused = yield* Effect.flip(
        store.write((tx) => tx.insertGroup({ ...group, name: "other" as GroupName, gid: 5001 }))
      )
      expect(refused._tag).toBe("StorageError")
      expect(Option.isNone(yield* store.read((tx) => tx.findGroupRow("other" as GroupName)))).toBe(true)
      const after = statSync(filename)
      expect([after.size, after.mtimeMs]).toEqual([before.size, before.mtimeMs])
    })
  )

  describe.skipIf(unableAsNobody !== undefined)(
    `as another user (nobody)${unableAsNobody === undefined ? "" : ` (skipped: ${unableAsNobody})`}`,
    () => {
      const reader = fileURLToPath(new URL("./support/readOnlyReader.ts", import.meta.url))
      /** Each run of the reader starts Node and compiles TypeScript: seconds each on a busy machine. */
      const SPAWNS_TIMEOUT = 90_000
      /** Opens `filename` read-only as nobody and reads the group staff: whether it was found, or the error's message. */
      const readAsNobody = (filename: string) =>
        Effect.promise(async () => {
          const { stdout } = await asNobody([reader, filename])
          // A reader that could not start printed no answer: say so, rather than fail outside the test.
          const last = stdout.trim().split("\n").at(-1) ?? ""
          return (last.startsWith("{") ? JSON.parse(last) : { message: `no answer: ${stdout}` }) as {
            readonly found?: boolean
            readonly message?: string
          }
        })
      /** A database holding the group staff, in a folder nobody may read but not write, readable by nobody. */
      const database = (journal: "wal" | "delete") =>
        Effect.gen(function* () {
          const folder = mkdtempSync(join(tmpdir(), "dt-sqlite-readonly-"))
          const filename = join(folder, "dt.db")
          yield* Effect.scoped(
            Effect.acquireRelease(SqliteDirectory.open(filename), (db) => Effect.promise(() => db.destroy())).pipe(
              Effect.flatMap((db) => KyselyDirectory.make({ db, engine: "sqlite", migrate: true })),
              Effect.flatMap((store) => store.write((tx) => tx.insertGroup(group)))
            )
          )
          if (journal === "delete") {
            const connection = new Database(filename)
            connection.pragma("journal_mode = DELETE")
            connection.close()
          }
          chmodSync(folder, 0o755)
          chmodSync(filename, 0o644)
          return { folder, filename }
        })
      /** A writer keeping the database open, as a running `dt serve` does: its -wal and -shm files exist meanwhile. */
      const writer = (filename: string) =>
        Effect.acquireRelease(
          Effect.sync(() => {
            const connection = new Database(filename)
            connection.prepare("update groups set version = version + 1 where name = 'staff'").run()
            return connection
          }),
          (connection) => Effect.sync(() => connection.close())
        )

      it.scoped(
        "reads a database it may not write: in a read-only folder, without WAL or with its -wal and -shm there",
        () =>
          Effect.gen(function* () {
            const plain = yield* database("delete")
            expect(yield* readAsNobody(plain.filename)).toEqual({ found: true })
            expect(readdirSync(plain.folder)).toEqual(["dt.db"])
            const wal = yield* database("wal")
            yield* writer(wal.filename)
            for (const companion of ["-wal", "-shm"]) expect(existsSync(wal.filename + companion)).toBe(true)
            expect(yield* readAsNobody(wal.filename)).toEqual({ found: true })
          }),
        SPAWNS_TIMEOUT
      )

      it.scoped(
        "says which permission is missing when it cannot read: the folder's for a WAL database's missing -wal and -shm, the file's, the -shm's",
        () =>
          Effect.gen(function* () {
            const { folder, filename } = yield* database("wal")
            const cannot = (why: string) => ({
              message: `The user store failed: cannot read the SQLite database '${filename}': ${why}.`
            })
            expect(yield* readAsNobody(filename)).toEqual(
              cannot(
                `it is in WAL mode, read through its -wal and -shm files, which are missing, and this user has no write permission on the folder '${folder}' to create them`
              )
            )
            expect(readdirSync(folder)).toEqual(["dt.db"])
            chmodSync(filename, 0o600)
            expect(yield* readAsNobody(filename)).toEqual(cannot("this user has no read permission on the file"))
            chmodSync(filename, 0o644)
            yield* writer(filename)
            chmodSync(`${filename}-shm`, 0o600)
            expect(yield* readAsNobody(filename)).toEqual(
              cannot(`this user has no read permission on '${filename}-shm'`)
            )
          }),
        SPAWNS_TIMEOUT
      )
    }
  )
})
