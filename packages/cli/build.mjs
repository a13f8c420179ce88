// Bundles `dt` with esbuild into one CommonJS file, dist/dt.cjs, which bin/dt.js compiles through `vm.Script` with a V8
// code cache (Node 20 has no module compile cache). Modules reached only through `import()` (the storage code, the
// PostgreSQL and MySQL drivers) are wrapped by esbuild and evaluated only when a command needs them; native modules
// stay outside the bundle, and so do the big packages only such modules use (the PostgreSQL and MySQL drivers, undici
// and ws, which only `dt serve`'s HTTP server loads): they are required from node_modules when needed, and every other
// command does not read them (a smaller bundle to compile, so every command starts sooner). The <user-manager> bundle
// is built first (importing its build script runs it) and embedded as text with its language catalogs, so that
// `dt serve`'s page hosts the element with nothing else on disk.
import { readFileSync, rmSync } from "node:fs"
import { build } from "esbuild"

const { files } = await import("../web-components/build.mjs")
const bundled = (file) => readFileSync(new URL(`../web-components/dist/${file}`, import.meta.url), "utf8")
const element = bundled("user-manager.js")
// Its language catalogs, by language (`user-manager.de.js` → `de`), served beside it.
const catalogs = Object.fromEntries(
  files.filter((file) => file !== "user-manager.js").map((file) => [file.split(".")[1], bundled(file)])
)

rmSync(new URL("./dist", import.meta.url), { recursive: true, force: true })
await build({
  entryPoints: [new URL("./src/bin.ts", import.meta.url).pathname],
  outfile: new URL("./dist/dt.cjs", import.meta.url).pathname,
  bundle: true,
  // The workspace packages are read from their TypeScript sources (their exports' "@user-manager/source" condition).
  conditions: ["@user-manager/source"],
  format: "cjs",
  platform: "node",
  target: "node20",
  minify: true,
  legalComments: "none",
  // bin/dt.js reads the bundle as Latin-1: keep it ASCII.
  charset: "ascii",
  external: [
    "better-sqlite3",
    "@node-rs/argon2",
    "pg-native",
    "@parcel/watcher",
    "msgpackr-extract",
    "pg",
    "mysql2",
    "undici",
    "ws"
  ],
  // The storage package loads its database drivers with createRequire(import.meta.url): in this CommonJS bundle that
  // URL is the bundle's own file, from which the drivers (dt's dependencies) are found.
  banner: { js: 'var __bundleUrl = require("node:url").pathToFileURL(__filename).href;' },
  define: {
    DT_USER_MANAGER_JS: JSON.stringify(element),
    DT_USER_MANAGER_CATALOGS: JSON.stringify(catalogs),
    "import.meta.url": "__bundleUrl"
  },
  logLevel: "warning"
})
