import { css, html, type TemplateResult } from "lit"

/** How many placeholder rows a list shows while its first page loads. */
export const SKELETON_ROWS = 8

/**
 * The placeholder rows of a table whose page is loading and that has nothing to show yet: grey bars in the shape of
 * rows, hidden from assistive technology (the table is `aria-busy` and the pager says it is loading).
 */
export const skeletonRows = (columns: number): ReadonlyArray<TemplateResult> =>
  Array.from(
    { length: SKELETON_ROWS },
    (_, row) => html`<tr class="skeleton" aria-hidden="true">
      ${Array.from(
        { length: columns },
        (_, column) =>
          html`<td><span class="bone" style=${`width:${45 + ((row * 7 + column * 13) % 40)}%`}></span></td>`
      )}
    </tr>`
  )

/**
 * The look of a loading list: the placeholder rows' bars (pulsing, unless reduced motion is asked for), and the rows
 * of the previous page dimmed while the next one loads (only after a moment, so that a quick answer does not flicker).
 */
export const skeletonStyles = css`
  tbody tr.skeleton {
    cursor: progress;
  }
  tbody tr.skeleton:hover {
    background: none;
  }
  .bone {
    display: inline-block;
    height: 0.8em;
    border-radius: 4px;
    background: var(--_border);
    opacity: 0.7;
    animation: um-pulse 1.2s ease-in-out infinite alternate;
  }
  @keyframes um-pulse {
    to {
      opacity: 0.3;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .bone {
      animation: none;
    }
  }
  table[aria-busy="true"] > tbody {
    opacity: 0.55;
    transition: opacity 0s 0.2s;
  }
  table[aria-busy="true"] > tbody:has(> tr.skeleton) {
    opacity: 1;
  }
`
