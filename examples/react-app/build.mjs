// Bundles the React app (src/main.tsx, with React and <user-manager>) into dist/app.js, minified ESM for the browser.
import { build } from "esbuild"

export const outfile = new URL("./dist/app.js", import.meta.url).pathname

await build({
  entryPoints: [new URL("./src/main.tsx", import.meta.url).pathname],
  outfile,
  bundle: true,
  // The workspace packages are read from their TypeScript sources (their exports' "@user-manager/source" condition).
  conditions: ["@user-manager/source"],
  minify: true,
  format: "esm",
  target: "es2022",
  jsx: "automatic",
  define: { "process.env.NODE_ENV": '"production"' },
  legalComments: "none",
  logLevel: "warning"
})
