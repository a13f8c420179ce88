/** The page served at `/`: a real sign-in form, and the place where `<user-manager>` will live. */
export const indexHtml = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>User Manager</title>
<style>
  body { font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; color: #1d2330; }
  form { display: grid; gap: .75rem; max-width: 20rem; }
  label { display: grid; gap: .25rem; }
  input { padding: .4rem; font: inherit; }
  button { padding: .45rem .9rem; font: inherit; cursor: pointer; }
  [role=alert] { color: #a4161a; min-height: 1.5em; }
  [hidden] { display: none !important; }
  .placeholder { border: 1px dashed #8a93a6; padding: 1rem; margin-top: 1rem; color: #4b5366; }
</style>
</head>
<body>
<h1>User Manager</h1>
<section id="signin">
  <h2>Sign in</h2>
  <form id="signin-form" method="post" action="/api/v1/auth/login">
    <label>Username <input id="username" name="username" autocomplete="username" required></label>
    <label>Password <input id="password" name="password" type="password" autocomplete="current-password" required></label>
    <button type="submit">Sign in</button>
    <p id="signin-error" role="alert"></p>
  </form>
</section>
<section id="app" hidden>
  <p>Signed in as <strong id="who"></strong><span id="role"></span>. <button id="signout" type="button">Sign out</button></p>
  <user-manager base-url="/api/v1">
    <div class="placeholder">The Users and Groups tabs (the &lt;user-manager&gt; element) are not built yet; the API is
    at <a href="/api/openapi.json">/api/openapi.json</a>.</div>
  </user-manager>
</section>
<script src="/app.js"></script>
</body>
</html>
`

/** The page's script: signs in with a session cookie, keeps the CSRF token for this tab, signs out. */
export const appJs = `"use strict";
const $ = (id) => document.getElementById(id);
const show = (me) => {
  $("signin").hidden = true;
  $("app").hidden = false;
  $("who").textContent = me.user.username;
  $("role").textContent = me.admin ? " (administrator)" : "";
};
const signedOut = () => {
  sessionStorage.removeItem("dt-csrf");
  $("app").hidden = true;
  $("signin").hidden = false;
};
$("signin-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  $("signin-error").textContent = "";
  const response = await fetch("/api/v1/auth/login", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: $("username").value, password: $("password").value, session: "cookie" })
  });
  $("password").value = "";
  const body = await response.json().catch(() => ({ message: "The server did not answer." }));
  if (!response.ok) { $("signin-error").textContent = body.message; return; }
  sessionStorage.setItem("dt-csrf", body.csrfToken);
  show(body);
});
$("signout").addEventListener("click", async () => {
  await fetch("/api/v1/auth/logout", { method: "POST", headers: { "x-csrf-token": sessionStorage.getItem("dt-csrf") || "" } });
  signedOut();
});
fetch("/api/v1/me").then((response) => (response.ok ? response.json().then(show) : signedOut()));
`
