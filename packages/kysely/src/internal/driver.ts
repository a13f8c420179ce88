import { createRequire } from "node:module"
import { StorageError } from "@user-manager/core/Errors"
import type { Engine } from "../Migrations.js"

/** The npm package of each engine's driver: optional peer dependencies, of which a host installs the one it uses. */
const packages = { sqlite: "better-sqlite3", postgres: "pg", mysql: "mysql2" } as const satisfies Record<Engine, string>
const engineNames = { sqlite: "SQLite", postgres: "PostgreSQL", mysql: "MySQL/MariaDB" } satisfies Record<
  Engine,
  string
>

/**
 * Loads an engine's driver as its store opens, so that a host installs only the driver it uses. A driver that is not
 * installed is a `StorageError` naming the package to install (one sentence, no stack trace); anything else it throws
 * is passed on. Drivers are CommonJS packages, required from where this package is installed.
 */
export const load = <Driver>(engine: Engine): Driver => {
  const name = packages[engine]
  try {
    return createRequire(import.meta.url)(name) as Driver
  } catch (cause) {
    if (isMissing(cause, name)) {
      throw new StorageError({
        reason: `the ${engineNames[engine]} driver is not installed: add the '${name}' package to your application (npm install ${name})`,
        cause
      })
    }
    throw cause
  }
}

const isMissing = (cause: unknown, name: string) =>
  cause instanceof Error &&
  (cause as NodeJS.ErrnoException).code === "MODULE_NOT_FOUND" &&
  cause.message.startsWith(`Cannot find module '${name}'`)

/** A failure to open a store, kept as it is when it already says what is wrong (a missing driver). */
export const openFailure = (what: string) => (cause: unknown) =>
  cause instanceof StorageError ? cause : new StorageError({ reason: `${what}: ${String(cause)}`, cause })
