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

const formats = new Map<string, Intl.NumberFormat>()

/** Counts as the element's reader writes them ("100,001" in English, "100.001" in German). */
export const numberFormatOf = (element: Element): Intl.NumberFormat => {
  const locale = localeOf(element) ?? ""
  let format = formats.get(locale)
  if (format === undefined) {
    try {
      format = new Intl.NumberFormat(locale === "" ? undefined : locale)
    } catch {
      // A `lang` that is no language tag: the browser's own.
      format = new Intl.NumberFormat()
    }
    formats.set(locale, format)
  }
  return format
}

/** A list's total as the reader writes it, "+" after a total the server stopped counting at ("10,000+"). */
export const formatTotal = (format: Intl.NumberFormat, total: number, exact: boolean): string =>
  `${format.format(total)}${exact ? "" : "+"}`
