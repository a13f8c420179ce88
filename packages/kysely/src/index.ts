/**
 * @since 0.1.0
 */
export * as Argon2Hasher from "./Argon2Hasher.js"
export * as DatabaseUrl from "./DatabaseUrl.js"
export * as KyselyDirectory from "./KyselyDirectory.js"
export * as Migrations from "./Migrations.js"
export * as MysqlDirectory from "./MysqlDirectory.js"
export * as PostgresDirectory from "./PostgresDirectory.js"
export * as ReadReplica from "./ReadReplica.js"
export * as ReplicaLag from "./ReplicaLag.js"
export * as SqliteDirectory from "./SqliteDirectory.js"
export * as Timeouts from "./Timeouts.js"
