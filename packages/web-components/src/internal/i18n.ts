import { configureLocalization, type LocaleModule, updateWhenLocaleChanges } from "@lit/localize"
import { html, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from "lit"
import { sourceLocale, targetLocales } from "../generated/locale-codes.js"
import { localeOf, numberFormatFor } from "./locale.js"

/** A language the element speaks: English (its source) or a catalog it ships. */
export type Language = typeof sourceLocale | (typeof targetLocales)[number]

/**
 * The catalogs, loaded when a language first asks for one: an English page never loads one. A host's bundler (Vite,
 * webpack…) makes each a chunk of its own; the drop-in `user-manager.js` imports each from a file beside it
 * (`user-manager.de.js`, see build.mjs).
 */
const catalogs: Readonly<Record<(typeof targetLocales)[number], () => Promise<{ readonly templates: object }>>> = {
  de: () => import("../generated/locales/de.js")
}

const { getLocale, setLocale } = configureLocalization({
  sourceLocale,
  targetLocales,
  loadLocale: (locale) => catalogs[locale as (typeof targetLocales)[number]]() as Promise<LocaleModule>
})

/**
 * The language the element speaks for a `lang` (a BCP 47 tag): its primary language when a catalog has it ("de-CH" →
 * German), else English.
 */
export const languageFor = (lang: string | undefined): Language => {
  const primary = (lang ?? "").split(/[-_]/)[0]?.toLowerCase() ?? ""
  return (targetLocales as ReadonlyArray<string>).includes(primary) ? (primary as Language) : sourceLocale
}

/** The language whose catalog the element renders with now. */
export const activeLanguage = (): Language => getLocale() as Language

/** A number as that language writes it ("1,000"; "1.000" in German), for sentences made far from an element. */
export const formatNumber = (value: number): string => numberFormatFor(activeLanguage()).format(value)

/**
 * The back end's own words (a refusal's sentence, worded by the core in English, for a tag the catalog does not know):
 * marked as English when the element speaks another language, so that a screen reader reads them as such.
 */
export const serverWords = (words: string): TemplateResult | string =>
  activeLanguage() === sourceLocale ? words : html`<span lang=${sourceLocale}>${words}</span>`

/** The elements connected whose `LanguageController` switches the catalog. */
const followers = new WeakSet<Element>()

/** Whether `element` sits in the shadow root of a follower (or of an element inside one). */
const insideFollower = (element: Element): boolean => {
  let root = element.getRootNode()
  while (root instanceof ShadowRoot) {
    if (followers.has(root.host)) return true
    root = root.host.getRootNode()
  }
  return false
}

/**
 * Makes an element speak the language of its `lang` (its own, else its nearest ancestor's, else the page's `<html lang>`),
 * again whenever one of them changes, and renders it again once the catalog is switched. The catalog is the page's:
 * every `<user-manager>` of a page speaks the language the last one switched to.
 */
export class LanguageController implements ReactiveController {
  readonly #host: ReactiveControllerHost & HTMLElement
  #observer: MutationObserver | undefined
  /** While a catalog the host was connected in is loading: settles once it is active, or failed to come. */
  #loading: Promise<void> | undefined

  constructor(host: ReactiveControllerHost & HTMLElement) {
    this.#host = host
    host.addController(this)
    updateWhenLocaleChanges(host)
  }

  /** The language the host's `lang` asks for (English when no catalog has it). */
  get wanted(): Language {
    return languageFor(localeOf(this.#host))
  }

  /** Switches the catalog to the language the host's `lang` asks for; resolves once it renders in it. */
  follow(): Promise<void> {
    return setLocale(this.wanted)
  }

  /**
   * Settles once the catalog of the language the host was connected in is active (or failed to come, and English
   * stays): undefined when it was active already. A host may wait for it before its first render, so that a German
   * page never shows a frame of English while the catalog file loads.
   */
  get loading(): Promise<void> | undefined {
    return this.#loading
  }

  hostConnected(): void {
    // Inside an element that follows `lang` already (a tab of `<user-manager>`): that one switches the catalog, from
    // the `lang` of the page around it (the marks of its own content's language, which it renders, are no wish).
    if (insideFollower(this.#host)) return
    followers.add(this.#host)
    const switching = this.wanted !== activeLanguage()
    const followed = this.follow()
    if (switching) {
      const loading = followed.catch(() => undefined)
      this.#loading = loading
      void loading.then(() => {
        if (this.#loading === loading) this.#loading = undefined
      })
    }
    // A `lang` set on the element, on any element of the page around it, or on the page: the language may have changed.
    this.#observer = new MutationObserver(() => void this.follow())
    this.#observer.observe(this.#host, { attributes: true, attributeFilter: ["lang"] })
    this.#observer.observe(document.documentElement, { attributes: true, attributeFilter: ["lang"], subtree: true })
  }

  hostDisconnected(): void {
    followers.delete(this.#host)
    this.#observer?.disconnect()
    this.#observer = undefined
  }
}
