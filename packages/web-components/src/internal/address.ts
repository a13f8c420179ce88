import type { UserSort } from "../Client.js"
import { PAGE_SIZE, PAGE_SIZES } from "./list-controller.js"

/**
 * The tabs of `<user-manager>`.
 *
 * @since 0.2.0
 */
export type TabId = "users" | "groups" | "tokens"

/**
 * Where the reader is, as `<user-manager sync-url>` keeps it in the page's query string: the tab, and the Users tab's
 * search, sort, filters, page and open user.
 *
 * @since 0.2.0
 */
export interface Address {
  readonly tab: TabId
  readonly search: string
  readonly sort: UserSort
  readonly order: "asc" | "desc"
  /** The page shown, from 1. */
  readonly page: number
  readonly size: number
  readonly enabled?: boolean | undefined
  readonly system?: boolean | undefined
  readonly group?: string | undefined
  /** The user whose dialog is open. */
  readonly user?: string | undefined
}

/** The query string's keys the element owns; the host's other parameters are left as they are. */
const KEYS = ["tab", "q", "sort", "page", "size", "enabled", "system", "group", "user"] as const

const SORTS: ReadonlyArray<string> = [
  "username",
  "fullName",
  "firstName",
  "lastName",
  "groups",
  "email",
  "enabled",
  "system",
  "createdAt",
  "updatedAt"
] satisfies ReadonlyArray<UserSort>

const yesNo = (text: string | null) => (text === "true" ? true : text === "false" ? false : undefined)

/** The address a query string holds; what it leaves out or holds wrongly is the default (the first page of users). */
export const readAddress = (query: string): Address => {
  const params = new URLSearchParams(query)
  const [sort = "username", order] = (params.get("sort") ?? "").split(":")
  const page = Number(params.get("page") ?? "1")
  const size = Number(params.get("size") ?? String(PAGE_SIZE))
  return {
    tab: params.get("tab") === "groups" ? "groups" : params.get("tab") === "tokens" ? "tokens" : "users",
    search: params.get("q") ?? "",
    sort: (SORTS.includes(sort) ? sort : "username") as UserSort,
    order: order === "desc" ? "desc" : "asc",
    page: Number.isInteger(page) && page >= 1 ? page : 1,
    size: PAGE_SIZES.includes(size) ? size : PAGE_SIZE,
    enabled: yesNo(params.get("enabled")),
    system: yesNo(params.get("system")),
    group: params.get("group") || undefined,
    user: params.get("user") || undefined
  }
}

/** `query` with the element's keys set to `address` (a default left out), the host's own parameters kept. */
export const writeAddress = (query: string, address: Address): string => {
  const params = new URLSearchParams(query)
  for (const key of KEYS) params.delete(key)
  const set = (key: (typeof KEYS)[number], value: string | undefined, fallback?: string) => {
    if (value !== undefined && value !== "" && value !== fallback) params.set(key, value)
  }
  set("tab", address.tab, "users")
  set("q", address.search)
  set("sort", address.order === "desc" ? `${address.sort}:desc` : address.sort, "username")
  set("enabled", address.enabled === undefined ? undefined : String(address.enabled))
  set("system", address.system === undefined ? undefined : String(address.system))
  set("group", address.group)
  set("page", String(address.page), "1")
  set("size", String(address.size), String(PAGE_SIZE))
  set("user", address.user)
  const text = params.toString()
  return text === "" ? "" : `?${text}`
}
