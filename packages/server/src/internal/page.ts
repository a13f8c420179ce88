import { pageCss } from "./pageAssets.js"

/** The page's script, served at `/app.js`. */
export { appJs } from "./pageAssets.js"

/**
 * What the element asks first when it shows its Users tab: the page of a browser that comes with a session announces
 * it (who is signed in, the first page of users, and the sign-in locks the Users tab marks on its rows) as preloads, so
 * that the answers are on their way while the element's bundle loads, and none waits for another once it has run.
 */
const FIRST_REQUESTS = [
  "/api/v1/me",
  "/api/v1/users?sort=username&order=asc&limit=50&offset=0",
  "/api/v1/sign-in-locks"
] as const

/** The User Manager (people) icon of the product description: the sidebar's, and the page's icon. */
const PEOPLE = `<circle cx="9" cy="7.5" r="3.5"/><path d="M2 20c0-4 3.1-6.5 7-6.5s7 2.5 7 6.5z"/>
      <circle cx="17" cy="8.5" r="2.75"/><path d="M15.3 13.2c.5-.1 1.1-.2 1.7-.2 3 0 5 2.1 5 5.5V20h-4.5c0-2.8-.8-5-2.2-6.8z"/>`

/**
 * The page's icon, served at `/favicon.svg`: the people icon in the element's accent colour, light and dark (without
 * it, browsers ask for `/favicon.ico` and log its 404).
 */
export const faviconSvg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24">
<style>g{fill:#1d4ed8}@media(prefers-color-scheme:dark){g{fill:#93c5fd}}</style>
<g>${PEOPLE}</g>
</svg>
`

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
 * colours are the element's own, light and dark (its styles are page/page.css, its script page/app.ts, served at
 * `/app.js`).
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
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<style>
${pageCss}
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
      ${PEOPLE}
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
${starts ? '    <user-manager base-url="" sync-url></user-manager>\n' : ""}  </section>
</main>
</div>
</body>
</html>
`
}
