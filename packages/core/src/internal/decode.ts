import { Effect, ParseResult, Schema } from "effect"
import { InvalidInput } from "../Errors.js"

/** Decodes untrusted input, turning the first problem into an `InvalidInput` that names the field. */
export const decodeInput =
  <A, I>(schema: Schema.Schema<A, I>, field = "") =>
  (input: unknown): Effect.Effect<A, InvalidInput> =>
    Schema.decodeUnknown(schema, { errors: "first", onExcessProperty: "error" })(input).pipe(
      Effect.mapError((error) => {
        const [issue] = ParseResult.ArrayFormatter.formatErrorSync(error)
        const path = issue?.path.map(String).join(".") ?? ""
        const name = [field, path].filter((part) => part !== "").join(".")
        const reason = issue === undefined ? "it is malformed" : describe(issue, name)
        return new InvalidInput({ field: name, reason })
      })
    )

const describe = (issue: ParseResult.ArrayFormatterIssue, field: string): string => {
  // Effect's generic messages quote the value they saw; a secret must never be quoted back.
  if (/password/i.test(field) && issue._tag !== "Refinement") return "a password must be text"
  switch (issue._tag) {
    case "Missing":
      return "it is required"
    case "Unexpected":
      return "it is not a known field"
    default:
      // Effect's generic messages end with the value they saw (", actual …"): a long value is never echoed back.
      return truncate(issue.message.split(", actual ")[0] ?? issue.message)
  }
}

/** A reason short enough to answer with, whatever value it quotes. */
const truncate = (reason: string): string => (reason.length <= 200 ? reason : `${reason.slice(0, 199)}…`)
