/**
 * The DOM events `<user-manager>` fires after a change it made succeeded, and when its session has ended, so the host
 * can react. They bubble and cross shadow roots; `detail` is the record as the client returned it (for a deletion, its
 * name; for an import or a bulk action, its result; for the end of the session, the refusal's sentence).
 *
 * @since 0.1.0
 */
import type { ApiToken, BulkResult, Group, ImportResult, User } from "./Client.js"

/**
 * The names of the events and what each carries.
 *
 * @category events
 * @since 0.1.0
 */
export interface UserManagerEventDetails {
  "user-created": User
  "user-updated": User
  "user-deleted": { readonly username: string }
  "group-created": Group
  "group-updated": Group
  "group-deleted": { readonly name: string }
  "users-imported": ImportResult
  "groups-imported": ImportResult
  "users-changed": BulkResult
  /** An API token was made; `detail` is the token as listed, never its value. */
  "token-created": ApiToken
  "token-revoked": { readonly name: string }
  /**
   * Nobody is signed in any more (a list or change was refused with `Unauthenticated`): the host shows its sign-in and
   * then calls the element's `resume()`. `detail` is the refusal's sentence.
   */
  "session-expired": { readonly message: string }
}

/**
 * One change made through the element.
 *
 * @category events
 * @since 0.1.0
 */
export class UserManagerChangeEvent<K extends keyof UserManagerEventDetails> extends Event {
  constructor(
    type: K,
    readonly detail: UserManagerEventDetails[K]
  ) {
    super(type, { bubbles: true, composed: true })
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    "user-created": UserManagerChangeEvent<"user-created">
    "user-updated": UserManagerChangeEvent<"user-updated">
    "user-deleted": UserManagerChangeEvent<"user-deleted">
    "group-created": UserManagerChangeEvent<"group-created">
    "group-updated": UserManagerChangeEvent<"group-updated">
    "group-deleted": UserManagerChangeEvent<"group-deleted">
    "users-imported": UserManagerChangeEvent<"users-imported">
    "groups-imported": UserManagerChangeEvent<"groups-imported">
    "users-changed": UserManagerChangeEvent<"users-changed">
    "token-created": UserManagerChangeEvent<"token-created">
    "token-revoked": UserManagerChangeEvent<"token-revoked">
    "session-expired": UserManagerChangeEvent<"session-expired">
  }
}
