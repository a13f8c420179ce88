/**
 * The API token use cases: an administrator makes a token for a named client (its value shown once, only its hash
 * stored), lists the tokens and revokes one. A token acts with its scope's rights from the next operation on; a revoked
 * or expired one is refused by the next operation. Tokens are made and revoked by administrators signed in as
 * themselves: a token never manages tokens, so that a leaked one cannot make itself a successor.
 *
 * @since 0.2.0
 */
import { Clock, Context, Duration, Effect, Encoding, Layer, Option, Redacted } from "effect"
import * as Actor from "./Actor.js"
import { ApiToken, DEFAULT_TOKEN_TTL, isApiToken, MAX_TOKEN_TTL, NewApiToken, TOKEN_PREFIX } from "./ApiToken.js"
import { type ApiTokenRow, Directory } from "./Directory.js"
import { DirectoryConfig } from "./DirectoryConfig.js"
import { Forbidden, InvalidInput, TokenNotFound } from "./Errors.js"
import { decodeInput } from "./internal/decode.js"
import { adminWriter, asAdmin, audit, type Operation } from "./internal/operation.js"
import { TokenName } from "./Names.js"
import { hashToken, TOKEN_BYTES } from "./Sessions.js"

/**
 * A new token: its value, shown to its maker once and never stored, and the token as listed.
 *
 * @category models
 * @since 0.2.0
 */
export interface CreatedApiToken {
  readonly token: Redacted.Redacted<string>
  readonly apiToken: ApiToken
}

/**
 * How often, at most, a token's last use is written: once a minute per token and process (a token used by every
 * request of a sync would otherwise make each read a write).
 *
 * @category constants
 * @since 0.2.0
 */
export const LAST_USED_RESOLUTION: Duration.Duration = Duration.minutes(1)

/**
 * The actor of whoever holds an API token, sent to `channel` (`api`, the default: the HTTP API and the SDK; `scim`: the
 * SCIM endpoints). Nothing is looked up here: each operation checks the token, its scope and the channel in its own
 * transaction, so that a revoked one is refused by the next operation.
 *
 * @category constructors
 * @since 0.2.0
 */
export const actor = (token: Redacted.Redacted<string>, channel: "api" | "scim" = "api"): Actor.Actor =>
  Actor.Actor.Token({ tokenHash: hashToken(token), channel })

const newValue = Effect.sync(() => {
  const bytes = new Uint8Array(TOKEN_BYTES)
  globalThis.crypto.getRandomValues(bytes)
  return Redacted.make(`${TOKEN_PREFIX}${Encoding.encodeBase64Url(bytes)}`)
})

const decodeNew = decodeInput(NewApiToken)
const decodeName = decodeInput(TokenName, "token name")

/** A stored token as listed: every field but the hash of its value. */
const toApiToken = ({ tokenHash: _hash, ...fields }: ApiTokenRow): ApiToken => ApiToken.make(fields)

/** Refuses an operation run by a token: only administrators signed in as themselves manage tokens. */
const byUser = (op: Operation, action: string) =>
  op.actor.token === undefined
    ? Effect.succeed(op)
    : Effect.fail(new Forbidden({ actor: op.actor.username, action, reason: { _tag: "TokensByUsersOnly" } }))

const make = Effect.gen(function* () {
  const directory = yield* Directory
  const config = yield* DirectoryConfig
  const write = adminWriter(directory, config)
  /** When each token's last use was last written by this process, by token hash. */
  const lastWritten = new Map<string, number>()

  const create = Effect.fn("Tokens.create")(function* (actor: Actor.Actor, input: NewApiToken) {
    const wanted = yield* decodeNew(input)
    const value = yield* newValue
    const now = yield* Clock.currentTimeMillis
    const expiresAt =
      wanted.expiresAt === undefined
        ? new Date(now + Duration.toMillis(DEFAULT_TOKEN_TTL))
        : wanted.expiresAt === null
          ? null
          : wanted.expiresAt
    if (expiresAt !== null && expiresAt.getTime() <= now) {
      return yield* new InvalidInput({ field: "expiresAt", reason: "a token must expire in the future" })
    }
    if (expiresAt !== null && expiresAt.getTime() > now + Duration.toMillis(MAX_TOKEN_TTL)) {
      return yield* new InvalidInput({
        field: "expiresAt",
        reason: "a token lasts at most 5 years (ask for one that never expires instead, if that is what you want)"
      })
    }
    const action = `create API token '${wanted.name}'`
    const row = yield* write(actor, action, (op) =>
      Effect.gen(function* () {
        yield* byUser(op, action)
        const row = {
          name: wanted.name,
          tokenHash: hashToken(value),
          scope: wanted.scope,
          createdBy: op.actor.username,
          createdAt: op.now,
          expiresAt,
          lastUsedAt: null
        }
        yield* op.tx.insertApiToken(row)
        yield* audit(
          op,
          "token.create",
          { type: "token", name: wanted.name },
          { scope: wanted.scope, expiresAt: expiresAt?.toISOString() ?? null }
        )
        return row
      })
    )
    return { token: value, apiToken: toApiToken(row) } satisfies CreatedApiToken
  })

  const list = Effect.fn("Tokens.list")(function* (actor: Actor.Actor) {
    const rows = yield* directory.read((tx) =>
      asAdmin(tx, config, actor, "list API tokens", "read").pipe(Effect.flatMap(() => tx.listApiTokens()))
    )
    return rows.map(toApiToken)
  })

  const revoke = Effect.fn("Tokens.revoke")(function* (actor: Actor.Actor, name: string) {
    const tokenName = yield* decodeName(name)
    const action = `revoke API token '${tokenName}'`
    yield* write(actor, action, (op) =>
      Effect.gen(function* () {
        yield* byUser(op, action)
        if (!(yield* op.tx.deleteApiToken(tokenName))) return yield* new TokenNotFound({ name: tokenName })
        yield* audit(op, "token.revoke", { type: "token", name: tokenName }, {})
      })
    )
  })

  const noteUse = Effect.fn("Tokens.noteUse")(function* (token: Redacted.Redacted<string>) {
    if (!isApiToken(token)) return
    const tokenHash = hashToken(token)
    const now = yield* Clock.currentTimeMillis
    const last = lastWritten.get(tokenHash)
    if (last !== undefined && now - last < Duration.toMillis(LAST_USED_RESOLUTION)) return
    // Only a token that exists is remembered and touched: values made up by a stranger leave nothing behind.
    const known = yield* directory.read((tx) => tx.findApiToken(tokenHash))
    if (Option.isNone(known)) return
    lastWritten.set(tokenHash, now)
    yield* directory.write((tx) => tx.touchApiToken(tokenHash, new Date(now)))
  })

  return {
    /**
     * Makes a token for a named client (administrators signed in as themselves; audited): its value is in the answer
     * only. `expiresAt` left out: in `DEFAULT_TOKEN_TTL`; `null`: never; at most `MAX_TOKEN_TTL` away.
     */
    create,
    /** Every token, by name, without values (administrators and tokens that may read). */
    list,
    /** Revokes a token: the next operation it is sent with is refused (administrators signed in as themselves). */
    revoke,
    /**
     * Records that a token was used now, at most once a `LAST_USED_RESOLUTION` per token in this process: what a
     * server calls for each request that carries one (after the request's own operation checked it).
     */
    noteUse
  }
})

/**
 * The API token use cases.
 *
 * @category services
 * @since 0.2.0
 */
export class Tokens extends Context.Tag("@user-manager/core/Tokens")<Tokens, Effect.Effect.Success<typeof make>>() {
  /** The service over a `Directory` and the `DirectoryConfig`. */
  static readonly layer = Layer.effect(this, make)
}
