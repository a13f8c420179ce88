import { describe, expect, it } from "vitest"
import type { UserManagerElement } from "../src/user-manager/user-manager.component.js"
import "../src/user-manager/user-manager.js"
import { seeded } from "./CoreClient.js"

// A file of its own: the German catalog must not have been loaded by an earlier test of the page.
describe("the first render in another language", () => {
  it("renders nothing in English on a German page while its catalog loads: its first render is German", async () => {
    const { client } = await seeded()
    const element = document.createElement("user-manager") as UserManagerElement
    element.client = client
    element.setAttribute("lang", "de")
    document.body.replaceChildren(element)
    await element.updateComplete
    const tabs = () => [...(element.shadowRoot?.querySelectorAll("[role=tab]") ?? [])].map((tab) => tab.textContent)
    expect(tabs()[0]).toMatch(/^\s*Benutzer/)
    expect(tabs()[1]).toMatch(/^\s*Gruppen/)
  })
})
