// Builds the drop-in bundle: dist/user-manager.js registers <user-manager> with Lit inside, minified ESM, so a page
// needs only `<script type="module" src="user-manager.js">`. Prints the minified and gzip sizes. The CLI's build
// imports this file to build the bundle it embeds for `dt serve`'s page.
import { readFileSync } from "node:fs"
import { gzipSync } from "node:zlib"
import { build } from "esbuild"

const outfile = new URL("./dist/user-manager.js", import.meta.url).pathname
await build({
  entryPoints: [new URL("./src/index.ts", import.meta.url).pathname],
  bundle: true,
  minify: true,
  format: "esm",
  target: "es2022",
  legalComments: "none",
  outfile
})
const code = readFileSync(outfile)
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`
console.log(
  `dist/user-manager.js: ${kb(code.length)} minified, ${kb(gzipSync(code, { level: 9 }).length)} minified + gzip`
)
