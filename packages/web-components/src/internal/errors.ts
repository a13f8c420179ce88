import { ClientError } from "../Client.js"

/**
 * The form field a refusal concerns, from its tag and data (`InvalidInput.field`), or undefined when it concerns the
 * whole dialog. The rule itself was decided by the back end; this only says where to show its words.
 */
export const fieldOf = (error: ClientError): string | undefined => {
  switch (error._tag) {
    case "InvalidInput":
      return String(error.data.field ?? "").split(".")[0] || undefined
    case "UsernameTaken":
      return "username"
    case "EmailTaken":
      return "email"
    case "GroupNameTaken":
    case "TokenNameTaken":
      return "name"
    case "GroupNotFound":
    case "GroupMembershipRequired":
      return "groups"
    default:
      return undefined
  }
}

/** The usernames a refusal names (`GroupMembershipRequired`: the users that would be left without a group). */
export const usernamesOf = (error: ClientError): ReadonlyArray<string> => {
  const usernames = error.data.usernames
  return Array.isArray(usernames) ? usernames.map(String) : []
}

/** Any failure as a `ClientError`. */
export const asClientError = (error: unknown): ClientError => ClientError.from(error)
