/**
 * The language an element is read in: the `lang` of its nearest ancestor that has one, looking out through the shadow
 * roots it sits in (the page's `<html lang>` at the latest); undefined when none says, so that `Intl` takes the
 * browser's.
 */
export const localeOf = (element: Element): string | undefined => {
  let node: Element | undefined = element
  while (node !== undefined) {
    const lang = node.closest("[lang]")?.getAttribute("lang")
    if (lang !== undefined && lang !== null && lang !== "") return lang
    const root = node.getRootNode()
    node = root instanceof ShadowRoot ? root.host : undefined
  }
  return undefined
}

/** How the element writes a number: `Intl.NumberFormat`'s `format`, or the same written without it (`english`). */
export interface NumberFormat {
  readonly format: (value: number) => string
}

/** The `lang` tags whose numbers `english` writes: English as the United States and `Intl` without a region write it. */
const ENGLISH = new Set(["en", "en-us"])

/**
 * English numbers written without `Intl`: a comma every three digits of an integer ("100,001"), as
 * `Intl.NumberFormat("en")` writes it. The first `Intl.NumberFormat` of a fresh page loads the browser's locale data,
 * 30 to 90 ms of the main thread before an English first page could show its counts (issue 21's trace); anything but
 * a safe integer is still written by `Intl`.
 */
const english = (): NumberFormat => {
  let intl: Intl.NumberFormat | undefined
  return {
    format: (value) => {
      if (!Number.isSafeInteger(value)) {
        intl ??= new Intl.NumberFormat("en")
        return intl.format(value)
      }
      const grouped = String(Math.abs(value)).replace(/\B(?=(\d{3})+$)/g, ",")
      return value < 0 ? `-${grouped}` : grouped
    }
  }
}

const formats = new Map<string, NumberFormat>()

/** Numbers as a reader of `locale` (a `lang`; undefined: the browser's language) writes them. */
export const numberFormatFor = (locale: string | undefined): NumberFormat => {
  const key = locale ?? ""
  let format = formats.get(key)
  if (format === undefined) {
    if (ENGLISH.has(key.toLowerCase())) format = english()
    else {
      try {
        format = new Intl.NumberFormat(key === "" ? undefined : key)
      } catch {
        // A `lang` that is no language tag: the browser's own.
        format = new Intl.NumberFormat()
      }
    }
    formats.set(key, format)
  }
  return format
}

/** Counts as the element's reader writes them ("100,001" in English, "100.001" in German). */
export const numberFormatOf = (element: Element): NumberFormat => numberFormatFor(localeOf(element))

/** A list's total as the reader writes it, "+" after a total the server stopped counting at ("10,000+"). */
export const formatTotal = (format: NumberFormat, total: number, exact: boolean): string =>
  `${format.format(total)}${exact ? "" : "+"}`

const dateFormats = new Map<string, Intl.DateTimeFormat>()

/** Dates and times as the element's reader writes them ("Dec 5, 2026, 6:30 AM" in English, "05.12.2026, 06:30" in German). */
export const dateFormatOf = (element: Element): Intl.DateTimeFormat => {
  const locale = localeOf(element) ?? ""
  let format = dateFormats.get(locale)
  if (format === undefined) {
    const options: Intl.DateTimeFormatOptions = { dateStyle: "medium", timeStyle: "short" }
    try {
      format = new Intl.DateTimeFormat(locale === "" ? undefined : locale, options)
    } catch {
      // A `lang` that is no language tag: the browser's own.
      format = new Intl.DateTimeFormat(undefined, options)
    }
    dateFormats.set(locale, format)
  }
  return format
}
