// The page is built by Vite and served by `vite preview`, which passes the API's requests on to the dt serve at
// API_URL: the page and the API share one origin, as the element's session cookie and CSRF header expect.
import { defineConfig } from "vite"

export default defineConfig({
  preview: { host: "127.0.0.1", proxy: { "/api": process.env.API_URL ?? "http://127.0.0.1:9" } }
})
