import { Effect, Option } from "effect"
import type { Directory, UserRow } from "../../Directory.js"
import type { DirectoryConfigShape } from "../../DirectoryConfig.js"
import { EmailTaken, type InvalidInput, type StorageError, UsernameTaken } from "../../Errors.js"
import { checkPolicy, type Password, type PasswordHash } from "../../Password.js"
import type { PasswordHasher } from "../../PasswordHasher.js"
import type { CreateUser } from "../../User.js"
import { auditEntry, getGroupRows, nextGroupRow, type Operation } from "../operation.js"

/** What the user use cases are built over: the store, the password hasher and the directory's settings. */
export interface UserServices {
  readonly directory: Directory["Type"]
  readonly hasher: PasswordHasher["Type"]
  readonly config: DirectoryConfigShape
}

/**
 * A new password checked against the policy of `settings` (read in an earlier transaction), then hashed: the slow part,
 * so it runs outside any transaction. The write that stores the hash checks the policy again (`ensurePolicy`).
 */
export const hashNewPassword = (
  { hasher }: Pick<UserServices, "hasher">,
  password: Password | undefined,
  username: string,
  settings: Pick<DirectoryConfigShape, "minPasswordLength">
): Effect.Effect<PasswordHash | null, InvalidInput | StorageError> =>
  password === undefined
    ? Effect.succeed(null)
    : checkPolicy(password, { username, minLength: settings.minPasswordLength }).pipe(
        Effect.zipRight(hasher.hash(password))
      )

/**
 * The password policy checked again in the write that stores a new password's hash, on the settings read there: the
 * minimum length may have changed since the password was hashed.
 */
export const ensurePolicy = (op: Operation, password: Password | undefined, username: string) =>
  password === undefined ? Effect.void : checkPolicy(password, { username, minLength: op.config.minPasswordLength })

/** Invariant 3 for emails: refuses an email (compared case-insensitively by the store) that a user other than `owner` has. */
export const ensureEmailFree = (op: Operation, email: string | null, owner: string | null) =>
  email === null
    ? Effect.void
    : op.tx
        .findUsernameByEmail(email)
        .pipe(
          Effect.flatMap((found) =>
            Option.isSome(found) && found.value !== owner
              ? new EmailTaken({ email, username: found.value })
              : Effect.void
          )
        )

/** The row of a new user, as `create` and `bootstrap` store it. */
export const newUserRow = (
  user: Pick<typeof CreateUser.Type, "username" | "firstName" | "lastName" | "email" | "system"> &
    Partial<Pick<typeof CreateUser.Type, "externalId" | "externalName">>,
  passwordHash: PasswordHash | null,
  now: Date
): UserRow => ({
  username: user.username,
  firstName: user.firstName ?? "",
  lastName: user.lastName ?? "",
  email: user.email ?? null,
  externalId: user.externalId ?? null,
  externalName: user.externalName ?? null,
  enabled: true,
  system: user.system ?? false,
  passwordHash,
  createdAt: now,
  updatedAt: now,
  version: 1
})

/**
 * The audit entry of a new user, as `create` and an import write it: its fields, its groups and whether it holds a
 * password (never the hash).
 */
export const userCreatedEntry = (op: Operation, row: UserRow, groupNames: ReadonlyArray<string>) =>
  auditEntry(
    op,
    "user.create",
    { type: "user", name: row.username },
    {
      firstName: row.firstName,
      lastName: row.lastName,
      email: row.email,
      ...(row.externalId === null ? {} : { externalId: row.externalId }),
      ...(row.externalName === null ? {} : { externalName: row.externalName }),
      system: row.system,
      ...(row.enabled ? {} : { enabled: false }),
      groups: groupNames,
      ...(row.passwordHash === null ? {} : { password: "set" })
    },
    groupNames
  )

/**
 * Adds a new user to existing groups, in one transaction: refuses a taken username or email (before the groups are
 * read, so that a taken name is reported first), locks the groups' rows, stores the user and its memberships, and
 * gives each group a new version. The caller writes the audit entry.
 */
export const insertUser = (op: Operation, row: UserRow, groupNames: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    if (Option.isSome(yield* op.tx.findUser(row.username))) {
      return yield* new UsernameTaken({ username: row.username })
    }
    yield* ensureEmailFree(op, row.email, null)
    // Each group (read and locked) gets its new version with its new member, in the same write.
    const groups = yield* getGroupRows(op.tx, groupNames, true)
    yield* op.tx.insertUser(
      row,
      groups.map((group) => nextGroupRow(op, group))
    )
  })
