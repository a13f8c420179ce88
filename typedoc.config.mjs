// The API reference (`npm run docs:api` → docs/api/): TypeDoc over each publishable package's public entry points,
// from the JSDoc in the sources. The CLI is left out: it publishes a command, not a module (no "exports").
import { OptionDefaults } from "typedoc"

/** @type {Partial<import("typedoc").TypeDocOptions>} */
export default {
  name: "User Manager",
  entryPointStrategy: "packages",
  entryPoints: [
    "packages/core",
    "packages/formats",
    "packages/kysely",
    "packages/server",
    "packages/testing",
    "packages/web-components"
  ],
  packageOptions: {
    entryPoints: ["src/index.ts"],
    // The element classes document their styling API with the custom-elements-manifest tags; the element's types
    // generated from the OpenAPI document (openapi-typescript) carry its descriptions as @description.
    blockTags: [...OptionDefaults.blockTags, "@csspart", "@cssproperty", "@description"],
    // Source links name the repository of package.json, without asking git (a clone may have no remote).
    disableGit: true,
    sourceLinkTemplate: "https://github.com/user-manager/user-manager/blob/{gitRevision}/{path}#L{line}",
    gitRevision: "main",
    // `tsc -b` typechecks these sources (npm test runs it just before, in test/checks): TypeDoc only reads them.
    skipErrorChecking: true,
    // Only what the packages declare: not the members their classes inherit from Effect or Lit (Effect's and Lit's
    // own references document those).
    excludeExternals: true
  },
  out: "docs/api",
  readme: "none",
  treatWarningsAsErrors: true
}
