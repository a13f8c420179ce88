import { Effect, Redacted } from "effect"
import { InvalidInput, type StorageError } from "../../Errors.js"
import { type ImportEntry, ImportGids, ImportGroup, ImportUser } from "../../ImportRecord.js"
import { checkPolicy, type PasswordHash } from "../../Password.js"
import { schemeOf, UNVERIFIABLE_SCHEMES } from "../../PasswordHashScheme.js"
import { decodeInput } from "../decode.js"
import type { UserServices } from "../users/rules.js"

/** A user record decoded, its password (if any) checked and hashed. */
export interface PreparedUser {
  readonly kind: "user"
  readonly entry: ImportEntry
  readonly user: typeof ImportUser.Type
  /** The hash to store; `undefined` when the record brings no password (or one this directory cannot check). */
  readonly passwordHash: PasswordHash | undefined
  /** Whether the record's hash is of a scheme nobody can check here (yescrypt): the user gets no password. */
  readonly unverifiable: boolean
}

/** An entry ready for the transaction: decoded and hashed, or refused already with its reason. */
export type Prepared =
  | PreparedUser
  | { readonly kind: "group"; readonly entry: ImportEntry; readonly group: typeof ImportGroup.Type }
  | { readonly kind: "gids"; readonly entry: ImportEntry; readonly gids: typeof ImportGids.Type }
  | { readonly kind: "refused"; readonly entry: ImportEntry; readonly reason: string }

const decodeUser = decodeInput(ImportUser)
const decodeGroup = decodeInput(ImportGroup)
const decodeGids = decodeInput(ImportGids)

/** What the hash of a dry run stands for: a dry run checks every password but hashes none (it stores nothing). */
const NOT_HASHED: PasswordHash = Redacted.make("")

/**
 * Decodes an entry and, for a user with a plain password, checks the policy and hashes it: the slow part, which runs
 * before the batch's transaction (and in parallel with the others of its batch). A refusal becomes a refused entry.
 */
export const prepare = (
  services: UserServices,
  entry: ImportEntry,
  dryRun: boolean
): Effect.Effect<Prepared, StorageError> => {
  const refused = (error: { readonly message: string }) =>
    Effect.succeed<Prepared>({ kind: "refused", entry, reason: error.message })
  switch (entry.kind) {
    case "malformed":
      return Effect.succeed({ kind: "refused", entry, reason: sentence(entry.reason) })
    case "group":
      return decodeGroup(entry.record).pipe(
        Effect.map((group): Prepared => ({ kind: "group", entry, group })),
        Effect.catchTag("InvalidInput", refused)
      )
    case "gids":
      return decodeGids(entry.record).pipe(
        Effect.map((gids): Prepared => ({ kind: "gids", entry, gids })),
        Effect.catchTag("InvalidInput", refused)
      )
    case "user":
      return Effect.gen(function* () {
        const user = yield* decodeUser(entry.record)
        if (user.password !== undefined && user.passwordHash !== undefined) {
          return yield* new InvalidInput({ field: "password", reason: "give a password or a passwordHash, not both" })
        }
        if (user.system === true && (user.password !== undefined || user.passwordHash !== undefined)) {
          return yield* new InvalidInput({
            field: user.password === undefined ? "passwordHash" : "password",
            reason: "a system user holds no password or hash, since system users never sign in"
          })
        }
        if (user.passwordHash !== undefined) {
          const scheme = schemeOf(Redacted.value(user.passwordHash))
          const unverifiable = scheme !== undefined && UNVERIFIABLE_SCHEMES.includes(scheme)
          return {
            kind: "user",
            entry,
            user,
            passwordHash: unverifiable ? undefined : user.passwordHash,
            unverifiable
          } satisfies PreparedUser
        }
        if (user.password === undefined) {
          return { kind: "user", entry, user, passwordHash: undefined, unverifiable: false } satisfies PreparedUser
        }
        yield* checkPolicy(user.password, { username: user.username, minLength: services.config.minPasswordLength })
        const passwordHash = dryRun ? NOT_HASHED : yield* services.hasher.hash(user.password)
        return { kind: "user", entry, user, passwordHash, unverifiable: false } satisfies PreparedUser
      }).pipe(Effect.catchTag("InvalidInput", refused))
  }
}

/** A reader's reason as one sentence: capitalised, with its full stop. */
export const sentence = (reason: string): string => {
  const trimmed = reason.trim()
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1)
  return /[.!?]$/.test(capital) ? capital : `${capital}.`
}
