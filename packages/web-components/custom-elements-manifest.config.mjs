// The Custom Elements Manifest (`npm run analyze` writes custom-elements.json): the elements' public API only. Lit's
// plugin reads the decorators; the internal controllers and the generated catalogs are not analysed; and what a class
// keeps to itself (`#private` members, TypeScript `private`/`protected` ones such as `@state` fields, anything marked
// `@internal`) is left out, so that tools and readers of the manifest see the properties, methods, events, parts and
// custom properties a host uses.

/** Leaves out every class member that is not public. */
const publicMembersOnly = {
  name: "public-members-only",
  packageLinkPhase({ customElementsManifest }) {
    for (const module of customElementsManifest.modules) {
      for (const declaration of module.declarations ?? []) {
        if (declaration.members === undefined) continue
        declaration.members = declaration.members.filter(
          (member) => member.privacy !== "private" && member.privacy !== "protected" && !member.name.startsWith("#")
        )
      }
    }
  }
}

export default {
  globs: ["src/**/*.ts"],
  exclude: ["src/internal/**", "src/generated/**"],
  outdir: ".",
  litelement: true,
  plugins: [publicMembersOnly]
}
