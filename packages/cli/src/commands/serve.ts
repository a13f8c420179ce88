/**
 * `dt serve`: the HTTP API and the sign-in page over a store, migrated first (unless `--no-migrate`); on an empty store,
 * the `admins` group and an `admin` user whose generated password is printed once.
 *
 * @since 0.1.0
 */
import { randomBytes } from "node:crypto"
import { Command, Options } from "@effect/cli"
import * as HttpServer from "@effect/platform/HttpServer"
import { Directory, Errors, Sessions, SignInThrottle, Users } from "@user-manager/core"
import type { ClientAddress } from "@user-manager/server"
import { ConfigProvider, Console, Context, Duration, Effect, Either, Exit, Layer, Option, Redacted } from "effect"
import * as CommandTree from "../CommandTree.js"
import type * as ConfigFile from "../ConfigFile.js"
import { databaseUrl, variable, wholeNumberSetting } from "../Environment.js"
import * as Flags from "../Flags.js"
import { note, warnIfNoAdministrator } from "../Session.js"
import * as Store from "../Store.js"

// The server code loads only for this command, so that every other command starts as fast as before.
const server = Effect.promise(() => import("@user-manager/server"))

// The <user-manager> bundle, embedded as text by build.mjs; absent when this file runs unbundled.
declare const DT_USER_MANAGER_JS: string | undefined
const element = typeof DT_USER_MANAGER_JS === "string" ? DT_USER_MANAGER_JS : undefined

const host = Options.text("host").pipe(
  Options.withPseudoName("ADDRESS"),
  Options.withDescription("the address to listen on (default: $DT_HOST, else 127.0.0.1: this machine only)"),
  Options.optional
)

const secureCookies = Options.boolean("secure-cookies").pipe(
  Options.withDescription(
    "mark the session cookies Secure (sent over HTTPS only): for a server behind a TLS-terminating proxy " +
      "(default: $DT_SECURE_COOKIES, true or false, else false)"
  )
)

const configFile = Options.text("config").pipe(
  Options.withPseudoName("FILE"),
  Options.withDescription(
    "read settings from this YAML or JSON file, each under its flag's name (pool-size: 20); flags and DT_ " +
      "variables come first (default: $DT_CONFIG, else none)"
  ),
  Options.optional
)

const trustProxy = Options.text("trust-proxy").pipe(
  Options.withPseudoName("PROXIES"),
  Options.withDescription(
    "take the client's address from X-Forwarded-For/Forwarded set by these proxies: their addresses or CIDR ranges, " +
      "comma-separated (also loopback, linklocal, uniquelocal), or how many there are (default: $DT_TRUST_PROXY, else none)"
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

const port = setting({
  name: "port",
  variable: "DT_PORT",
  bounds: { min: 0, max: 65535 },
  unit: "N",
  description: "the TCP port to listen on (0 picks a free one)",
  fallback: 8080
})

const gracePeriod = setting({
  name: "grace-period",
  variable: "DT_GRACE_PERIOD",
  bounds: { min: 0, max: 3600 },
  unit: "SECONDS",
  description: "seconds that requests in flight have to finish once stopping (SIGTERM, Ctrl-C)",
  fallback: 10
})

const importLimit = setting({
  name: "import-limit",
  variable: "DT_IMPORT_LIMIT",
  bounds: { min: 1, max: 1024 * 1024 },
  unit: "MIB",
  description: "the largest bulk import the API accepts (POST /api/v1/import), in MiB",
  fallback: 512
})

/** `{ [key]: value }` when there is a value, else nothing: the settings given, to spread over the defaults. */
const given = <K extends string, A>(key: K, value: Option.Option<A>): Partial<Record<K, A>> =>
  Option.match(value, { onNone: () => ({}), onSome: (a) => ({ [key]: a }) as Record<K, A> })

const throttleDefaults = SignInThrottle.ThrottleConfig.defaultValue()

const poolSize = setting({
  name: "pool-size",
  variable: "DT_POOL_SIZE",
  bounds: { min: 1, max: 1000 },
  unit: "N",
  description: "connections to a PostgreSQL or MySQL server, at most",
  fallback: 10
})

const sessionLifetime = setting({
  name: "session-lifetime",
  variable: "DT_SESSION_LIFETIME",
  bounds: { min: 1, max: 525_600 },
  unit: "MINUTES",
  description: "how long a sign-in lasts",
  fallback: Duration.toMinutes(Sessions.DEFAULT_TTL)
})

const throttleUserFailures = setting({
  name: "throttle-user-failures",
  variable: "DT_THROTTLE_USER_FAILURES",
  bounds: { min: 1, max: 1000 },
  unit: "N",
  description:
    "failed sign-ins for one name from one address, within the throttle's window, before that pair is refused",
  fallback: throttleDefaults.maxFailuresPerUserAddress
})

const throttleAddressFailures = setting({
  name: "throttle-address-failures",
  variable: "DT_THROTTLE_ADDRESS_FAILURES",
  bounds: { min: 1, max: 100_000 },
  unit: "N",
  description: "failed sign-ins from one address, within the throttle's window, before it is refused for any name",
  fallback: throttleDefaults.maxFailuresPerAddress
})

const throttleWindow = setting({
  name: "throttle-window",
  variable: "DT_THROTTLE_WINDOW",
  bounds: { min: 1, max: 1440 },
  unit: "MINUTES",
  description: "the sign-in throttle's window",
  fallback: throttleDefaults.windowMillis / 60_000
})

const readDatabase = Options.text("read-database").pipe(
  Options.withPseudoName("URL"),
  Options.withDescription(
    "a streaming replica of the PostgreSQL database (postgres://…) to answer lists, searches and reads; sign-ins, " +
      "sessions, rights and writes stay on --database, and a lagging or lost replica leaves every read to it " +
      "(default: $DT_READ_DATABASE_URL, else none)"
  ),
  Options.optional
)

/** How far behind the read replica may be by default (as `ReadReplica.DEFAULT_MAX_LAG_MS`), in seconds. */
const REPLICA_MAX_LAG_SECONDS = 10

const replicaMaxLag = setting({
  name: "replica-max-lag",
  variable: "DT_REPLICA_MAX_LAG",
  bounds: { min: 1, max: 3600 },
  unit: "SECONDS",
  description: "how far behind the primary the read replica may be and still answer reads",
  fallback: REPLICA_MAX_LAG_SECONDS
})

const noMigrate = Options.boolean("no-migrate").pipe(
  Options.withDescription(
    "leave the schema as it is, for fleets that run 'dt migrate' as a job of its own: on a schema this version " +
      "does not run on (a migration pending), refuse to start, saying which"
  )
)

const metricsToken = Options.redacted("metrics-token").pipe(
  Options.withPseudoName("TOKEN"),
  Options.withDescription(
    "serve GET /metrics (Prometheus) to scrapers that send this bearer token, 16 characters or more (default: " +
      "$DT_METRICS_TOKEN, which other users of the machine cannot see as they can a flag; without either, no /metrics)"
  ),
  Options.optional
)

/** The shortest metrics token taken: a secret for a machine, not a word a person types. */
const MIN_METRICS_TOKEN = 16

/** `--metrics-token`, else `DT_METRICS_TOKEN`, else none; a short or spaced token is refused in one sentence (exit 2). */
const metricsTokenOf = (
  flag: Option.Option<Redacted.Redacted<string>>
): Effect.Effect<Option.Option<Redacted.Redacted<string>>, Errors.InvalidInput> =>
  Effect.flatMap(
    variable("DT_METRICS_TOKEN"),
    (fromEnvironment): Effect.Effect<Option.Option<Redacted.Redacted<string>>, Errors.InvalidInput> => {
      const [field, token] = Option.match(flag, {
        onNone: () => ["DT_METRICS_TOKEN", Option.map(fromEnvironment, Redacted.make)] as const,
        onSome: (value) => ["--metrics-token", Option.some(value)] as const
      })
      if (Option.isNone(token)) return Effect.succeedNone
      const text = Redacted.value(token.value)
      if (text.length < MIN_METRICS_TOKEN || /\s/.test(text)) {
        return Effect.fail(
          new Errors.InvalidInput({
            field,
            reason: `a metrics token is ${MIN_METRICS_TOKEN} characters or more, without spaces`
          })
        )
      }
      return Effect.succeed(token)
    }
  )

/** `--trust-proxy`, else `DT_TRUST_PROXY`, else none; a bad value is refused in one sentence (exit 2). */
const trustedProxies = (
  flag: Option.Option<string>,
  parse: (text: string) => Either.Either<ClientAddress.TrustProxy, string>
): Effect.Effect<ClientAddress.TrustProxy, Errors.InvalidInput> =>
  Effect.flatMap(variable("DT_TRUST_PROXY"), (fromEnvironment) => {
    const [field, text] = Option.match(flag, {
      onNone: () => ["DT_TRUST_PROXY", Option.getOrElse(fromEnvironment, () => "")] as const,
      onSome: (value) => ["--trust-proxy", value] as const
    })
    if (Option.isNone(flag) && text === "") return Effect.succeed(false)
    return Either.match(parse(text), {
      onLeft: (reason) => Effect.fail(new Errors.InvalidInput({ field, reason })),
      onRight: Effect.succeed
    })
  })

/**
 * Creates the admin group and `admin` in an empty store; returns the password to print, if one was generated. Another
 * instance that set the store up first (instances started together) leaves nothing to do.
 */
const bootstrapIfEmpty = Effect.gen(function* () {
  const directory = yield* Directory.Directory
  // Read first, so that a store already set up costs no password hash at start.
  if (!(yield* directory.read((tx) => tx.isEmpty))) return undefined
  const given = Option.getOrUndefined(yield* variable("DT_ADMIN_PASSWORD"))
  const password = given === undefined ? randomBytes(18).toString("base64url") : given
  const users = yield* Users.Users
  const created = yield* users.bootstrapIfEmpty({ username: "admin", firstName: "Administrator", password })
  return Option.isSome(created) ? { password, generated: given === undefined } : undefined
})

/** A host as it goes in a URL or before `:port` (an IPv6 address in brackets). */
const urlHost = (host: string) => (host.includes(":") ? `[${host}]` : host)

/** Why the server could not listen, in one sentence naming the address. */
const listenProblem = (host: string, port: number, cause: unknown): string => {
  const where = `${urlHost(host)}:${port}`
  const code = typeof cause === "object" && cause !== null ? (cause as { code?: unknown }).code : undefined
  switch (code) {
    case "EADDRINUSE":
      return `cannot serve on ${where}: the address is already in use (another server?); pick another --port.`
    case "EACCES":
      return `cannot serve on ${where}: permission denied (ports below 1024 need privileges); pick another --port.`
    case "EADDRNOTAVAIL":
      return `cannot serve on ${where}: this machine has no such address; pick another --host.`
    default:
      return `cannot serve on ${where}: ${cause instanceof Error ? cause.message : String(cause)}.`
  }
}

/** The settings a `--config` file may hold, by their flags' names, each with the variable it stands for. */
const fileSettings: Readonly<Record<string, ConfigFile.Setting>> = {
  database: { variable: "DT_DATABASE_URL", kind: { type: "text" } },
  "read-database": { variable: "DT_READ_DATABASE_URL", kind: { type: "text" } },
  host: { variable: "DT_HOST", kind: { type: "text" } },
  "secure-cookies": { variable: "DT_SECURE_COOKIES", kind: { type: "boolean" } },
  "trust-proxy": { variable: "DT_TRUST_PROXY", kind: { type: "text" } },
  "metrics-token": { variable: "DT_METRICS_TOKEN", kind: { type: "text" } },
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
      replicaMaxLag
    ].map(({ spec }) => [spec.name, { variable: spec.variable, kind: { type: "whole", ...spec.bounds } }])
  )
}

/** `--secure-cookies`, else `DT_SECURE_COOKIES` (`true` or `false`), else off; another value is refused (exit 2). */
const secureCookiesOf = (flag: boolean): Effect.Effect<boolean, Errors.InvalidInput> =>
  flag
    ? Effect.succeed(true)
    : Effect.flatMap(variable("DT_SECURE_COOKIES"), (value) => {
        const text = Option.getOrElse(value, () => "false").trim()
        return text === "true" || text === "false"
          ? Effect.succeed(text === "true")
          : new Errors.InvalidInput({
              field: "DT_SECURE_COOKIES",
              reason: `it is true or false, not '${text.slice(0, 20)}'`
            })
      })

/**
 * Runs `body` with the settings of the `--config` file (else `DT_CONFIG`'s) below the environment's, when one is
 * given; the file is read and checked first.
 */
const withConfigFile = <A, E, R>(flag: Option.Option<string>, body: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const path = Option.isSome(flag) ? flag : yield* variable("DT_CONFIG")
    if (Option.isNone(path)) return yield* body
    const ConfigFileModule = yield* Effect.promise(() => import("../ConfigFile.js"))
    const fromFile = yield* ConfigFileModule.read(path.value, fileSettings)
    return yield* Effect.configProviderWith((current) =>
      Effect.withConfigProvider(
        body,
        ConfigProvider.orElse(current, () => fromFile)
      )
    )
  })

const options = {
  config: configFile,
  database: Flags.database,
  port: port.option,
  host,
  secureCookies,
  trustProxy,
  gracePeriod: gracePeriod.option,
  importLimit: importLimit.option,
  noMigrate,
  readDatabase,
  replicaMaxLag: replicaMaxLag.option,
  metricsToken,
  poolSize: poolSize.option,
  sessionLifetime: sessionLifetime.option,
  throttleUserFailures: throttleUserFailures.option,
  throttleAddressFailures: throttleAddressFailures.option,
  throttleWindow: throttleWindow.option
}

/**
 * `dt serve`.
 *
 * @category commands
 * @since 0.1.0
 */
export const serve = Command.make("serve", options, (flags) =>
  withConfigFile(
    flags.config,
    Effect.scoped(
      Effect.gen(function* () {
        const { ClientAddress, Server } = yield* server
        // Checked before the store is opened: a bad value leaves nothing behind.
        const listenPort = yield* port.value(flags.port)
        const listenHost = Option.getOrElse(
          Option.isSome(flags.host) ? flags.host : yield* variable("DT_HOST"),
          () => "127.0.0.1"
        )
        const secure = yield* secureCookiesOf(flags.secureCookies)
        const grace = yield* gracePeriod.value(flags.gracePeriod)
        const importMiB = yield* importLimit.value(flags.importLimit)
        const proxies = yield* trustedProxies(flags.trustProxy, ClientAddress.parseTrustProxy)
        const token = yield* metricsTokenOf(flags.metricsToken)
        const pool = yield* poolSize.resolve(flags.poolSize)
        const lifetime = yield* sessionLifetime.resolve(flags.sessionLifetime)
        const throttle = {
          ...given("maxFailuresPerUserAddress", yield* throttleUserFailures.resolve(flags.throttleUserFailures)),
          ...given("maxFailuresPerAddress", yield* throttleAddressFailures.resolve(flags.throttleAddressFailures)),
          ...given(
            "windowMillis",
            Option.map(yield* throttleWindow.resolve(flags.throttleWindow), (minutes) => minutes * 60_000)
          )
        }
        const maxLag = yield* replicaMaxLag.resolve(flags.replicaMaxLag)
        const url = yield* databaseUrl(flags.database)
        const replicaUrl = Option.isSome(flags.readDatabase)
          ? flags.readDatabase
          : yield* variable("DT_READ_DATABASE_URL")
        const store = yield* Store.open(url, flags.noMigrate ? "existing" : "create", {
          poolSize: Option.getOrUndefined(pool),
          replica: Option.getOrUndefined(
            Option.map(replicaUrl, (replica) => ({
              url: replica,
              maxLagMs: Option.getOrElse(maxLag, () => REPLICA_MAX_LAG_SECONDS) * 1000
            }))
          )
        })
        if (!flags.noMigrate) yield* store.migrate
        const replica = store.replica
        const context = yield* Layer.build(store.layer)
        const admin = yield* Effect.provide(bootstrapIfEmpty, context)
        if (admin !== undefined) {
          yield* note("The store was empty: created the group 'admins' and its administrator 'admin'.")
          if (admin.generated) {
            yield* Console.log(`admin password (shown once, not stored anywhere readable): ${admin.password}`)
          }
        }
        yield* Effect.provide(warnIfNoAdministrator, context)
        // Added before the server, so that it runs after the server has closed, every request in flight answered (or
        // cut after the grace period, with a warning): a stop asked for by SIGINT or SIGTERM is a success.
        yield* Effect.addFinalizer((exit) =>
          Exit.isInterrupted(exit)
            ? Effect.zipRight(
                Effect.sync(() => {
                  process.exitCode = 0
                }),
                note("Stopped.")
              )
            : Effect.void
        )
        const running = yield* Layer.build(
          Server.node({
            port: listenPort,
            host: listenHost,
            // dt prints warnings and errors only (bin.ts), so HTTP's per-request log line would be dropped: not
            // running its middleware at all saves its spans and annotations on every request.
            log: false,
            page: { element },
            config: {
              secureCookies: secure,
              trustProxy: proxies,
              maxImportBytes: importMiB * 1024 * 1024,
              throttle,
              ...given("sessionTtl", Option.map(lifetime, Duration.minutes))
            },
            timeouts: { graceMs: grace * 1000 },
            readiness: store.readiness,
            // The replica's state is said beside the primary's readiness, never making the instance unready.
            ...(replica === undefined ? {} : { readyDetails: () => ({ replica: replica.describe() }) }),
            ...given(
              "metrics",
              Option.map(token, (value) => ({ token: value, pool: store.poolUse, reads: replica?.reads }))
            )
          }).pipe(Layer.provide(Layer.succeedContext(context)))
        ).pipe(
          Effect.mapError((error) =>
            error._tag === "ServeError" ? new Error(listenProblem(listenHost, listenPort, error.cause)) : error
          )
        )
        const address = Context.get(running, HttpServer.HttpServer).address
        const shownPort = address._tag === "TcpAddress" ? address.port : listenPort
        yield* Console.log(`Serving the User Manager at http://${urlHost(listenHost)}:${shownPort}/`)
        yield* note(`Stop with Ctrl-C (requests in flight get ${grace} s to finish; a second Ctrl-C stops at once).`)
        return yield* Effect.never
      })
    )
  )
).pipe(
  Command.withDescription(
    CommandTree.description(
      "Serve the HTTP API and the web page (on an empty store, creates the first administrator).",
      "dt serve --host 0.0.0.0 --port 8080 --database postgres://dt@db.example.com/dt",
      "dt serve --trust-proxy loopback --secure-cookies",
      "dt serve --config /etc/dt/serve.yaml"
    )
  )
)
