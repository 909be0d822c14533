/** Pixel geometry shared by the timeline's parts: lane height and where each row sits. */

export const LANE_H = 24;
export const ROW1_TOP = 15;
export const ROW2_TOP = 20;

/** Vertical place of each row inside a lane: [top, height]. */
export const ROW_BOX: readonly (readonly [number, number])[] = [
  [3, 10],
  [ROW1_TOP, 4],
  [ROW2_TOP, 3],
];

/** Keeps far-off coordinates (deep zoom) from reaching the SVG as huge numbers. */
export function clampX(x: number, width: number): number {
  return Math.max(-2, Math.min(width + 2, x));
}

/** Room between the failure line (or a bar) and the label's text. */
const LABEL_GAP = 6;
/** A label squeezed into less than this says nothing: the strip above the lanes has it whole. */
const MIN_LABEL_PX = 48;
/** A bar this close to the failure line still leaves the label next to it. */
const NEAR_PX = 12;

export interface LabelPlacement {
  /** Where the text starts (anchor `start`) or ends (`end`). */
  readonly x: number;
  readonly anchor: 'start' | 'end';
  /** The text, cut with an ellipsis to fit. */
  readonly text: string;
  /** The horizontal extent it takes, for tests: [left, right]. */
  readonly extent: readonly [number, number];
}

/**
 * Where the failure label goes in its lane so that it covers no bar: in a stretch of the lane
 * no bar reaches, the one nearest the failure line that holds the whole text, else the widest
 * (the text cut to fit), else nowhere. `bars` are the lane's drawn [x1, x2] in pixels.
 */
export function failureLabelPlacement(
  fx: number,
  bars: readonly (readonly [number, number])[],
  width: number,
  text: string,
  measure: (s: string) => number,
): LabelPlacement | undefined {
  const sorted = [...bars].map(([a, b]) => [Math.max(0, a), Math.min(width, b)] as const).filter(([a, b]) => b >= a).sort((x, y) => x[0] - y[0]);
  // The gaps between bars (with the line itself as an obstacle).
  const obstacles = [...sorted, [fx - 1, fx + 1] as const].sort((x, y) => x[0] - y[0]);
  const gaps: [number, number][] = [];
  let at = 0;
  for (const [a, b] of obstacles) {
    if (a > at) gaps.push([at, a]);
    at = Math.max(at, b);
  }
  if (at < width) gaps.push([at, width]);
  const room = (g: readonly [number, number]): number => g[1] - g[0] - 2 * LABEL_GAP;
  const full = measure(text);
  // Within a few pixels of the line counts as next to it; then after the line reads first.
  const distance = (g: readonly [number, number]): number => Math.max(0, (fx < g[0] ? g[0] - fx : fx > g[1] ? fx - g[1] : 0) - NEAR_PX);
  const after = (g: readonly [number, number]): number => (g[0] >= fx - 1 ? 0 : 1);
  const fits = gaps.filter((g) => room(g) >= full).sort((x, y) => distance(x) - distance(y) || after(x) - after(y));
  const gap = fits[0] ?? [...gaps].sort((x, y) => room(y) - room(x))[0];
  if (gap === undefined || room(gap) < MIN_LABEL_PX) return undefined;
  const shown = fitText(text, room(gap), measure);
  const w = measure(shown);
  // Next to the line when the gap touches it, else at the gap's edge nearest to it.
  if (gap[1] <= fx + 1) return { x: gap[1] - LABEL_GAP, anchor: 'end', text: shown, extent: [gap[1] - LABEL_GAP - w, gap[1] - LABEL_GAP] };
  return { x: gap[0] + LABEL_GAP, anchor: 'start', text: shown, extent: [gap[0] + LABEL_GAP, gap[0] + LABEL_GAP + w] };
}

function fitText(text: string, room: number, measure: (s: string) => number): string {
  if (measure(text) <= room) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (measure(`${text.slice(0, mid)}…`) <= room) lo = mid;
    else hi = mid - 1;
  }
  return `${text.slice(0, lo)}…`;
}
