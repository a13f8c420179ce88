/** Whether a key press asks for the context menu: the ContextMenu key or Shift+F10 (WAI-ARIA menu pattern). */
export const isMenuKey = (event: KeyboardEvent): boolean =>
  event.key === "ContextMenu" || (event.shiftKey && event.key === "F10")

/**
 * Keeps the browser's own context menu off an open menu of ours: where the ContextMenu key fires its `contextmenu` on
 * key-up (Chromium on Windows), it reaches the item our menu has just focused, and the browser's menu would take the
 * focus and so close ours.
 */
export const keepOwnMenu = (event: MouseEvent): void => event.preventDefault()

/** The index that ArrowUp/ArrowDown/Home/End moves to in a list of `count` items, or undefined for other keys. */
export const nextIndex = (key: string, current: number, count: number, wrap: boolean): number | undefined => {
  if (count === 0) return undefined
  switch (key) {
    case "ArrowDown":
      return current + 1 < count ? current + 1 : wrap ? 0 : current
    case "ArrowUp":
      return current > 0 ? current - 1 : wrap ? count - 1 : current
    case "Home":
      return 0
    case "End":
      return count - 1
    default:
      return undefined
  }
}

/** Calls `run` once `wait` ms after the last call (search fields ask the server only when typing pauses). */
export const debounce = <A extends ReadonlyArray<unknown>>(run: (...args: A) => void, wait: number) => {
  let timer: ReturnType<typeof setTimeout> | undefined
  return (...args: A) => {
    clearTimeout(timer)
    timer = setTimeout(() => run(...args), wait)
  }
}

/**
 * Keeps Tab and Shift+Tab inside a modal dialog: from its last control to its first and back. A native modal
 * `<dialog>` makes the page inert but lets Tab leave for the browser's own controls (or, in an iframe, the parent).
 */
export const trapFocus = (event: KeyboardEvent): void => {
  if (event.key !== "Tab") return
  const dialog = event.currentTarget as HTMLElement
  const focusable = [
    ...dialog.querySelectorAll<HTMLElement>("input:not([disabled]), button:not([disabled]), [tabindex]")
  ].filter((element) => element.tabIndex >= 0 && element.offsetParent !== null)
  const first = focusable[0]
  const last = focusable.at(-1)
  const active = (dialog.getRootNode() as ShadowRoot).activeElement
  if (!event.shiftKey && active === last) {
    event.preventDefault()
    first?.focus()
  } else if (event.shiftKey && active === first) {
    event.preventDefault()
    last?.focus()
  }
}

/**
 * Puts the focus back where it was before a dialog opened (`target`, else `fallback` when that has left the page), as
 * the dialog's `close` event comes, unless it has moved on: that event comes after the browser has given the focus
 * back, and a key pressed in between (the next row, the context-menu key) must not be undone.
 */
export const restoreFocus = (
  root: ShadowRoot,
  target: HTMLElement | undefined,
  fallback: () => HTMLElement | undefined
): void => {
  const current = root.activeElement
  if (current !== null && current.closest("dialog") === null) return
  if (target?.isConnected === true) target.focus()
  else fallback()?.focus()
}
