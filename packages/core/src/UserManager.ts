/**
 * The whole manager in one place: a layer of every service for Effect programs, and a Promise facade for hosts that
 * do not use Effect.
 *
 * @since 0.1.0
 */
import { Cause, Effect, Exit, Layer, ManagedRuntime, Runtime, Stream } from "effect"
import { Audit } from "./Audit.js"
import type { Directory } from "./Directory.js"
import { DirectoryConfig, type DirectoryConfigShape } from "./DirectoryConfig.js"
import { Exports } from "./Exports.js"
import { Groups } from "./Groups.js"
import { Imports } from "./Imports.js"
import { DEFAULT_EXACT_TOTAL_LIMIT, ExactTotalLimit } from "./Page.js"
import type { PasswordHasher } from "./PasswordHasher.js"
import { Provisioning, ProvisioningConfig, type ProvisioningOptions } from "./Provisioning.js"
import { Sessions } from "./Sessions.js"
import { Settings } from "./Settings.js"
import { SignInThrottle, ThrottleConfig, type ThrottleOptions } from "./SignInThrottle.js"
import { Tokens } from "./Tokens.js"
import { Users } from "./Users.js"

/**
 * What the manager is built from: a store, a password hasher, and settings that override the defaults.
 *
 * @category models
 * @since 0.1.0
 */
export interface Options<E = never> {
  readonly directory: Layer.Layer<Directory, E>
  readonly hasher: Layer.Layer<PasswordHasher, E>
  readonly config?: Partial<DirectoryConfigShape>
  /** The sign-in throttle's settings that override its defaults. */
  readonly throttle?: Partial<ThrottleOptions>
  /** How many matches a user list counts exactly (default 10,000; 0: every match): see `ExactTotalLimit`. */
  readonly exactTotalLimit?: number
  /** How identity providers' records are named, the default group and what removing one does: see `Provisioning`. */
  readonly provisioning?: Partial<ProvisioningOptions>
}

/**
 * Every service (`Users`, `Groups`, `Audit`, `Exports`, `Sessions`, `SignInThrottle`, `Imports`, `Settings`, `Tokens`) over the
 * given store and hasher; the store and the throttle's settings stay available too. `config` gives the settings a new
 * directory starts with (stored by `Users.bootstrap`) and those of a directory that has none stored yet.
 *
 * @category layers
 * @since 0.1.0
 */
export const layer = <E>(options: Options<E>) =>
  Layer.merge(Sessions.layer, Provisioning.layer).pipe(
    Layer.provideMerge(
      Layer.mergeAll(
        Users.layer,
        Groups.layer,
        Audit.layer,
        Exports.layer,
        SignInThrottle.layer,
        Imports.layer,
        Settings.layer,
        Tokens.layer
      )
    ),
    Layer.provideMerge(
      Layer.mergeAll(
        options.directory,
        options.hasher,
        DirectoryConfig.layer(options.config ?? {}),
        ThrottleConfig.layer(options.throttle ?? {}),
        ExactTotalLimit.layer(options.exactTotalLimit ?? DEFAULT_EXACT_TOTAL_LIMIT),
        ProvisioningConfig.layer(options.provisioning ?? {})
      )
    )
  )

// biome-ignore lint/suspicious/noExplicitAny: matches any service method, whatever its arguments
type Method = (...args: any) => Effect.Effect<unknown, unknown> | Stream.Stream<unknown, unknown>

/**
 * A service whose methods return Promises (or, for streams, async iterables); a refusal rejects with the same tagged
 * error (an `Error` carrying `_tag` and the error's fields).
 *
 * @category models
 * @since 0.1.0
 */
export type Promised<S> = {
  readonly [K in keyof S]: S[K] extends (...args: infer P) => Effect.Effect<infer A, infer _E>
    ? (...args: P) => Promise<A>
    : S[K] extends (...args: infer P) => Stream.Stream<infer A, infer _E>
      ? (...args: P) => AsyncIterable<A>
      : never
}

/**
 * The Promise facade: the same operations as the services, for hosts that do not use Effect.
 *
 * @category models
 * @since 0.1.0
 */
export interface UserManager {
  readonly users: Promised<Users["Type"]>
  readonly groups: Promised<Groups["Type"]>
  readonly audit: Promised<Audit["Type"]>
  /** Export: `users` and `groups` are async iterables, read page by page as they are consumed. */
  readonly exports: Promised<Exports["Type"]>
  readonly sessions: Promised<Sessions["Type"]>
  readonly signInThrottle: Promised<SignInThrottle["Type"]>
  /** Bulk import; its entries may be an async iterable. */
  readonly imports: Promised<Imports["Type"]>
  /** The directory-wide settings stored with the directory. */
  readonly settings: Promised<Settings["Type"]>
  /** API tokens for machines: make, list and revoke them. */
  readonly tokens: Promised<Tokens["Type"]>
  /** Closes the store (database connections) and anything else the manager opened. */
  readonly dispose: () => Promise<void>
}

/**
 * Builds the Promise facade. Every call runs in its own transaction; refusals reject with the tagged error itself,
 * so `error._tag === "UsernameTaken"` and `error.username` work as in Effect code.
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = <E>(options: Options<E>): UserManager => {
  type Services = Users | Groups | Audit | Exports | Sessions | SignInThrottle | Imports | Settings | Tokens
  const runtime = ManagedRuntime.make(layer(options))
  const run = <A>(effect: Effect.Effect<A, unknown, Services>): Promise<A> =>
    runtime.runPromiseExit(effect).then((exit) => {
      if (Exit.isSuccess(exit)) return exit.value
      const failure = Cause.failureOption(exit.cause)
      throw failure._tag === "Some" ? failure.value : Cause.squash(exit.cause)
    })
  /** The failure itself (a tagged error) rather than Effect's wrapper, as `run` rejects with. */
  const unwrap = (error: unknown) => {
    if (!Runtime.isFiberFailure(error)) return error
    const cause = error[Runtime.FiberFailureCauseId]
    const failure = Cause.failureOption(cause)
    return failure._tag === "Some" ? failure.value : Cause.squash(cause)
  }
  const iterate = <A>(stream: Stream.Stream<A, unknown, Services>): AsyncIterable<A> => ({
    async *[Symbol.asyncIterator](): AsyncGenerator<A> {
      const iterable = Stream.toAsyncIterableRuntime(stream, await runtime.runtime())
      try {
        yield* iterable
      } catch (error) {
        throw unwrap(error)
      }
    }
  })
  const promised = <I, S extends object>(tag: Effect.Effect<S, never, I>, streams: ReadonlyArray<keyof S> = []) =>
    new Proxy({} as Promised<S>, {
      get:
        (_target, name) =>
        (...args: ReadonlyArray<unknown>) => {
          const service = tag as unknown as Effect.Effect<S, never, Services>
          const call = (instance: S) => (instance[name as keyof S] as unknown as Method)(...args)
          // Streams are known by name: the service is only at hand inside the runtime.
          return name === "stream" || streams.includes(name as keyof S)
            ? iterate(
                Stream.unwrap(Effect.map(service, (instance) => call(instance) as Stream.Stream<unknown, unknown>))
              )
            : run(Effect.flatMap(service, (instance) => call(instance) as Effect.Effect<unknown, unknown>))
        }
    })
  return {
    users: promised(Users),
    groups: promised(Groups, ["memberStream"]),
    audit: promised(Audit),
    exports: promised(Exports, ["users", "groups"]),
    sessions: promised(Sessions),
    signInThrottle: promised(SignInThrottle),
    imports: promised(Imports),
    settings: promised(Settings),
    tokens: promised(Tokens),
    dispose: () => runtime.dispose()
  }
}
