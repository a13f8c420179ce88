import { describe, expect, it } from "vitest"
import manifestJson from "../custom-elements.json" with { type: "json" }
import { GroupsTab, TokensTab, UserManagerElement, UsersTab } from "../src/index.js"

/** What a Lit element defines that Lit calls, not a host: its lifecycle. */
const lifecycle = new Set([
  "constructor",
  "render",
  "willUpdate",
  "updated",
  "firstUpdated",
  "scheduleUpdate",
  "connectedCallback",
  "disconnectedCallback"
])

/** The public properties and methods each element offers a host (its README's "Properties"). */
const api = {
  "user-manager": { element: UserManagerElement, members: ["baseUrl", "client", "resume", "syncUrl", "tab"] },
  "um-users-tab": { element: UsersTab, members: ["client", "me", "navigate", "refresh", "where"] },
  "um-groups-tab": { element: GroupsTab, members: ["client", "me", "refresh"] },
  "um-tokens-tab": { element: TokensTab, members: ["client", "refresh"] }
} as const

/** The part of the manifest read here: each module's declarations, an element's tag and class members. */
interface Manifest {
  readonly modules: ReadonlyArray<{
    readonly declarations?: ReadonlyArray<{
      readonly kind: string
      readonly tagName?: string
      readonly members?: ReadonlyArray<{ readonly name: string; readonly privacy?: string }>
    }>
  }>
}
const manifest: Manifest = manifestJson

/** The manifest's declaration of the element registered as `tag`. */
const declaration = (tag: string) =>
  manifest.modules.flatMap((module) => module.declarations ?? []).find((declared) => declared.tagName === tag)

describe("custom-elements.json", () => {
  it.each(Object.keys(api) as Array<keyof typeof api>)(
    "lists only the public properties and methods of <%s>, none of its internal state",
    (tag) => {
      const members = declaration(tag)?.members ?? []
      expect(members.map((member) => member.name).sort()).toEqual([...api[tag].members].sort())
      expect(members.filter((member) => member.privacy !== undefined && member.privacy !== "public")).toEqual([])
    }
  )

  it.each(Object.keys(api) as Array<keyof typeof api>)(
    "matches what the class of <%s> exposes at run time (internal state is #private)",
    (tag) => {
      const exposed = Object.getOwnPropertyNames(api[tag].element.prototype).filter((name) => !lifecycle.has(name))
      expect(exposed.sort()).toEqual([...api[tag].members].sort())
    }
  )
})
