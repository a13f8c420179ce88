/**
 * The `UserManagerClient` over the HTTP API of `packages/server` (spec §4): JSON, the browser's session cookie, a
 * CSRF header on every state-changing request, and `If-Match` with the version on modifications; an import file is
 * sent as it is (CSV or JSON Lines), an export read as CSV.
 *
 * @since 0.1.0
 */
import {
  type ApiToken,
  type BulkAction,
  type BulkResult,
  ClientError,
  type CreatedToken,
  type DirectorySettings,
  type Group,
  type GroupSort,
  type ImportOptions,
  type ImportResult,
  type ListQuery,
  type Me,
  type MemberPage,
  type MemberQuery,
  type NewGroup,
  type NewToken,
  type NewUser,
  type Page,
  type RecordKind,
  type SignInLock,
  type User,
  type UserChanges,
  type UserListQuery,
  type UserManagerClient
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
  /** `fetch` to use (the page's by default; an import then goes through it too, without upload progress). */
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

  /** The answer's body as JSON, or the refusal it carries as a `ClientError`. */
  const settle = <A>(status: number, statusText: string, text: string): A => {
    const json: unknown = text === "" ? undefined : safeParse(text)
    if (status < 200 || status > 299) {
      if (typeof json === "object" && json !== null && "_tag" in json) throw ClientError.from(json)
      throw new ClientError(`Http${status}`, `The server answered ${status} ${statusText}.`, { status, statusText })
    }
    return json as A
  }
  const unreachable = (error: unknown) =>
    new ClientError("Unreachable", `The server cannot be reached: ${String(error)}`, { reason: String(error) })

  const send = async (method: string, path: string, body: BodyInit | undefined, headers: Record<string, string>) => {
    const all: Record<string, string> = { Accept: "application/json", ...headers }
    if (method !== "GET") all[csrfHeader] = decodeURIComponent(csrfToken())
    try {
      return await doFetch(`${root}${api}${path}`, {
        method,
        headers: all,
        credentials: "same-origin",
        ...(body === undefined ? {} : { body })
      })
    } catch (error) {
      throw unreachable(error)
    }
  }

  const request = async <A>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {}
  ): Promise<A> => {
    const response = await send(
      method,
      path,
      body === undefined ? undefined : JSON.stringify(body),
      body === undefined ? headers : { ...headers, "Content-Type": "application/json" }
    )
    return settle<A>(response.status, response.statusText, await response.text())
  }

  /**
   * Sends a file: over `XMLHttpRequest`, which tells how much of it has been sent (`fetch` cannot), unless the host gave
   * its own `fetch`. The browser declares the file's length, which the server needs to refuse one over its limit.
   */
  const upload = async <A>(
    path: string,
    file: Blob,
    contentType: string,
    onProgress?: (sent: number, total: number) => void
  ) => {
    const headers = { "Content-Type": contentType }
    if (options.fetch !== undefined || typeof XMLHttpRequest === "undefined") {
      const response = await send("POST", path, file, headers)
      onProgress?.(file.size, file.size)
      return settle<A>(response.status, response.statusText, await response.text())
    }
    const xhr = new XMLHttpRequest()
    const done = new Promise<A>((resolve, reject) => {
      xhr.addEventListener("load", () => {
        try {
          resolve(settle<A>(xhr.status, xhr.statusText, xhr.responseText))
        } catch (error) {
          reject(error)
        }
      })
      xhr.addEventListener("error", () => reject(unreachable("the connection failed")))
      xhr.addEventListener("abort", () => reject(unreachable("the request was aborted")))
    })
    xhr.upload.addEventListener("progress", (event) =>
      onProgress?.(event.loaded, event.lengthComputable ? event.total : file.size)
    )
    xhr.open("POST", `${root}${api}${path}`)
    xhr.setRequestHeader("Accept", "application/json")
    xhr.setRequestHeader("Content-Type", contentType)
    xhr.setRequestHeader(csrfHeader, decodeURIComponent(csrfToken()))
    xhr.send(file)
    return done
  }

  const query = (q: object) => {
    const params = new URLSearchParams()
    for (const [key, value] of Object.entries(q))
      if (value !== undefined && value !== "") params.set(key, String(value))
    const text = params.toString()
    return text === "" ? "" : `?${text}`
  }
  const ifMatch = (version: number) => ({ "If-Match": `"${version}"` })

  return {
    me: () => request<Me>("GET", "/me"),
    listUsers: (q: UserListQuery) => request<Page<User>>("GET", `/users${query(q)}`),
    getUser: (username) => request<User>("GET", `/users/${segment(username)}`),
    createUser: (input: NewUser) => request<User>("POST", "/users", input),
    modifyUser: (username: string, changes: UserChanges, version: number) =>
      request<User>("PATCH", `/users/${segment(username)}`, changes, ifMatch(version)),
    deleteUser: (username, options) =>
      request<void>("DELETE", `/users/${segment(username)}${options?.dryRun === true ? "?dryRun=true" : ""}`),
    enableUser: (username) => request<User>("POST", `/users/${segment(username)}/enable`),
    disableUser: (username) => request<User>("POST", `/users/${segment(username)}/disable`),
    bulkUsers: (action: BulkAction) => request<BulkResult>("POST", "/users/bulk", action),
    listGroups: (q: ListQuery<GroupSort>) => request<Page<Group>>("GET", `/groups${query(q)}`),
    getGroup: (name) => request<Group>("GET", `/groups/${segment(name)}`),
    createGroup: (input: NewGroup) => request<Group>("POST", "/groups", input),
    renameGroup: (name, newName, version) =>
      request<Group>("PATCH", `/groups/${segment(name)}`, { name: newName }, ifMatch(version)),
    modifyGroup: (name, changes, version) =>
      request<Group>("PATCH", `/groups/${segment(name)}`, changes, ifMatch(version)),
    setMembers: (name, usernames, version) =>
      request<Group>("PATCH", `/groups/${segment(name)}`, { members: usernames }, ifMatch(version)),
    listMembers: (name: string, q: MemberQuery) =>
      request<MemberPage>("GET", `/groups/${segment(name)}/members${query(q)}`),
    deleteGroup: (name, options) =>
      request<void>("DELETE", `/groups/${segment(name)}${options?.dryRun === true ? "?dryRun=true" : ""}`),
    settings: () => request<DirectorySettings>("GET", "/config"),
    listSignInLocks: async () =>
      (await request<{ readonly items: ReadonlyArray<SignInLock> }>("GET", "/sign-in-locks")).items,
    unlockUser: (username) => request<void>("DELETE", `/users/${segment(username)}/sign-in-lock`),
    importRecords: (file: Blob, { format, onUploadProgress, ...params }: ImportOptions) =>
      upload<ImportResult>(
        `/import${query(params)}`,
        file,
        format === "csv" ? "text/csv" : "application/x-ndjson",
        onUploadProgress
      ),
    listTokens: async () => (await request<{ readonly items: ReadonlyArray<ApiToken> }>("GET", "/tokens")).items,
    createToken: (input: NewToken) => request<CreatedToken>("POST", "/tokens", input),
    revokeToken: (name) => request<void>("DELETE", `/tokens/${segment(name)}`),
    exportCsv: async (kind: RecordKind) => {
      const response = await send("GET", `/export${query({ kind, format: "csv" })}`, undefined, { Accept: "text/csv" })
      if (!response.ok) return settle<never>(response.status, response.statusText, await response.text())
      return response.blob()
    }
  }
}

const safeParse = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
