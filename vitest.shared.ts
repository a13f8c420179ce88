import { defaultClientConditions, defaultServerConditions } from "vite"

/**
 * Inside the monorepo the packages are tested from their TypeScript sources: each package's `exports` lead the
 * "@user-manager/source" condition to `src/*.ts` (published consumers get `dist/*.js`). Every test project spreads this.
 */
export const fromSources = {
  resolve: { conditions: ["@user-manager/source", ...defaultClientConditions] },
  ssr: { resolve: { conditions: ["@user-manager/source", ...defaultServerConditions] } }
}
