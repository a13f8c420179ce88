// Bundles `dt` with esbuild: one ESM entry plus chunks loaded on demand (the PostgreSQL and MySQL drivers load only
// for their URLs); native modules stay outside the bundle.
import { rmSync } from "node:fs"
import { build } from "esbuild"

rmSync(new URL("./dist", import.meta.url), { recursive: true, force: true })
await build({
  entryPoints: { dt: new URL("./src/bin.ts", import.meta.url).pathname },
  outdir: new URL("./dist", import.meta.url).pathname,
  outExtension: { ".js": ".mjs" },
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  minify: true,
  legalComments: "none",
  external: ["better-sqlite3", "@node-rs/argon2", "pg-native", "@parcel/watcher", "msgpackr-extract"],
  banner: {
    js: "import { createRequire as __dtCreateRequire } from 'node:module'; const require = __dtCreateRequire(import.meta.url);"
  },
  logLevel: "warning"
})
