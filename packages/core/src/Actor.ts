/**
 * Who is asking: every operation runs on behalf of an actor.
 *
 * @since 0.1.0
 */
import { Data } from "effect"

/**
 * Nobody has signed in, a user by username, or whoever holds a sign-in session (by the hash of its token); what that
 * user may do is decided by the services. A session is checked by each operation in its own transaction, together with
 * the user it names, so that a session ended a moment before is refused by the next operation.
 *
 * @category models
 * @since 0.1.0
 */
export type Actor = Data.TaggedEnum<{
  Anonymous: {}
  User: { readonly username: string }
  Session: { readonly tokenHash: string }
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
