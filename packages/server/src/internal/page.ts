/**
 * What the element asks first when it shows its Users tab: the page of a browser that comes with a session announces
 * it (and who is signed in) as preloads, so that the answers are on their way while the element's bundle loads.
 */
const FIRST_REQUESTS = ["/api/v1/me", "/api/v1/users?sort=username&order=asc&limit=50&offset=0"] as const

/**
 * What the page at `/` is served for: whether the server serves the element's bundle (the page then preloads it), and
 * whether the browser came with a session cookie (the page then starts signed in, with the element already in it; the
 * page's script takes it back to the sign-in form if the session turns out to be over).
 */
export interface IndexOptions {
  readonly element: boolean
  readonly signedIn: boolean
}

/**
 * The page served at `/`: a sign-in form, then the `<user-manager>` element (loaded from `/user-manager.js`) with who
 * is signed in, a Sign out button, and the sidebar's User Manager (people) icon of the product description. Its
 * colours are the element's own, light and dark.
 */
export const indexHtml = ({ element, signedIn }: IndexOptions) => {
  const starts = element && signedIn
  const hiddenIf = (hidden: boolean) => (hidden ? " hidden" : "")
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>User Manager</title>
<style>
  :root {
    --bg: #f3f4f6; --surface: #ffffff; --fg: #1f2937; --muted: #4b5563; --border: #d1d5db;
    --accent: #1d4ed8; --on-accent: #ffffff; --danger: #b91c1c;
    color-scheme: light dark;
  }
  @media (prefers-color-scheme: dark) {
    :root {
      --bg: #0b1120; --surface: #111827; --fg: #f3f4f6; --muted: #d1d5db; --border: #4b5563;
      --accent: #93c5fd; --on-accent: #111827; --danger: #fca5a5;
    }
  }
  * { box-sizing: border-box; }
  body { margin: 0; font: 15px/1.45 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
  header { display: flex; align-items: center; gap: 1rem; flex-wrap: wrap; padding: .6rem 1.25rem;
    background: var(--surface); border-bottom: 1px solid var(--border); }
  .brand { font-weight: 650; font-size: 1.05rem; margin: 0; }
  #session { margin: 0 0 0 auto; display: flex; align-items: center; gap: .6rem; }
  #role { color: var(--muted); }
  .layout { display: flex; align-items: flex-start; }
  nav { flex: none; align-self: stretch; min-height: calc(100vh - 3.2rem); padding: .75rem .5rem;
    background: var(--surface); border-right: 1px solid var(--border); }
  nav a { display: grid; justify-items: center; gap: .2rem; width: 5.5rem; padding: .5rem .25rem; border-radius: 8px;
    color: var(--muted); text-decoration: none; font-size: .8rem; text-align: center; }
  nav a:hover { color: var(--fg); }
  nav a[aria-current=page] { color: var(--accent); background: var(--bg); font-weight: 600; }
  main { flex: 1; min-width: 0; padding: 1.25rem; max-width: 72rem; margin: 0 auto; }
  .card { max-width: 22rem; margin: 3rem auto; padding: 1.5rem; background: var(--surface);
    border: 1px solid var(--border); border-radius: 8px; }
  h1 { font-size: 1.35rem; margin: 0 0 1rem; }
  form { display: grid; gap: .85rem; }
  label { display: grid; gap: .3rem; font-weight: 500; }
  input { font: inherit; padding: .45rem .55rem; color: var(--fg); background: var(--surface);
    border: 1px solid var(--muted); border-radius: 6px; }
  button { font: inherit; padding: .4rem .95rem; border-radius: 6px; cursor: pointer; color: var(--fg);
    background: var(--surface); border: 1px solid var(--border); }
  button.primary { background: var(--accent); color: var(--on-accent); border-color: var(--accent); font-weight: 600; }
  :focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
  [role=alert] { color: var(--danger); margin: 0; min-height: 1.45em; }
  #app { background: var(--surface); border: 1px solid var(--border); border-radius: 8px; padding: 1rem; }
  #app h1 { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
  #app:focus { outline: none; }
  user-manager::part(me) { display: none; }
  [hidden] { display: none !important; }
</style>
${element ? '<link rel="modulepreload" href="/user-manager.js">\n' : ""}${
  starts
    ? `${FIRST_REQUESTS.map((href) => `<link rel="preload" as="fetch" href="${href}" crossorigin>\n`).join("")}<script type="module" src="/user-manager.js"></script>\n`
    : ""
}<script src="/app.js" defer></script>
</head>
<body>
<header>
  <p class="brand">User Manager</p>
  <p id="session"${hiddenIf(!signedIn)}>
    <span>Signed in as <strong id="who"></strong> <span id="role"></span></span>
    <button id="signout" type="button">Sign out</button>
  </p>
</header>
<div class="layout">
<nav id="sidebar" aria-label="Applications"${hiddenIf(!signedIn)}>
  <a id="open-user-manager" href="#app" aria-current="page">
    <svg aria-hidden="true" width="28" height="28" viewBox="0 0 24 24" fill="currentColor">
      <circle cx="9" cy="7.5" r="3.5"/><path d="M2 20c0-4 3.1-6.5 7-6.5s7 2.5 7 6.5z"/>
      <circle cx="17" cy="8.5" r="2.75"/><path d="M15.3 13.2c.5-.1 1.1-.2 1.7-.2 3 0 5 2.1 5 5.5V20h-4.5c0-2.8-.8-5-2.2-6.8z"/>
    </svg>
    User Manager
  </a>
</nav>
<main>
  <section id="signin" class="card" aria-labelledby="signin-title"${hiddenIf(signedIn)}>
    <h1 id="signin-title">Sign in</h1>
    <form id="signin-form" method="post" action="/api/v1/auth/login">
      <label>Username <input id="username" name="username" autocomplete="username" required></label>
      <label>Password <input id="password" name="password" type="password" autocomplete="current-password" required></label>
      <button class="primary" type="submit">Sign in</button>
      <p id="signin-error" role="alert"></p>
    </form>
  </section>
  <section id="app" aria-labelledby="app-title" tabindex="-1"${hiddenIf(!signedIn)}>
    <h1 id="app-title">Users and groups</h1>
    <p id="app-error" role="alert" hidden></p>
${starts ? '    <user-manager base-url=""></user-manager>\n' : ""}  </section>
</main>
</div>
</body>
</html>
`
}

/**
 * The page's script: signs in with a session cookie, then loads `<user-manager>` and lets it talk to this origin
 * (it sends the CSRF token of the readable `dt_csrf` cookie back as a header); signs out.
 */
export const appJs = `"use strict";
const $ = (id) => document.getElementById(id);
const csrf = () => {
  const pair = document.cookie.split(";").map((part) => part.trim().split("=")).find(([name]) => name === "dt_csrf");
  return pair === undefined ? "" : decodeURIComponent(pair[1]);
};
// The element's bundle starts loading with the page (announced by its modulepreload link, when the server has it), in
// parallel with the question of who is signed in.
const bundle = document.querySelector('link[rel="modulepreload"][href="/user-manager.js"]') === null
  ? undefined
  : import("/user-manager.js");
bundle?.catch(() => undefined);
// Puts <user-manager> in the page once (it asks the API who is signed in, and its first page, by itself); a sign-out
// while the bundle is still loading cancels it.
let signOuts = 0;
const mount = async () => {
  if ($("app").querySelector("user-manager") !== null) return;
  const session = signOuts;
  try {
    if (bundle === undefined) throw new Error("no element");
    await bundle;
    if (session !== signOuts || $("app").querySelector("user-manager") !== null) return;
    $("app-error").hidden = true;
    const element = document.createElement("user-manager");
    element.setAttribute("base-url", "");
    $("app").append(element);
  } catch {
    $("app-error").hidden = false;
    $("app-error").textContent = "This server does not serve the <user-manager> element; the API is described at /api/openapi.json.";
  }
};
const show = async (me, focus) => {
  $("signin").hidden = true;
  $("sidebar").hidden = false;
  $("session").hidden = false;
  $("app").hidden = false;
  $("who").textContent = me.user.username;
  $("role").textContent = me.admin ? "(administrator)" : "";
  await mount();
  if (focus) $("app").focus();
};
const signedOut = () => {
  signOuts += 1;
  $("app").querySelector("user-manager")?.remove();
  $("app").hidden = true;
  $("sidebar").hidden = true;
  $("session").hidden = true;
  $("signin").hidden = false;
};
$("signin-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  $("signin-error").textContent = "";
  const response = await fetch("/api/v1/auth/login", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: $("username").value, password: $("password").value, session: "cookie" })
  }).catch(() => undefined);
  $("password").value = "";
  const body = response === undefined ? undefined : await response.json().catch(() => undefined);
  if (response === undefined || !response.ok) {
    $("signin-error").textContent = body?.message ?? "The server cannot be reached; try again.";
    $("password").focus();
    return;
  }
  await show(body, true);
});
// The sidebar's User Manager icon opens the manager at its Users tab.
$("open-user-manager").addEventListener("click", (event) => {
  event.preventDefault();
  const element = $("app").querySelector("user-manager");
  if (element !== null) element.tab = "users";
  $("app").focus();
});
$("signout").addEventListener("click", async () => {
  await fetch("/api/v1/auth/logout", { method: "POST", headers: { "x-csrf-token": csrf() } }).catch(() => undefined);
  signedOut();
  $("username").focus();
});
// A browser that came with a session got the signed-in page, with the element already in it (the server decided, from
// the session cookie); the page asks who is signed in, and takes it back to the sign-in form if nobody is.
fetch("/api/v1/me").then((response) => (response.ok ? response.json().then((me) => show(me, false)) : signedOut()));
`
