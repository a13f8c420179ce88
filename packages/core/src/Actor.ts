/**
 * Who is asking: every operation runs on behalf of an actor.
 *
 * @since 0.1.0
 */
import { Data } from "effect"

/**
 * Nobody has signed in, a user by username, whoever holds a sign-in session (by the hash of its token), or whoever
 * holds an API token (by the hash of its value; see `ApiToken`); what each may do is decided by the services. A session
 * or token is checked by each operation in its own transaction, so that one ended a moment before is refused by the
 * next operation.
 *
 * @category models
 * @since 0.1.0
 */
export type Actor = Data.TaggedEnum<{
  Anonymous: {}
  User: { readonly username: string }
  Session: { readonly tokenHash: string }
  /** `channel`: the endpoints the token was sent to (`scim`: the SCIM server; `api`: everything else). */
  Token: { readonly tokenHash: string; readonly channel: "api" | "scim" }
}>

/**
 * Constructors and matchers for `Actor`.
 *
 * @category constructors
 * @since 0.1.0
 */
export const Actor = Data.taggedEnum<Actor>()

/**
 * The actor for a username (as given by a session, `--as` or a host application).
 *
 * @category constructors
 * @since 0.1.0
 */
export const user = (username: string): Actor => Actor.User({ username })

/**
 * The actor of a request nobody signed in to.
 *
 * @category constructors
 * @since 0.1.0
 */
export const anonymous: Actor = Actor.Anonymous()
