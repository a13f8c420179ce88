/**
 * The settings of a directory: the admin group, the GID allocation range and the password policy. A directory stores
 * its own (`Settings`), read by every operation; this layer gives the settings a new directory starts with (stored by
 * `Users.bootstrap`) and those of a directory that has none stored yet (set up before they were stored).
 *
 * @since 0.1.0
 */
import { Context, Layer } from "effect"
import { DEFAULT_MIN_PASSWORD_LENGTH } from "./Password.js"

/**
 * The directory's settings; every field has the default of `DirectoryConfig.defaults`.
 *
 * @category models
 * @since 0.1.0
 */
export interface DirectoryConfigShape {
  /** The group whose enabled members are administrators (default `admins`). */
  readonly adminGroup: string
  /** The first GID the allocator hands out (default 1000, like `GID_MIN`). */
  readonly gidMin: number
  /** The last GID the allocator hands out (default 60000, like `GID_MAX`). */
  readonly gidMax: number
  /** The shortest password accepted (default 8). */
  readonly minPasswordLength: number
}

/**
 * The host's settings for a directory that has none stored, with defaults when no layer provides them.
 *
 * @category services
 * @since 0.1.0
 */
export class DirectoryConfig extends Context.Reference<DirectoryConfig>()("@user-manager/core/DirectoryConfig", {
  defaultValue: (): DirectoryConfigShape => ({
    adminGroup: "admins",
    gidMin: 1000,
    gidMax: 60000,
    minPasswordLength: DEFAULT_MIN_PASSWORD_LENGTH
  })
}) {
  /** Settings that override some defaults. */
  static readonly layer = (overrides: Partial<DirectoryConfigShape>) =>
    Layer.succeed(DirectoryConfig, { ...DirectoryConfig.defaultValue(), ...overrides })
}
