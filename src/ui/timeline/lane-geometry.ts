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
