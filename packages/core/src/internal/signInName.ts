import { Schema } from "effect"
import { SignInUsername } from "../Names.js"

/**
 * A username as typed at sign-in: any text a store can look up. Text longer than a username can be, and control
 * characters (U+0000 among them, which PostgreSQL cannot even compare), are refused as bad input; any other text that
 * is no username is a wrong sign-in.
 */
export const SignInName = SignInUsername.pipe(
  Schema.filter((text) => !/\p{Cc}/u.test(text) || "it cannot contain control characters")
)
