/**
 * Two logs of one migration on one axis: where each side's time 0 goes (its first migration
 * event, or its first device section), and the same rows on both sides, one per section in
 * stream order, so that a device sits on the same row in the save and the load timeline. A
 * section one side does not have (the load stopped before it) is an empty row there. Pure.
 */
import { boundsOf, type TimeBounds, type TimeWindow } from './time-scale.ts';
import type { TimelineLane, TimelineLayout } from './timeline-layout.ts';

/**
 * `start`: each side from its own first migration event; `device`: both sides lined up at the
 * start of their first device section (after the RAM records), where the device state begins.
 */
export type AlignMode = 'start' | 'device';

export const ALIGN_LABEL: Readonly<Record<AlignMode, string>> = {
  start: 'each from its first event',
  device: 'at the first device section',
};

/** A section that is not iterable: one record, its state in one go. */
function isDevice(lane: TimelineLane): boolean {
  return lane.kind === 'section' && (lane.rows[0]?.bars ?? []).every((b) => b.kind === 'section');
}

/** The time (in the layout's own units) that the shared axis calls 0. */
export function alignPoint(layout: TimelineLayout, mode: AlignMode): number {
  const present = layout.lanes.filter((l) => l.absent !== true);
  if (mode === 'device') {
    const device = present.find(isDevice);
    if (device !== undefined) return device.start;
  }
  return present.reduce((min, l) => Math.min(min, l.start), Number.POSITIVE_INFINITY);
}

/** One row per section of either side, in stream order: the save side's, with the load side's others where they come. */
export function mergedLaneKeys(a: readonly TimelineLane[], b: readonly TimelineLane[]): string[] {
  const out: string[] = [];
  const inA = new Set(a.map((l) => l.key));
  const inB = new Set(b.map((l) => l.key));
  const seen = new Set<string>();
  let i = 0;
  let j = 0;
  const take = (key: string): void => {
    if (!seen.has(key)) {
      seen.add(key);
      out.push(key);
    }
  };
  while (i < a.length || j < b.length) {
    const x = a[i]?.key;
    const y = b[j]?.key;
    if (x !== undefined && (x === y || y === undefined || !inB.has(x) || seen.has(y))) {
      take(x);
      i++;
      if (x === y) j++;
    } else if (y !== undefined && (!inA.has(y) || x === undefined || seen.has(x))) {
      take(y);
      j++;
    } else {
      // Both come later on the other side (the orders differ): keep the save side's order.
      if (x !== undefined) take(x);
      i++;
    }
  }
  return out;
}

function absentLane(template: TimelineLane): TimelineLane {
  return {
    ...template,
    absent: true,
    failure: false,
    ok: true,
    rows: template.rows.map(() => ({ bars: [], starts: new Float64Array(0), maxEnds: new Float64Array(0) })),
    spanCount: 0,
    version: undefined,
    handler: undefined,
  };
}

/** The layout with its lanes in `keys` order, an empty row for each key it lacks. */
export function withLaneOrder(layout: TimelineLayout, keys: readonly string[], others: readonly TimelineLane[]): TimelineLayout {
  const byKey = new Map(layout.lanes.map((l) => [l.key, l]));
  const otherByKey = new Map(others.map((l) => [l.key, l]));
  const lanes = keys.map((k) => byKey.get(k) ?? absentLane(otherByKey.get(k) as TimelineLane));
  const failingLane = layout.failure?.laneIndex !== undefined ? layout.lanes[layout.failure.laneIndex] : undefined;
  const failure =
    layout.failure === undefined
      ? undefined
      : { ...layout.failure, laneIndex: failingLane !== undefined ? keys.indexOf(failingLane.key) : undefined };
  return { ...layout, lanes, failure: failure !== undefined && failure.laneIndex === -1 ? { ...failure, laneIndex: undefined } : failure };
}

export interface SharedAxis {
  /** What each side's own time `shift` is on the shared axis: shared = own - shift. */
  readonly shifts: readonly [number, number];
  readonly bounds: TimeBounds;
  readonly focus: TimeWindow;
}

/** One axis for both sides: their bounds and focus windows, each moved by its own shift, joined. */
export function sharedAxis(a: TimelineLayout, b: TimelineLayout, mode: AlignMode): SharedAxis {
  const shifts = [alignPoint(a, mode), alignPoint(b, mode)] as const;
  const start = Math.min(a.bounds.start - shifts[0], b.bounds.start - shifts[1]);
  const end = Math.max(a.bounds.end - shifts[0], b.bounds.end - shifts[1]);
  const bounds = boundsOf(start, end, Math.min(a.bounds.minSpan, b.bounds.minSpan));
  const focus = {
    start: Math.max(bounds.start, Math.min(a.focus.start - shifts[0], b.focus.start - shifts[1])),
    end: Math.min(bounds.end, Math.max(a.focus.end - shifts[0], b.focus.end - shifts[1])),
  };
  return { shifts, bounds, focus };
}

/** Why two logs cannot share an axis, or undefined when they can. */
export function cannotShareAxis(a: TimelineLayout, b: TimelineLayout): string | undefined {
  if (a.timeBase === b.timeBase && a.timeBase === 'us') return undefined;
  const bare = a.timeBase === 'line' ? 'the save trace' : 'the load log';
  return `${bare} has no timestamps (it runs on log lines), so the two cannot share a time axis`;
}
