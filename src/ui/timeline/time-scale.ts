/**
 * The timeline's horizontal geometry: which slice of the log's time is visible, how it maps to
 * pixels, and how zoom and pan change it without leaving the log. Pure: d3-scale does the
 * arithmetic, React draws.
 *
 * Times are in the log's own unit (microseconds, or line numbers for logs without
 * timestamps), relative to the layout's origin.
 */
import { format, precisionFixed } from 'd3-format';
import { scaleLinear, type ScaleLinear } from 'd3-scale';
import type { TimeBase } from '../../trace/index.ts';

/** The visible time range. */
export interface TimeWindow {
  readonly start: number;
  readonly end: number;
}

/** Where the window may go: the whole log, and the narrowest zoom that still means something. */
export interface TimeBounds {
  readonly start: number;
  readonly end: number;
  readonly minSpan: number;
}

export function timeScale(win: TimeWindow, width: number): ScaleLinear<number, number> {
  return scaleLinear().domain([win.start, win.end]).range([0, Math.max(1, width)]);
}

export function timeToPx(win: TimeWindow, width: number, t: number): number {
  return timeScale(win, width)(t);
}

export function pxToTime(win: TimeWindow, width: number, px: number): number {
  return timeScale(win, width).invert(px);
}

/** Bounds of a log spanning [start, end]: never narrower than `minSpan` (a one-event log). */
export function boundsOf(start: number, end: number, minSpan: number): TimeBounds {
  const span = end - start;
  if (span >= minSpan) return { start, end, minSpan };
  const mid = (start + end) / 2;
  return { start: mid - minSpan / 2, end: mid + minSpan / 2, minSpan };
}

export function fullWindow(bounds: TimeBounds): TimeWindow {
  return { start: bounds.start, end: bounds.end };
}

/** The same window moved and narrowed as little as needed to lie within the bounds. */
export function clampWindow(win: TimeWindow, bounds: TimeBounds): TimeWindow {
  const full = bounds.end - bounds.start;
  const span = Math.min(full, Math.max(bounds.minSpan, win.end - win.start));
  const start = Math.min(bounds.end - span, Math.max(bounds.start, win.start));
  return { start, end: start + span };
}

/**
 * Zooms by `factor` (> 1 in, < 1 out) keeping time `anchor` at the same pixel, the way a map
 * zooms around the pointer.
 */
export function zoomAround(win: TimeWindow, bounds: TimeBounds, factor: number, anchor: number): TimeWindow {
  const span = win.end - win.start;
  const nextSpan = Math.min(bounds.end - bounds.start, Math.max(bounds.minSpan, span / factor));
  const fraction = span > 0 ? (anchor - win.start) / span : 0.5;
  const start = anchor - fraction * nextSpan;
  return clampWindow({ start, end: start + nextSpan }, bounds);
}

export function panBy(win: TimeWindow, bounds: TimeBounds, delta: number): TimeWindow {
  return clampWindow({ start: win.start + delta, end: win.end + delta }, bounds);
}

/** Panning by a drag of `dx` pixels: the content follows the pointer. */
export function panByPx(win: TimeWindow, bounds: TimeBounds, width: number, dx: number): TimeWindow {
  return panBy(win, bounds, (-dx * (win.end - win.start)) / Math.max(1, width));
}

export function sameWindow(a: TimeWindow, b: TimeWindow): boolean {
  return a.start === b.start && a.end === b.end;
}

export interface AxisTick {
  readonly t: number;
  readonly x: number;
  readonly label: string;
}

export interface AxisUnit {
  readonly name: 'µs' | 'ms' | 's' | 'line';
  /** Log units per display unit. */
  readonly per: number;
}

/** The unit the axis labels use for the visible span: about 1 to 2000 of them across. */
export function axisUnit(win: TimeWindow, base: TimeBase): AxisUnit {
  if (base === 'line') return { name: 'line', per: 1 };
  const span = win.end - win.start;
  if (span < 2_000) return { name: 'µs', per: 1 };
  if (span < 2_000_000) return { name: 'ms', per: 1_000 };
  return { name: 's', per: 1_000_000 };
}

/** About one tick per 90 px; labels with as many decimals as the tick step needs. */
export function axisTicks(win: TimeWindow, width: number, base: TimeBase): AxisTick[] {
  const scale = timeScale(win, width);
  const count = Math.max(2, Math.floor(width / 90));
  let values = scale.ticks(count);
  if (base === 'line') values = values.filter((v) => Number.isInteger(v));
  const unit = axisUnit(win, base);
  const step = values.length > 1 ? ((values[1] as number) - (values[0] as number)) / unit.per : 1;
  const fmt = format(`.${precisionFixed(step)}f`);
  return values.map((t) => ({ t, x: scale(t), label: base === 'line' ? String(t) : fmt(t / unit.per) }));
}

/** A point in time for a tooltip: `+3.214 ms` after the first event, or `line 123`. */
export function formatTime(t: number, base: TimeBase): string {
  if (base === 'line') return `line ${Math.round(t)}`;
  return t < 0 ? `−${formatDuration(-t)}` : `+${formatDuration(t)}`;
}

/** A duration in microseconds, to a sensible precision. */
export function formatDuration(us: number): string {
  if (us < 1_000) return `${Math.round(us)} µs`;
  if (us < 1_000_000) return `${(us / 1_000).toFixed(us < 10_000 ? 3 : 2)} ms`;
  return `${(us / 1_000_000).toFixed(3)} s`;
}
