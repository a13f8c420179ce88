/**
 * The settings of `dt serve`: each whole-number setting's flag, variable, bounds and default, the `--config` option, and
 * the table of the settings a `--config` file may hold.
 *
 * @since 0.1.0
 */
import { Options } from "@effect/cli"
import { Page, Sessions, SignInThrottle } from "@user-manager/core"
import * as ReplicaLag from "@user-manager/kysely/ReplicaLag"
import { Duration, Effect, Option } from "effect"
import type * as ConfigFile from "../ConfigFile.js"
import { wholeNumberSetting } from "../Environment.js"
import * as Flags from "../Flags.js"

/** `--config FILE`: the settings file, below the flags and the DT_ variables. */
export const configFile = Options.text("config").pipe(
  Options.withPseudoName("FILE"),
  Options.withDescription(
    "read settings from this YAML or JSON file, each under its flag's name (pool-size: 20); flags and DT_ " +
      "variables come first (default: $DT_CONFIG, else none)"
  ),
  Options.optional
)

/**
 * A whole-number setting: its flag, else its variable, else the settings file (`--config`), else the default.
 */
const setting = (spec: {
  readonly name: string
  readonly variable: string
  readonly bounds: { readonly min: number; readonly max: number }
  readonly unit: string
  readonly description: string
  readonly fallback: number
}) => ({
  spec,
  option: Flags.wholeNumber(spec.name, spec.bounds).pipe(
    Options.withPseudoName(spec.unit),
    Options.withDescription(`${spec.description} (default: $${spec.variable}, else ${spec.fallback})`),
    Options.optional
  ),
  resolve: (flag: Option.Option<number>) => wholeNumberSetting(flag, spec.variable, spec.bounds),
  value: (flag: Option.Option<number>) =>
    Effect.map(
      wholeNumberSetting(flag, spec.variable, spec.bounds),
      Option.getOrElse(() => spec.fallback)
    )
})

/** `--port`. */
export const port = setting({
  name: "port",
  variable: "DT_PORT",
  bounds: { min: 0, max: 65535 },
  unit: "N",
  description: "the TCP port to listen on (0 picks a free one)",
  fallback: 8080
})

/** `--grace-period`. */
export const gracePeriod = setting({
  name: "grace-period",
  variable: "DT_GRACE_PERIOD",
  bounds: { min: 0, max: 3600 },
  unit: "SECONDS",
  description: "seconds that requests in flight have to finish once stopping (SIGTERM, Ctrl-C)",
  fallback: 10
})

/** `--import-limit`. */
export const importLimit = setting({
  name: "import-limit",
  variable: "DT_IMPORT_LIMIT",
  bounds: { min: 1, max: 1024 * 1024 },
  unit: "MIB",
  description: "the largest bulk import the API accepts (POST /api/v1/import), in MiB",
  fallback: 512
})

const throttleDefaults = SignInThrottle.ThrottleConfig.defaultValue()

/** `--pool-size`. */
export const poolSize = setting({
  name: "pool-size",
  variable: "DT_POOL_SIZE",
  bounds: { min: 1, max: 1000 },
  unit: "N",
  description: "connections to a PostgreSQL or MySQL server, at most",
  fallback: 10
})

/** `--session-lifetime`. */
export const sessionLifetime = setting({
  name: "session-lifetime",
  variable: "DT_SESSION_LIFETIME",
  bounds: { min: 1, max: 525_600 },
  unit: "MINUTES",
  description: "how long a sign-in lasts",
  fallback: Duration.toMinutes(Sessions.DEFAULT_TTL)
})

/** `--throttle-user-failures`. */
export const throttleUserFailures = setting({
  name: "throttle-user-failures",
  variable: "DT_THROTTLE_USER_FAILURES",
  bounds: { min: 1, max: 1000 },
  unit: "N",
  description:
    "failed sign-ins for one name from one address, within the throttle's window, before that pair is refused",
  fallback: throttleDefaults.maxFailuresPerUserAddress
})

/** `--throttle-address-failures`. */
export const throttleAddressFailures = setting({
  name: "throttle-address-failures",
  variable: "DT_THROTTLE_ADDRESS_FAILURES",
  bounds: { min: 1, max: 100_000 },
  unit: "N",
  description: "failed sign-ins from one address, within the throttle's window, before it is refused for any name",
  fallback: throttleDefaults.maxFailuresPerAddress
})

/** `--throttle-window`. */
export const throttleWindow = setting({
  name: "throttle-window",
  variable: "DT_THROTTLE_WINDOW",
  bounds: { min: 1, max: 1440 },
  unit: "MINUTES",
  description: "the sign-in throttle's window",
  fallback: throttleDefaults.windowMillis / 60_000
})

/** `--exact-total-limit`. */
export const exactTotalLimit = setting({
  name: "exact-total-limit",
  variable: "DT_EXACT_TOTAL_LIMIT",
  bounds: { min: 0, max: 100_000_000 },
  unit: "N",
  description: `how many matches a user list counts exactly; beyond, its total reads "${Page.DEFAULT_EXACT_TOTAL_LIMIT.toLocaleString("en-US")}+" (0: count every match)`,
  fallback: Page.DEFAULT_EXACT_TOTAL_LIMIT
})

/** How far behind the read replica may be by default, in seconds: the storage's own default. */
export const REPLICA_MAX_LAG_SECONDS = ReplicaLag.DEFAULT_MAX_LAG_MS / 1000

/** `--replica-max-lag`. */
export const replicaMaxLag = setting({
  name: "replica-max-lag",
  variable: "DT_REPLICA_MAX_LAG",
  bounds: { min: 1, max: 3600 },
  unit: "SECONDS",
  description: "how far behind the primary the read replica may be and still answer reads",
  fallback: REPLICA_MAX_LAG_SECONDS
})

/** The settings a `--config` file may hold, by their flags' names, each with the variable it stands for. */
export const fileSettings: Readonly<Record<string, ConfigFile.Setting>> = {
  database: { variable: "DT_DATABASE_URL", kind: { type: "text" } },
  "read-database": { variable: "DT_READ_DATABASE_URL", kind: { type: "text" } },
  host: { variable: "DT_HOST", kind: { type: "text" } },
  "secure-cookies": { variable: "DT_SECURE_COOKIES", kind: { type: "boolean" } },
  "trust-proxy": { variable: "DT_TRUST_PROXY", kind: { type: "text" } },
  "metrics-token": { variable: "DT_METRICS_TOKEN", kind: { type: "text" } },
  "scim-default-group": { variable: "DT_SCIM_DEFAULT_GROUP", kind: { type: "text" } },
  "scim-delete": { variable: "DT_SCIM_DELETE", kind: { type: "text" } },
  ...Object.fromEntries(
    [
      port,
      gracePeriod,
      importLimit,
      poolSize,
      sessionLifetime,
      throttleUserFailures,
      throttleAddressFailures,
      throttleWindow,
      replicaMaxLag,
      exactTotalLimit
    ].map(({ spec }) => [spec.name, { variable: spec.variable, kind: { type: "whole", ...spec.bounds } }])
  )
}
