/**
 * `dt serve`: the HTTP API and the sign-in page over a store, migrated first (unless `--no-migrate`); on an empty store,
 * the `admins` group and an `admin` user whose generated password is printed once.
 *
 * @since 0.1.0
 */
import { randomBytes } from "node:crypto"
import { Command, Options } from "@effect/cli"
import * as HttpServer from "@effect/platform/HttpServer"
import { Directory, Errors, Page, Provisioning, Users } from "@user-manager/core"
import type { ClientAddress } from "@user-manager/server"
import { ConfigProvider, Console, Context, Duration, Effect, Either, Exit, Layer, Option, Redacted } from "effect"
import * as CommandTree from "../CommandTree.js"
import { databaseUrl, variable } from "../Environment.js"
import * as Flags from "../Flags.js"
import { note, warnIfNoAdministrator } from "../Session.js"
import * as Store from "../Store.js"
import * as ServeSettings from "./serveSettings.js"

// The server code loads only for this command, so that every other command starts as fast as before.
const server = Effect.promise(() => import("@user-manager/server"))

// The <user-manager> bundle and its language catalogs, embedded as text by build.mjs; absent when this file runs
// unbundled.
declare const DT_USER_MANAGER_JS: string | undefined
declare const DT_USER_MANAGER_CATALOGS: Readonly<Record<string, string>> | undefined
const element = typeof DT_USER_MANAGER_JS === "string" ? DT_USER_MANAGER_JS : undefined
const catalogs = typeof DT_USER_MANAGER_CATALOGS === "object" ? DT_USER_MANAGER_CATALOGS : undefined

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

const trustProxy = Options.text("trust-proxy").pipe(
  Options.withPseudoName("PROXIES"),
  Options.withDescription(
    "take the client's address from X-Forwarded-For/Forwarded set by these proxies: their addresses or CIDR ranges, " +
      "comma-separated (also loopback, linklocal, uniquelocal), or how many there are (default: $DT_TRUST_PROXY, else none)"
  ),
  Options.optional
)

const scimDefaultGroup = Options.text("scim-default-group").pipe(
  Options.withPseudoName("GROUP"),
  Options.withDescription(
    "the group a user created by an identity provider (SCIM) with no group is put in, created if missing; none: " +
      "refuse such a user (default: $DT_SCIM_DEFAULT_GROUP, else users)"
  ),
  Options.optional
)

const scimDelete = Options.text("scim-delete").pipe(
  Options.withPseudoName("remove|disable"),
  Options.withDescription(
    "what an identity provider's DELETE of a user does (SCIM): remove it, or disable it and keep the record " +
      "(default: $DT_SCIM_DELETE, else remove)"
  ),
  Options.optional
)

/** `--scim-default-group` and `--scim-delete`, else their variables: the core's provisioning settings given. */
const provisioningOf = (
  group: Option.Option<string>,
  onDelete: Option.Option<string>
): Effect.Effect<Partial<Provisioning.ProvisioningOptions>, Errors.InvalidInput> =>
  Effect.gen(function* () {
    const [groupField, groupText] = Option.isSome(group)
      ? (["--scim-default-group", group] as const)
      : (["DT_SCIM_DEFAULT_GROUP", yield* variable("DT_SCIM_DEFAULT_GROUP")] as const)
    // A group that could never be created is refused now, not at each user an identity provider sends without one.
    if (Option.isSome(groupText) && groupText.value !== "none") {
      yield* Provisioning.checkDefaultGroup(groupText.value, groupField)
    }
    const [field, deleteText] = Option.isSome(onDelete)
      ? (["--scim-delete", onDelete] as const)
      : (["DT_SCIM_DELETE", yield* variable("DT_SCIM_DELETE")] as const)
    if (Option.isSome(deleteText) && deleteText.value !== "remove" && deleteText.value !== "disable") {
      return yield* new Errors.InvalidInput({ field, reason: "it is remove or disable" })
    }
    return {
      ...given(
        "defaultGroup",
        Option.map(groupText, (name) => (name === "none" ? null : name))
      ),
      ...given("onDelete", deleteText as Option.Option<"remove" | "disable">)
    }
  })

/** `{ [key]: value }` when there is a value, else nothing: the settings given, to spread over the defaults. */
const given = <K extends string, A>(key: K, value: Option.Option<A>): Partial<Record<K, A>> =>
  Option.match(value, { onNone: () => ({}), onSome: (a) => ({ [key]: a }) as Record<K, A> })

const readDatabase = Options.text("read-database").pipe(
  Options.withPseudoName("URL"),
  Options.withDescription(
    "a streaming replica of the PostgreSQL database (postgres://…) to answer lists, searches and reads; sign-ins, " +
      "sessions, rights and writes stay on --database, and a lagging or lost replica leaves every read to it " +
      "(default: $DT_READ_DATABASE_URL, else none)"
  ),
  Options.optional
)

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
    const fromFile = yield* ConfigFileModule.read(path.value, ServeSettings.fileSettings)
    return yield* Effect.configProviderWith((current) =>
      Effect.withConfigProvider(
        body,
        ConfigProvider.orElse(current, () => fromFile)
      )
    )
  })

const options = {
  config: ServeSettings.configFile,
  database: Flags.database,
  port: ServeSettings.port.option,
  host,
  secureCookies,
  trustProxy,
  gracePeriod: ServeSettings.gracePeriod.option,
  importLimit: ServeSettings.importLimit.option,
  noMigrate,
  readDatabase,
  replicaMaxLag: ServeSettings.replicaMaxLag.option,
  metricsToken,
  poolSize: ServeSettings.poolSize.option,
  sessionLifetime: ServeSettings.sessionLifetime.option,
  throttleUserFailures: ServeSettings.throttleUserFailures.option,
  throttleAddressFailures: ServeSettings.throttleAddressFailures.option,
  throttleWindow: ServeSettings.throttleWindow.option,
  exactTotalLimit: ServeSettings.exactTotalLimit.option,
  scimDefaultGroup,
  scimDelete
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
        const listenPort = yield* ServeSettings.port.value(flags.port)
        const listenHost = Option.getOrElse(
          Option.isSome(flags.host) ? flags.host : yield* variable("DT_HOST"),
          () => "127.0.0.1"
        )
        const secure = yield* secureCookiesOf(flags.secureCookies)
        const grace = yield* ServeSettings.gracePeriod.value(flags.gracePeriod)
        const importMiB = yield* ServeSettings.importLimit.value(flags.importLimit)
        const proxies = yield* trustedProxies(flags.trustProxy, ClientAddress.parseTrustProxy)
        const token = yield* metricsTokenOf(flags.metricsToken)
        const pool = yield* ServeSettings.poolSize.resolve(flags.poolSize)
        const lifetime = yield* ServeSettings.sessionLifetime.resolve(flags.sessionLifetime)
        const throttle = {
          ...given(
            "maxFailuresPerUserAddress",
            yield* ServeSettings.throttleUserFailures.resolve(flags.throttleUserFailures)
          ),
          ...given(
            "maxFailuresPerAddress",
            yield* ServeSettings.throttleAddressFailures.resolve(flags.throttleAddressFailures)
          ),
          ...given(
            "windowMillis",
            Option.map(yield* ServeSettings.throttleWindow.resolve(flags.throttleWindow), (minutes) => minutes * 60_000)
          )
        }
        const maxLag = yield* ServeSettings.replicaMaxLag.resolve(flags.replicaMaxLag)
        const countLimit = yield* ServeSettings.exactTotalLimit.value(flags.exactTotalLimit)
        const provisioning = yield* provisioningOf(flags.scimDefaultGroup, flags.scimDelete)
        const url = yield* databaseUrl(flags.database)
        const replicaUrl = Option.isSome(flags.readDatabase)
          ? flags.readDatabase
          : yield* variable("DT_READ_DATABASE_URL")
        const store = yield* Store.open(url, flags.noMigrate ? "existing" : "create", {
          poolSize: Option.getOrUndefined(pool),
          provisioning,
          replica: Option.getOrUndefined(
            Option.map(replicaUrl, (replica) => ({
              url: replica,
              maxLagMs: Option.getOrElse(maxLag, () => ServeSettings.REPLICA_MAX_LAG_SECONDS) * 1000
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
            page: { element, catalogs },
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
          }).pipe(Layer.provide(Layer.succeedContext(Context.add(context, Page.ExactTotalLimit, countLimit))))
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
