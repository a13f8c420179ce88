/** Whether a key press asks for the context menu: the ContextMenu key or Shift+F10 (WAI-ARIA menu pattern). */
export const isMenuKey = (event: KeyboardEvent): boolean =>
  event.key === "ContextMenu" || (event.shiftKey && event.key === "F10")

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
