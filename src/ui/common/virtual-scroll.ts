/**
 * Math for lists of fixed-height rows that render only what is on screen. Browsers cap an
 * element's height (about 33 million px in Chromium), and a 1 GiB stream has 67 million hex
 * rows, so the scrollbar's range is scaled down past a limit and mapped back to rows here.
 */

/** Well under every engine's limit; beyond it one scroll pixel spans several rows. */
export const MAX_SCROLL_PX = 8_000_000;

export interface ScrollGeometry {
  readonly count: number;
  readonly rowHeight: number;
  readonly viewportHeight: number;
}

/** Height of the element that gives the scrollbar its range. */
export function spacerHeight(g: ScrollGeometry): number {
  return Math.max(g.viewportHeight, Math.min(g.count * g.rowHeight, MAX_SCROLL_PX));
}

/** Virtual pixels (as if every row were laid out) per real scroll pixel. */
function ratio(g: ScrollGeometry): number {
  const real = spacerHeight(g) - g.viewportHeight;
  const virtual = g.count * g.rowHeight - g.viewportHeight;
  return real > 0 && virtual > 0 ? virtual / real : 1;
}

export function virtualTopFromScroll(g: ScrollGeometry, scrollTop: number): number {
  return clampTop(g, scrollTop * ratio(g));
}

export function scrollFromVirtualTop(g: ScrollGeometry, virtualTop: number): number {
  return clampTop(g, virtualTop) / ratio(g);
}

export function clampTop(g: ScrollGeometry, virtualTop: number): number {
  return Math.max(0, Math.min(virtualTop, g.count * g.rowHeight - g.viewportHeight));
}

export interface RowWindow {
  /** First row to render. */
  readonly first: number;
  /** One past the last row to render. */
  readonly last: number;
}

export function rowWindow(g: ScrollGeometry, virtualTop: number, overscan: number): RowWindow {
  const first = Math.max(0, Math.floor(virtualTop / g.rowHeight) - overscan);
  const last = Math.min(g.count, Math.ceil((virtualTop + g.viewportHeight) / g.rowHeight) + overscan);
  return { first, last: Math.max(first, last) };
}

/**
 * 'nearest' scrolls as little as possible; 'start' puts the row at the top; 'start-if-hidden'
 * leaves a visible row alone and puts a hidden one at the top.
 */
export type RevealAlign = 'nearest' | 'start' | 'start-if-hidden';

/**
 * Virtual top that brings row `index` into view, or undefined when no scrolling is needed.
 * `context` rows stay visible beyond it.
 */
export function revealTop(g: ScrollGeometry, virtualTop: number, index: number, align: RevealAlign, context = 0): number | undefined {
  const rowTop = index * g.rowHeight;
  const rowBottom = rowTop + g.rowHeight;
  const visible = rowTop >= virtualTop && rowBottom <= virtualTop + g.viewportHeight;
  if (align === 'start-if-hidden' && visible) return undefined;
  if (align === 'nearest') {
    if (visible) return undefined;
    if (rowTop < virtualTop) return clampTop(g, rowTop - context * g.rowHeight);
    return clampTop(g, rowBottom - g.viewportHeight + context * g.rowHeight);
  }
  return clampTop(g, rowTop - context * g.rowHeight);
}
