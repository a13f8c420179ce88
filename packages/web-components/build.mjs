// Builds the drop-in bundle: dist/user-manager.js registers <user-manager> with Lit inside, minified ESM, so a page
// needs only `<script type="module" src="user-manager.js">`. Prints the minified and gzip sizes.
import { readFileSync } from "node:fs"
import { gzipSync } from "node:zlib"
import { build } from "esbuild"

const outfile = "dist/user-manager.js"
await build({
  entryPoints: ["src/index.ts"],
  bundle: true,
  minify: true,
  format: "esm",
  target: "es2022",
  legalComments: "none",
  outfile
})
const code = readFileSync(outfile)
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`
console.log(`${outfile}: ${kb(code.length)} minified, ${kb(gzipSync(code, { level: 9 }).length)} minified + gzip`)
