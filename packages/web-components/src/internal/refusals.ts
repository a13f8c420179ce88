import { msg, str } from "@lit/localize"
import type { TemplateResult } from "lit"
import { ClientError, type RecordRefusal } from "../Client.js"
import { sourceLocale } from "../generated/locale-codes.js"
import { activeLanguage, formatNumber, serverWords } from "./i18n.js"

const text = (value: unknown): string => (value === undefined || value === null ? "" : String(value))
const list = (value: unknown): ReadonlyArray<string> => (Array.isArray(value) ? value.map(String) : [])

/** Names as the reader's language lists them: "'a', 'b' and 'c'" ("'a', 'b' und 'c'"). */
const names = (value: unknown): string =>
  new Intl.ListFormat(activeLanguage(), { type: "conjunction" }).format(list(value).map((name) => `'${name}'`))

/**
 * A refusal's sentence for the reader, in the element's language, from the error's `_tag` and its data: the rule was
 * the back end's, only its words are the catalog's. In English, and for a tag the catalog does not know (or whose
 * data it cannot read), the back end's own sentence.
 */
export const refusalText = (error: ClientError): string => {
  if (activeLanguage() === sourceLocale) return error.message
  return translated(error) ?? error.message
}

/** `refusalText` for a template: the server's sentence kept in another language is marked as English. */
export const refusalView = (error: ClientError): TemplateResult | string => {
  if (activeLanguage() === sourceLocale) return error.message
  return translated(error) ?? serverWords(error.message)
}

/**
 * A record's refused action (`User.refused`, `Group.refused`: the refusal its change would fail with, `_tag`, `message`
 * and data) worded for the reader, as `refusalText` words a failed request's: for a greyed action's title.
 */
export const recordRefusalText = (refusal: RecordRefusal): string => refusalText(ClientError.from(refusal))

/** `recordRefusalText` for a template (a greyed action's description, a read-only field's hint). */
export const recordRefusalView = (refusal: RecordRefusal): TemplateResult | string =>
  refusalView(ClientError.from(refusal))

/** The data each translated refusal's sentence names. */
const NEEDS: Readonly<Record<string, ReadonlyArray<string>>> = {
  UserNotFound: ["username"],
  GroupNotFound: ["name"],
  UsernameTaken: ["username"],
  EmailTaken: ["email", "username"],
  GroupNameTaken: ["name"],
  GidTaken: ["gid"],
  GidRangeExhausted: ["min", "max"],
  SystemUserImmutable: ["username"],
  GroupMembershipRequired: ["usernames"],
  LastAdmin: ["group", "usernames"],
  SelfLockout: ["username"],
  NotAMember: ["usernames", "group"],
  ProtectedGroup: ["name"],
  ConcurrentModification: ["kind", "name"],
  TooManyAttempts: ["retryAfterSeconds"],
  Unreachable: ["reason"],
  Forbidden: ["reason"],
  InvalidInput: ["field"]
}

/**
 * `Forbidden` worded by its rule (`reason._tag`, with its data). The action it names is the back end's English, so the
 * sentence leaves it out; a rule the catalog does not know keeps the server's sentence.
 */
const forbidden = (reason: unknown): string | undefined => {
  if (typeof reason !== "object" || reason === null) return undefined
  const why = reason as Record<string, unknown>
  switch (why._tag) {
    case "NotAdministrator":
      return why.adminGroup === undefined
        ? undefined
        : msg(str`Only enabled members of the admin group '${text(why.adminGroup)}' may do this.`)
    case "SystemUser":
      return msg("A system user never has admin access.")
    case "AccountDisabled":
      return msg("Your account is disabled.")
    case "ReadOnlyToken":
      return msg("The API token only reads: it may not change anything.")
    case "TokenChannel":
      return why.scope === "scim"
        ? msg("The API token's scope is scim: it works at the SCIM endpoints only.")
        : msg("The SCIM endpoints take API tokens of scope scim only.")
    case "TokenNotAUser":
      return msg("An API token is not a user.")
    case "TokensByUsersOnly":
      return msg("API tokens are managed by administrators signed in as themselves only.")
    case "OtherUsersByAdministrators":
      return msg("Only administrators may read other users.")
    case "AlreadySetUp":
      return msg("The directory already has users or groups.")
    case "WrongPassword":
      return msg("The current password is not correct.")
    default:
      return undefined
  }
}

/** Any failure's sentence for the reader (see `refusalText`). */
export const refusalOf = (error: unknown): string => refusalText(ClientError.from(error))

const translated = (error: ClientError): string | undefined => {
  const data = error.data
  // A refusal without the data its sentence names (an older server's answer): the server's sentence.
  const needs: ReadonlyArray<string> = NEEDS[error._tag] ?? []
  if (needs.some((key) => data[key] === undefined)) return undefined
  switch (error._tag) {
    case "UserNotFound":
      return msg(str`There is no user named '${text(data.username)}'.`)
    case "GroupNotFound": {
      const all = list(data.names)
      return all.length > 1
        ? msg(str`There are no groups named ${names(all)}.`)
        : msg(str`There is no group named '${text(data.name)}'.`)
    }
    case "UsernameTaken":
      return msg(str`The username '${text(data.username)}' is already taken.`)
    case "EmailTaken":
      return msg(str`The email address '${text(data.email)}' already belongs to user '${text(data.username)}'.`)
    case "GroupNameTaken":
      return msg(str`The group name '${text(data.name)}' is already taken.`)
    case "GidTaken":
      return data.group === null || data.group === undefined
        ? msg(str`GID ${text(data.gid)} belonged to a group that was deleted, and a GID is never handed out twice.`)
        : msg(str`GID ${text(data.gid)} already belongs to group '${text(data.group)}'.`)
    case "GidRangeExhausted":
      return msg(
        str`Every GID from ${text(data.min)} to ${text(data.max)} has been handed out: widen the range or give an explicit GID.`
      )
    case "SystemUserImmutable":
      // The action is the core's word for what was refused (its `USER_ACTION`): a few read better by name.
      switch (data.action) {
        case "enable":
          return msg(str`'${text(data.username)}' is a system user and cannot be enabled.`)
        case "disable":
          return msg(str`'${text(data.username)}' is a system user and cannot be disabled.`)
        case "delete":
          return msg(str`'${text(data.username)}' is a system user and cannot be deleted.`)
        default:
          return msg(str`'${text(data.username)}' is a system user and cannot be changed.`)
      }
    case "GroupMembershipRequired": {
      const shown = list(data.usernames)
      const count = typeof data.count === "number" ? data.count : shown.length
      const who =
        count > shown.length
          ? msg(str`users ${names(shown)} and ${formatNumber(count - shown.length)} more`)
          : count === 1
            ? msg(str`user ${names(shown)}`)
            : msg(str`users ${names(shown)}`)
      return data.group === null || data.group === undefined
        ? msg(str`Every user belongs to at least one group: give ${who} a group.`)
        : msg(
            str`Every user belongs to at least one group: ${who} would be left without one by this change to group '${text(data.group)}'.`
          )
    }
    case "LastAdmin":
      return msg(
        str`The admin group '${text(data.group)}' must keep an enabled member: ${names(data.usernames)} cannot all lose admin access.`
      )
    case "SelfLockout":
      switch (data.action) {
        case "disable":
          return msg(str`You cannot disable yourself ('${text(data.username)}'): ask another administrator.`)
        case "delete":
          return msg(str`You cannot delete yourself ('${text(data.username)}'): ask another administrator.`)
        case "remove":
          return msg(
            str`You cannot remove yourself ('${text(data.username)}') from the admin group: ask another administrator.`
          )
        default:
          return msg(str`You cannot do this to yourself ('${text(data.username)}'): ask another administrator.`)
      }
    case "NotAMember":
      return list(data.usernames).length === 1
        ? msg(str`User ${names(data.usernames)} is not a member of group '${text(data.group)}'.`)
        : msg(str`Users ${names(data.usernames)} are not members of group '${text(data.group)}'.`)
    case "ProtectedGroup":
      switch (data.action) {
        case "renamed":
          return msg(str`'${text(data.name)}' is the admin group and cannot be renamed.`)
        case "deleted":
          return msg(str`'${text(data.name)}' is the admin group and cannot be deleted.`)
        default:
          return msg(str`'${text(data.name)}' is the admin group and cannot be changed this way.`)
      }
    case "ConcurrentModification":
      return data.kind === "group"
        ? msg(str`The group '${text(data.name)}' was changed by someone else: reload it and try again.`)
        : msg(str`The user '${text(data.name)}' was changed by someone else: reload it and try again.`)
    case "TooManyAttempts":
      return msg(str`Too many failed sign-ins: try again in ${formatNumber(Number(data.retryAfterSeconds))} seconds.`)
    case "Unreachable":
      return msg(str`The server cannot be reached: ${text(data.reason)}`)
    case "Unauthenticated":
      return data.signIn === true ? undefined : msg("Sign in first: your session has ended or was never opened.")
    case "Forbidden":
      return forbidden(data.reason)
    case "InvalidInput":
      // The reason is the back end's English: only the names a bulk action refuses are worded, by their field.
      return data.field === "username"
        ? msg("This is not a valid username.")
        : data.field === "group name"
          ? msg("This is not a valid group name.")
          : undefined
    default:
      // An answer with no refusal in it (the HTTP client's `Http502`…): its status.
      return /^Http\d{3}$/.test(error._tag) && typeof data.status === "number"
        ? msg(str`The server answered ${data.status} ${text(data.statusText)}.`)
        : undefined
  }
}
