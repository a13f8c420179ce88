import axe from "axe-core"
import { expect } from "vitest"
import type { UserManagerClient } from "../src/Client.js"
import "../src/user-manager/user-manager.js"
import type { UserManagerElement } from "../src/user-manager/user-manager.component.js"

/** A tab of `<user-manager>`. */
type Tab = "users" | "groups" | "tokens"

/**
 * A small harness over `<user-manager>`: mounts it on a client and reaches into its tabs' shadow roots, so tests read
 * as the steps a person takes.
 */
export const mount = async (
  client: UserManagerClient,
  options: { readonly syncUrl?: boolean; readonly lang?: string; readonly dir?: "ltr" | "rtl" } = {}
) => {
  // As in a host page: the element inside the page's main landmark, under its heading.
  const main = document.createElement("main")
  const heading = document.createElement("h1")
  heading.textContent = "User Manager"
  const element = document.createElement("user-manager")
  element.client = client
  if (options.syncUrl === true) element.setAttribute("sync-url", "")
  if (options.lang !== undefined) element.setAttribute("lang", options.lang)
  if (options.dir !== undefined) element.setAttribute("dir", options.dir)
  main.append(heading, element)
  document.body.replaceChildren(main)
  const root = element.shadowRoot as ShadowRoot
  const tabRoot = (name: Tab) => (root.querySelector(`um-${name}-tab`) as HTMLElement).shadowRoot as ShadowRoot
  const h = {
    element: element as UserManagerElement,
    root,
    tab: (name: Tab) => root.querySelector(`#tab-${name}`) as HTMLElement,
    panel: (name: Tab) => tabRoot(name),
    /** The body rows of a tab, as the text of their data cells (not the checkbox's or the "⋯" button's). */
    rows: (name: Tab = "users") =>
      [...tabRoot(name).querySelectorAll('table[part="table"] > tbody > tr:not(.skeleton)')].map((row) =>
        [...row.querySelectorAll("td:not(.control)")].map((cell) => cell.textContent?.replace(/\s+/g, " ").trim() ?? "")
      ),
    row: (key: string, name: Tab = "users") =>
      tabRoot(name).querySelector(`tbody tr[data-${name === "users" ? "username" : "name"}="${key}"]`) as HTMLElement,
    in: <E extends Element = HTMLElement>(name: Tab, selector: string) => tabRoot(name).querySelector(selector) as E,
    /** The button of `name`'s tab whose text is `text`. */
    button: (name: Tab, text: string, within = "") =>
      [...tabRoot(name).querySelectorAll<HTMLButtonElement>(`${within} button`)].find(
        (button) => button.textContent?.trim() === text && button.offsetParent !== null
      ) as HTMLButtonElement,
    menuItem: (name: Tab, text: string) =>
      [...tabRoot(name).querySelectorAll<HTMLElement>("[role=menuitem]")].find(
        (item) => item.textContent?.trim() === text
      ) as HTMLElement,
    /** The element that has focus, looking through shadow roots. */
    focused: () => {
      let active: Element | null = document.activeElement
      while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement
      return active
    }
  }
  // The first mount of a file, and a first render in another language, wait for modules Vite serves on demand.
  await expect.poll(() => h.rows().length, { timeout: 15_000 }).toBeGreaterThan(0)
  return h
}

/** Fails with the rule, the element and the help text of every axe-core violation on the page. */
export const expectNoAxeViolations = async () => {
  const results = await axe.run(document, { resultTypes: ["violations"] })
  const found = results.violations.map(
    (violation) =>
      `${violation.id}: ${violation.help} — ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`
  )
  expect(found).toEqual([])
}
