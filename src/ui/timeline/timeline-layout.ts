/**
 * A trace log as lanes to draw: one per device section (idstr#instance) in stream order, each
 * with three rows of bars (the section or its parts; the vmsds and subsections being
 * saved/loaded; their fields), and the failure point.
 *
 * Drawing every span of a long log would be tens of thousands of elements; `visibleRuns` gives
 * what one row needs at the current zoom: bars outside the window dropped (binary search), and
 * bars narrower than two pixels merged per pixel column. Pure; tested on real logs.
 */
import { clipText } from '../../lib/clip-text.ts';
import type { InnerSpan, SectionSpan, TimeBase, TraceModel, TraceSide } from '../../trace/index.ts';
import { boundsOf, clampWindow, fullWindow, type TimeBounds, type TimeWindow } from './time-scale.ts';

export type BarKind = 'configuration' | 'section' | 'part' | 'vmsd' | 'subsection' | 'field';

export interface TimelineBar {
  readonly kind: BarKind;
  readonly name: string;
  /** Relative to the layout's origin, in the log's unit. */
  readonly start: number;
  readonly end: number;
  /** 1-based log lines of its first and last event. */
  readonly line: number;
  readonly endLine: number;
  readonly ok: boolean;
  /** The innermost span open when the first error line was printed. */
  readonly failurePoint: boolean;
  /** Version loaded at, element count, how it ended: whatever the trace said. */
  readonly note?: string;
}

/** Bars of one row sorted by start (parents before children), with a running maximum of ends. */
export interface BarRow {
  readonly bars: readonly TimelineBar[];
  readonly starts: Float64Array;
  /** `maxEnds[i]` = the latest end among bars 0..i: finds the first bar reaching a time. */
  readonly maxEnds: Float64Array;
}

/** Row 0: the section (or each part of an iterable one); 1: vmsds and subsections; 2: fields. */
export const ROW_COUNT = 3;

export interface TimelineLane {
  /** `idstr#instance`, or `configuration`. */
  readonly key: string;
  readonly kind: 'section' | 'configuration';
  readonly idstr: string;
  readonly instance: number | undefined;
  /**
   * Save traces before 11.1 do not say instances: the n-th section of an idstr is taken to be
   * instance n, which is how QEMU numbers them when nothing sets one.
   */
  readonly instanceInferred: boolean;
  readonly start: number;
  readonly end: number;
  readonly line: number;
  readonly endLine: number;
  readonly ok: boolean;
  /** The section the failure happened in. */
  readonly failure: boolean;
  readonly version: number | undefined;
  readonly handler: string | undefined;
  readonly rows: readonly BarRow[];
  readonly spanCount: number;
  /** Compared timelines: a row kept for a section only the other side has (compare-layout.ts). */
  readonly absent?: true;
}

export interface TimelineFailure {
  readonly laneIndex: number | undefined;
  /** Relative time of the first error line (or of the failing section's end without one). */
  readonly at: number;
  readonly line: number;
  readonly message: string;
  readonly messages: readonly string[];
  /** Names from the section down to the failure point. */
  readonly path: readonly string[];
  readonly source: 'message' | 'trace';
}

export interface TimelineLayout {
  readonly side: TraceSide;
  readonly timeBase: TimeBase;
  /** What relative time 0 is: µs since the epoch, or line 0 for line-based logs. */
  readonly origin: number;
  readonly bounds: TimeBounds;
  /**
   * What to show first: from the first section to the last (or the failure). A source's log
   * often starts seconds before the migration (QEMU booting, the guest idling).
   */
  readonly focus: TimeWindow;
  readonly lanes: readonly TimelineLane[];
  readonly failure: TimelineFailure | undefined;
  readonly events: number;
  readonly spans: number;
}

/** Room left after the end of the log, as a fraction of its span. */
const EDGE_ROOM = 0.015;

/** Twenty microseconds, or four lines: zooming further shows nothing new. */
const MIN_SPAN = { us: 20, line: 4 } as const;

export function layoutTimeline(model: TraceModel): TimelineLayout {
  const origin = model.timeBase === 'us' ? model.migration.start : 0;
  const seen = new Map<string, number>();
  let spans = 0;
  const lanes = model.sections.map((section): TimelineLane => {
    const lane = laneOf(section, origin, seen, model.failure);
    spans += lane.spanCount;
    return lane;
  });

  const first = Math.min(model.migration.start, ...model.sections.map((s) => s.start)) - origin;
  const last = Math.max(model.migration.end, ...model.sections.map((s) => s.end)) - origin;
  const failure = failureOf(model, lanes, origin);
  const start = Number.isFinite(first) ? first : 0;
  const end = Math.max(start, failure !== undefined ? Math.max(last, failure.at) : last);
  // Room after the end, where failures are: the marker and its label must not touch the edge.
  const bounds = boundsOf(start, end + (end - start) * EDGE_ROOM, MIN_SPAN[model.timeBase]);
  return {
    side: model.side,
    timeBase: model.timeBase,
    origin,
    bounds,
    focus: focusOf(lanes, failure, bounds),
    lanes,
    failure,
    events: model.events,
    spans,
  };
}

function laneOf(section: SectionSpan, origin: number, seen: Map<string, number>, failure: TraceModel['failure']): TimelineLane {
  const isConfig = section.kind === 'configuration';
  let instance = section.instance;
  let inferred = false;
  if (!isConfig && instance === undefined) {
    instance = seen.get(section.idstr) ?? 0;
    inferred = true;
  }
  if (!isConfig) seen.set(section.idstr, Math.max(seen.get(section.idstr) ?? 0, (instance ?? 0) + 1));

  const rows: TimelineBar[][] = [[], [], []];
  const top = rows[0] as TimelineBar[];
  if (section.parts.length > 1) {
    for (const p of section.parts) {
      top.push({
        kind: 'part',
        name: `${section.idstr} ${p.type?.toUpperCase() ?? 'part'}`,
        start: p.start - origin,
        end: p.end - origin,
        line: p.line,
        endLine: p.endLine,
        ok: p.ret === undefined || p.ret >= 0,
        failurePoint: false,
        ...(p.ret !== undefined ? { note: `ret ${p.ret}` } : {}),
      });
    }
  } else {
    top.push({
      kind: isConfig ? 'configuration' : 'section',
      name: section.idstr,
      start: section.start - origin,
      end: section.end - origin,
      line: section.line,
      endLine: section.endLine,
      ok: section.ok,
      failurePoint: section.failurePoint === true,
      ...(section.handler !== undefined ? { note: `handler ${section.handler}` } : {}),
    });
  }
  let spanCount = top.length;
  const walk = (spansBelow: readonly InnerSpan[]): void => {
    for (const s of spansBelow) {
      const row = rows[s.kind === 'field' ? 2 : 1] as TimelineBar[];
      const note = [
        s.version !== undefined ? `v${s.version}` : undefined,
        s.elems !== undefined ? `${s.elems} element${s.elems === 1 ? '' : 's'}` : undefined,
        s.status !== undefined ? s.status : undefined,
        s.ret !== undefined ? `ret ${s.ret}` : undefined,
      ].filter((n) => n !== undefined);
      row.push({
        kind: s.kind,
        name: s.name,
        start: s.start - origin,
        end: s.end - origin,
        line: s.line,
        endLine: s.endLine,
        ok: s.ok,
        failurePoint: s.failurePoint === true,
        ...(note.length > 0 ? { note: note.join(', ') } : {}),
      });
      spanCount++;
      walk(s.children);
    }
  };
  walk(section.children);

  const failing = failure?.section !== undefined && failure.section.kind === section.kind && failure.section.idstr === section.idstr && (failure.section.instance === undefined || failure.section.instance === section.instance);
  return {
    key: isConfig ? 'configuration' : `${section.idstr}#${instance ?? 0}`,
    kind: section.kind,
    idstr: section.idstr,
    instance,
    instanceInferred: inferred,
    start: section.start - origin,
    end: section.end - origin,
    line: section.line,
    endLine: section.endLine,
    ok: section.ok,
    failure: failing || section.failurePoint === true,
    version: section.version,
    handler: section.handler,
    rows: rows.map(toRow),
    spanCount,
  };
}

function toRow(bars: TimelineBar[]): BarRow {
  // Parents first on equal starts, so children are drawn over them.
  bars.sort((a, b) => a.start - b.start || b.end - a.end);
  const starts = new Float64Array(bars.length);
  const maxEnds = new Float64Array(bars.length);
  let maxEnd = Number.NEGATIVE_INFINITY;
  bars.forEach((b, i) => {
    starts[i] = b.start;
    maxEnd = Math.max(maxEnd, b.end);
    maxEnds[i] = maxEnd;
  });
  return { bars, starts, maxEnds };
}

function focusOf(lanes: readonly TimelineLane[], failure: TimelineFailure | undefined, bounds: TimeBounds): TimeWindow {
  if (lanes.length === 0) return fullWindow(bounds);
  let start = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  for (const l of lanes) {
    start = Math.min(start, l.start);
    end = Math.max(end, l.end);
  }
  if (failure !== undefined) end = Math.max(end, failure.at);
  const span = end - start;
  return clampWindow({ start: start - span * EDGE_ROOM, end: end + span * EDGE_ROOM * 2 }, bounds);
}

function failureOf(model: TraceModel, lanes: readonly TimelineLane[], origin: number): TimelineFailure | undefined {
  const f = model.failure;
  if (f === undefined) return undefined;
  let laneIndex = lanes.findIndex((l) => l.failure);
  if (laneIndex < 0 && f.section !== undefined) laneIndex = lanes.findIndex((l) => l.idstr === f.section?.idstr);
  const lane = laneIndex >= 0 ? lanes[laneIndex] : undefined;
  let at: number;
  if (model.timeBase === 'line') at = f.line;
  else if (f.at !== undefined) at = f.at - origin;
  else at = lane?.end ?? model.migration.end - origin;
  return {
    laneIndex: lane !== undefined ? laneIndex : undefined,
    at,
    line: f.line,
    // Drawn in the strip, measured for the plot's label and joined into a tooltip: bounded.
    message: clipText(f.message),
    messages: f.messages.map((m) => clipText(m)),
    path: f.path,
    source: f.source,
  };
}

/** What a row draws: one bar, or tiny bars merged into one pixel column. */
export interface BarRun {
  readonly start: number;
  readonly end: number;
  /** Index of the first bar of the run in its row. */
  readonly first: number;
  readonly count: number;
  readonly ok: boolean;
  readonly failurePoint: boolean;
}

/** Bars at least this wide are drawn on their own. */
export const SOLO_PX = 2;

/** Index of the first bar that ends at or after `t` (maxEnds is non-decreasing). */
function firstReaching(row: BarRow, t: number): number {
  let lo = 0;
  let hi = row.maxEnds.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((row.maxEnds[mid] as number) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The runs to draw for the visible window at `width` pixels. At most about one run per pixel
 * column for tiny bars, however many events the log has.
 */
export function visibleRuns(row: BarRow, win: TimeWindow, width: number): BarRun[] {
  const out: BarRun[] = [];
  const n = row.bars.length;
  if (n === 0 || width <= 0) return out;
  const perPx = (win.end - win.start) / width;
  let open: { start: number; end: number; first: number; count: number; ok: boolean; failurePoint: boolean; column: number } | undefined;
  for (let i = firstReaching(row, win.start); i < n; i++) {
    const start = row.starts[i] as number;
    if (start > win.end) break;
    const bar = row.bars[i] as TimelineBar;
    if (bar.end < win.start) continue;
    if (bar.end - bar.start >= SOLO_PX * perPx) {
      out.push({ start: bar.start, end: bar.end, first: i, count: 1, ok: bar.ok, failurePoint: bar.failurePoint });
      continue;
    }
    const column = Math.floor((start - win.start) / perPx);
    if (open !== undefined && open.column === column) {
      open.end = Math.max(open.end, bar.end);
      open.count++;
      open.ok &&= bar.ok;
      open.failurePoint ||= bar.failurePoint;
      continue;
    }
    if (open !== undefined) out.push(closeRun(open));
    open = { start, end: bar.end, first: i, count: 1, ok: bar.ok, failurePoint: bar.failurePoint, column };
  }
  if (open !== undefined) out.push(closeRun(open));
  return out;
}

function closeRun(r: { start: number; end: number; first: number; count: number; ok: boolean; failurePoint: boolean }): BarRun {
  return { start: r.start, end: r.end, first: r.first, count: r.count, ok: r.ok, failurePoint: r.failurePoint };
}

/**
 * The bar under time `t` (within `slack` of it): the narrowest one containing it, so that the
 * field under the pointer wins over the vmsd around it.
 */
export function barAt(row: BarRow, t: number, slack: number): number | undefined {
  let best: number | undefined;
  let bestWidth = Number.POSITIVE_INFINITY;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (let i = firstReaching(row, t - slack); i < row.bars.length; i++) {
    const bar = row.bars[i] as TimelineBar;
    if (bar.start > t + slack) break;
    if (bar.end < t - slack) continue;
    const distance = t < bar.start ? bar.start - t : t > bar.end ? t - bar.end : 0;
    const width = bar.end - bar.start;
    if (distance < bestDistance || (distance === bestDistance && width < bestWidth)) {
      best = i;
      bestWidth = width;
      bestDistance = distance;
    }
  }
  return best;
}
