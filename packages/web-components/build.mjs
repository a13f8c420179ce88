// Builds the drop-in bundle: dist/user-manager.js registers <user-manager> with Lit inside, minified ESM, so a page
// needs only `<script type="module" src="user-manager.js">`. Each language catalog but English's is a file of its own
// beside it (dist/user-manager.de.js), which the bundle imports, relative to its own URL, only when an element is to
// speak that language: an English page never loads it. Prints the minified and gzip sizes (issue 6 budgets the bundle
// at 50 KB gzip: the catalogs are not part of it). The CLI's build imports this file to build the bundle and catalogs
// it embeds for `dt serve`'s page, and reads `files` to know them.
import { readFileSync } from "node:fs"
import { gzipSync } from "node:zlib"
import { build } from "esbuild"

/** The languages with a catalog (lit-localize's configuration). */
const { targetLocales } = JSON.parse(readFileSync(new URL("./lit-localize.json", import.meta.url), "utf8"))
const dist = new URL("./dist/", import.meta.url)
/** The file of each catalog, beside the bundle. */
const catalogFile = (locale) => `user-manager.${locale}.js`
/** The bundle's files, by name: the bundle first, then the catalogs. */
export const files = ["user-manager.js", ...targetLocales.map(catalogFile)]

const options = {
  bundle: true,
  minify: true,
  format: "esm",
  target: "es2022",
  legalComments: "none",
  logLevel: "warning"
}

/** Leaves each catalog out of the bundle: its `import()` asks for the catalog's own file, next to the bundle. */
const catalogsApart = {
  name: "catalogs-apart",
  setup(plugin) {
    plugin.onResolve({ filter: /\/generated\/locales\/[\w-]+\.js$/ }, ({ path, kind }) => {
      const locale = /([\w-]+)\.js$/.exec(path)?.[1]
      if (kind !== "dynamic-import" || !targetLocales.includes(locale)) return undefined
      return { path: `./${catalogFile(locale)}`, external: true }
    })
  }
}

await Promise.all([
  build({
    ...options,
    entryPoints: [new URL("./src/index.ts", import.meta.url).pathname],
    outfile: new URL("user-manager.js", dist).pathname,
    plugins: [catalogsApart]
  }),
  ...targetLocales.map((locale) =>
    build({
      ...options,
      entryPoints: [new URL(`./src/generated/locales/${locale}.ts`, import.meta.url).pathname],
      outfile: new URL(catalogFile(locale), dist).pathname,
      // A catalog needs only `str` (a tag that keeps a template's parts), not the localization runtime.
      alias: { "@lit/localize": "@lit/localize/internal/str-tag.js" }
    })
  )
])

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`
for (const file of files) {
  const code = readFileSync(new URL(file, dist))
  console.log(`dist/${file}: ${kb(code.length)} minified, ${kb(gzipSync(code, { level: 9 }).length)} minified + gzip`)
}
