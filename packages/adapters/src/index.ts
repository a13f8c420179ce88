/**
 * @since 0.1.0
 */
export * as Argon2Hasher from "./Argon2Hasher.js"
