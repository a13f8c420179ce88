/**
 * A PostgreSQL primary and its streaming replica of the test's own, on loopback: the primary's cluster made with
 * `initdb`, the standby's with `pg_basebackup -R` from it, each in its own data folder (in one temporary folder) and on
 * its own port, run as the server's user; never the machine's shared server. `stop` stops both and removes the folder;
 * a test process that exits kills whatever is still running.
 */
import { rmSync } from "node:fs"
import { join } from "node:path"
import * as PostgresDirectory from "@user-manager/kysely/PostgresDirectory"
import { sql } from "kysely"
import { freePort, launch, privateFolder, runAsServerUser, running } from "./privatePostgres.js"

export { privatePostgresMissing as streamingReplicaMissing } from "./privatePostgres.js"

/** A running primary and standby. */
export interface StreamingReplica {
  /** `postgres://postgres@127.0.0.1:PORT/postgres` of the primary. */
  readonly primaryUrl: string
  /** The same on the standby, which answers reads only. */
  readonly replicaUrl: string
  /** Runs SQL on the standby (`select pg_wal_replay_pause()`), and returns its rows. */
  readonly onReplica: (text: string) => Promise<ReadonlyArray<Record<string, unknown>>>
  /** Runs SQL on the primary, and returns its rows. */
  readonly onPrimary: (text: string) => Promise<ReadonlyArray<Record<string, unknown>>>
  /** Stops the standby alone, as a lost replica. */
  readonly stopReplica: () => Promise<void>
  /** Stops both servers and removes their folder. */
  readonly stop: () => Promise<void>
}

const run = async (url: string, text: string) => {
  const db = PostgresDirectory.open({ url, poolSize: 1 })
  try {
    return (await sql.raw<Record<string, unknown>>(text).execute(db)).rows
  } finally {
    await db.destroy()
  }
}

/** Starts a primary and a standby streaming from it; resolves once the standby accepts read-only connections. */
export const startStreamingReplica = async (): Promise<StreamingReplica> => {
  const place = privateFolder("dt-replica-pg-")
  const primaryData = join(place.folder, "primary")
  const standbyData = join(place.folder, "standby")
  const servers: Array<Awaited<ReturnType<typeof launch>>> = []
  const stopAll = async () => {
    for (const server of servers.reverse()) await server.stop()
    servers.length = 0
  }
  const kill = () => {
    void stopAll()
    rmSync(place.folder, { recursive: true, force: true })
  }
  running.add(kill)
  try {
    await runAsServerUser(
      "initdb",
      ["-D", primaryData, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"],
      place
    )
    const primaryPort = await freePort()
    servers.push(
      await launch({
        data: primaryData,
        port: primaryPort,
        place,
        settings: ["wal_level=replica", "max_wal_senders=4"]
      })
    )
    await runAsServerUser(
      "pg_basebackup",
      ["-h", "127.0.0.1", "-p", String(primaryPort), "-U", "postgres", "-D", standbyData, "-R", "-X", "stream", "-N"],
      place
    )
    const replicaPort = await freePort()
    const standby = await launch({ data: standbyData, port: replicaPort, place, settings: ["hot_standby=on"] })
    servers.push(standby)
    const primaryUrl = `postgres://postgres@127.0.0.1:${primaryPort}/postgres`
    const replicaUrl = `postgres://postgres@127.0.0.1:${replicaPort}/postgres`
    return {
      primaryUrl,
      replicaUrl,
      onReplica: (text) => run(replicaUrl, text),
      onPrimary: (text) => run(primaryUrl, text),
      stopReplica: async () => {
        await standby.stop()
        servers.splice(servers.indexOf(standby), 1)
      },
      stop: async () => {
        await stopAll()
        running.delete(kill)
        rmSync(place.folder, { recursive: true, force: true })
      }
    }
  } catch (error) {
    await stopAll()
    running.delete(kill)
    rmSync(place.folder, { recursive: true, force: true })
    throw error
  }
}
