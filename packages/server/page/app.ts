/**
 * The script of the page served at `/` (`/app.js`): signs in with a session cookie, then loads `<user-manager>` and lets
 * it talk to this origin (it sends the CSRF token of the readable `dt_csrf` cookie back as a header); signs out.
 * `build.mjs` compiles it into the server (`src/internal/pageAssets.ts`).
 */

/** Who is signed in, as `GET /api/v1/me` and a sign-in answer it. */
interface Me {
  readonly user: { readonly username: string }
  readonly admin: boolean
}

/** The `<user-manager>` element, as far as this page uses it. */
interface UserManagerElement extends HTMLElement {
  tab: "users" | "groups"
  /** Comes back, after a new sign-in, to where it was when its session expired. */
  resume(): Promise<void>
}

const $ = <E extends HTMLElement = HTMLElement>(id: string): E => document.getElementById(id) as E
const csrf = () => {
  const pair = document.cookie
    .split(";")
    .map((part) => part.trim().split("="))
    .find(([name]) => name === "dt_csrf")
  return pair?.[1] === undefined ? "" : decodeURIComponent(pair[1])
}
// The element's bundle starts loading with the page (announced by its modulepreload link, when the server has it), in
// parallel with the question of who is signed in.
const bundle =
  document.querySelector('link[rel="modulepreload"][href="/user-manager.js"]') === null
    ? undefined
    : // @ts-expect-error The element's bundle is served beside the page: there is nothing to resolve at build time.
      (import("/user-manager.js") as Promise<unknown>)
bundle?.catch(() => undefined)
// Puts <user-manager> in the page once (it asks the API who is signed in, and its first page, by itself); a sign-out
// while the bundle is still loading cancels it.
let signOuts = 0
const mount = async () => {
  if ($("app").querySelector("user-manager") !== null) return
  const session = signOuts
  try {
    if (bundle === undefined) throw new Error("no element")
    await bundle
    if (session !== signOuts || $("app").querySelector("user-manager") !== null) return
    $("app-error").hidden = true
    const element = document.createElement("user-manager")
    element.setAttribute("base-url", "")
    // The page is the element's own: the address keeps where the reader is, for reloads, links and Back.
    element.setAttribute("sync-url", "")
    $("app").append(element)
  } catch {
    $("app-error").hidden = false
    $("app-error").textContent =
      "This server does not serve the <user-manager> element; the API is described at /api/openapi.json."
  }
}
const show = async (me: Me, focus: boolean) => {
  $("signin").hidden = true
  $("sidebar").hidden = false
  $("session").hidden = false
  $("app").hidden = false
  $("who").textContent = me.user.username
  $("role").textContent = me.admin ? "(administrator)" : ""
  await mount()
  // An element kept from a session that expired goes back to its tab, search and page.
  await $("app").querySelector<UserManagerElement>("user-manager")?.resume()
  if (focus) $("app").focus()
}
const signedOut = () => {
  signOuts += 1
  $("app").querySelector("user-manager")?.remove()
  $("app").hidden = true
  $("sidebar").hidden = true
  $("session").hidden = true
  $("signin").hidden = false
}
// The element says its session expired (a list or a change was refused with 401): the sign-in form comes back, and the
// element stays, hidden and without its records, to go on where it was once signed in again.
$("app").addEventListener("session-expired", () => {
  $("app").hidden = true
  $("sidebar").hidden = true
  $("session").hidden = true
  $("signin").hidden = false
  $("signin-error").textContent = "Your session has ended: sign in again to go on where you were."
  // Most often the same person signs in again: their username is kept, and the password asked for.
  const who = $("who").textContent ?? ""
  $<HTMLInputElement>("username").value = who
  $(who === "" ? "username" : "password").focus()
})
$("signin-form").addEventListener("submit", async (event) => {
  event.preventDefault()
  $("signin-error").textContent = ""
  const response = await fetch("/api/v1/auth/login", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      username: $<HTMLInputElement>("username").value,
      password: $<HTMLInputElement>("password").value,
      session: "cookie"
    })
  }).catch(() => undefined)
  $<HTMLInputElement>("password").value = ""
  const body: (Me & { readonly message?: string }) | undefined =
    response === undefined ? undefined : await response.json().catch(() => undefined)
  if (response === undefined || !response.ok || body === undefined) {
    $("signin-error").textContent = body?.message ?? "The server cannot be reached; try again."
    $("password").focus()
    return
  }
  await show(body, true)
})
// The sidebar's User Manager icon opens the manager at its Users tab.
$("open-user-manager").addEventListener("click", (event) => {
  event.preventDefault()
  const element = $("app").querySelector<UserManagerElement>("user-manager")
  if (element !== null) element.tab = "users"
  $("app").focus()
})
$("signout").addEventListener("click", async () => {
  await fetch("/api/v1/auth/logout", { method: "POST", headers: { "x-csrf-token": csrf() } }).catch(() => undefined)
  signedOut()
  $("username").focus()
})
// A browser that came with a session got the signed-in page, with the element already in it (the server decided, from
// the session cookie); the page asks who is signed in, and takes it back to the sign-in form if nobody is. A browser
// without one got the sign-in form: nobody is signed in, and there is nothing to ask.
if ($("signin").hidden) {
  void fetch("/api/v1/me").then((response) =>
    response.ok ? response.json().then((me: Me) => show(me, false)) : signedOut()
  )
}

export {}
