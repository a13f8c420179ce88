/**
 * The `UserManagerClient` over the HTTP API of `packages/server` (spec §4): JSON, the browser's session cookie, a
 * CSRF header on every state-changing request, and `If-Match` with the version on modifications.
 *
 * @since 0.1.0
 */
import {
  ClientError,
  type Group,
  type GroupSort,
  type ListQuery,
  type Me,
  type NewGroup,
  type NewUser,
  type Page,
  type SignInLock,
  type User,
  type UserChanges,
  type UserManagerClient,
  type UserSort
} from "./Client.js"

/**
 * How the client finds the CSRF token it sends back: the name of the header, and the cookie that holds the token
 * (double-submit). Without that cookie the header is still sent (value `1`): a custom header alone already forces a
 * cross-site request through a CORS preflight.
 *
 * @category models
 * @since 0.1.0
 */
export interface HttpClientOptions {
  readonly csrfHeader?: string
  readonly csrfCookie?: string
  /** `fetch` to use (the page's by default). */
  readonly fetch?: typeof fetch
}

const api = "/api/v1"
const segment = encodeURIComponent

/**
 * Builds a client for the API served at `baseUrl` (for example `""` for the same origin, or `https://host/um`).
 *
 * @category constructors
 * @since 0.1.0
 */
export const HttpClient = (baseUrl: string, options: HttpClientOptions = {}): UserManagerClient => {
  const root = baseUrl.replace(/\/+$/, "")
  const csrfHeader = options.csrfHeader ?? "X-CSRF-Token"
  const csrfCookie = options.csrfCookie ?? "dt_csrf"
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis)

  const csrfToken = () =>
    document.cookie
      .split(";")
      .map((part) => part.trim().split("="))
      .find(([name]) => name === csrfCookie)?.[1] ?? "1"

  const request = async <A>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {}
  ): Promise<A> => {
    const all: Record<string, string> = { Accept: "application/json", ...headers }
    if (body !== undefined) all["Content-Type"] = "application/json"
    if (method !== "GET") all[csrfHeader] = decodeURIComponent(csrfToken())
    let response: Response
    try {
      response = await doFetch(`${root}${api}${path}`, {
        method,
        headers: all,
        credentials: "same-origin",
        ...(body === undefined ? {} : { body: JSON.stringify(body) })
      })
    } catch (error) {
      throw new ClientError("Unreachable", `The server cannot be reached: ${String(error)}`)
    }
    const text = await response.text()
    const json: unknown = text === "" ? undefined : safeParse(text)
    if (!response.ok) {
      if (typeof json === "object" && json !== null && "_tag" in json) throw ClientError.from(json)
      throw new ClientError(`Http${response.status}`, `The server answered ${response.status} ${response.statusText}.`)
    }
    return json as A
  }

  const query = (q: ListQuery<string>) => {
    const params = new URLSearchParams()
    for (const [key, value] of Object.entries(q))
      if (value !== undefined && value !== "") params.set(key, String(value))
    const text = params.toString()
    return text === "" ? "" : `?${text}`
  }
  const ifMatch = (version: number) => ({ "If-Match": `"${version}"` })

  return {
    me: () => request<Me>("GET", "/me"),
    listUsers: (q: ListQuery<UserSort>) => request<Page<User>>("GET", `/users${query(q)}`),
    getUser: (username) => request<User>("GET", `/users/${segment(username)}`),
    createUser: (input: NewUser) => request<User>("POST", "/users", input),
    modifyUser: (username: string, changes: UserChanges, version: number) =>
      request<User>("PATCH", `/users/${segment(username)}`, changes, ifMatch(version)),
    deleteUser: (username) => request<void>("DELETE", `/users/${segment(username)}`),
    enableUser: (username) => request<User>("POST", `/users/${segment(username)}/enable`),
    disableUser: (username) => request<User>("POST", `/users/${segment(username)}/disable`),
    listGroups: (q: ListQuery<GroupSort>) => request<Page<Group>>("GET", `/groups${query(q)}`),
    getGroup: (name) => request<Group>("GET", `/groups/${segment(name)}`),
    createGroup: (input: NewGroup) => request<Group>("POST", "/groups", input),
    renameGroup: (name, newName, version) =>
      request<Group>("PATCH", `/groups/${segment(name)}`, { name: newName }, ifMatch(version)),
    setMembers: (name, usernames, version) =>
      request<Group>("PATCH", `/groups/${segment(name)}`, { members: usernames }, ifMatch(version)),
    deleteGroup: (name) => request<void>("DELETE", `/groups/${segment(name)}`),
    listSignInLocks: async () =>
      (await request<{ readonly items: ReadonlyArray<SignInLock> }>("GET", "/sign-in-locks")).items,
    unlockUser: (username) => request<void>("DELETE", `/users/${segment(username)}/sign-in-lock`)
  }
}

const safeParse = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
