/**
 * What the timeline's tooltip says about a bar: the span (kind, name, what the trace noted)
 * and the log event it starts with (name, arguments, line, time). Pure, so the words are
 * tested once.
 */
import { parseLogLine } from '../../trace/index.ts';
import type { LogLines } from './log-lines.ts';
import { formatDuration, formatTime } from './time-scale.ts';
import type { TimelineBar, TimelineLane, TimelineLayout } from './timeline-layout.ts';

export interface HoverInfo {
  /** `mc146818rtc#0`, `configuration`. */
  readonly lane: string;
  readonly kind: TimelineBar['kind'];
  readonly name: string;
  readonly note: string | undefined;
  /** The event on the span's first line: `vmstate_load_state_field` + `mc146818rtc:cmos_index`. */
  readonly event: { readonly name: string; readonly args: string } | undefined;
  /** `line 1395`, or `lines 1381–1412`. */
  readonly lines: string;
  /** `+7.121 ms`, or `line 1381` for logs without timestamps. */
  readonly at: string;
  readonly duration: string;
  /** Bars merged into the hovered pixel column, this one included. */
  readonly merged: number;
  readonly ok: boolean;
  readonly failurePoint: boolean;
}

export const KIND_WORD: Readonly<Record<TimelineBar['kind'], string>> = {
  configuration: 'configuration',
  section: 'section',
  part: 'section record',
  vmsd: 'vmsd',
  subsection: 'subsection',
  field: 'field',
};

export function laneLabel(lane: TimelineLane): string {
  return lane.kind === 'configuration' ? 'configuration' : `${lane.idstr}#${lane.instance ?? 0}`;
}

export function hoverInfo(layout: TimelineLayout, lane: TimelineLane, bar: TimelineBar, lines: LogLines, merged: number): HoverInfo {
  const text = lines.line(bar.line);
  let event: HoverInfo['event'];
  if (text !== undefined) {
    const parsed = parseLogLine(text, bar.line);
    if (parsed.kind === 'event') event = { name: parsed.name, args: parsed.args };
    else if (parsed.kind === 'message') event = { name: `${parsed.program}:`, args: parsed.text };
    else event = { name: '', args: parsed.text };
  }
  const lineSpan = bar.endLine > bar.line ? `lines ${bar.line}–${bar.endLine}` : `line ${bar.line}`;
  const duration =
    layout.timeBase === 'us' ? formatDuration(bar.end - bar.start) : `${bar.endLine - bar.line + 1} line${bar.endLine === bar.line ? '' : 's'}`;
  return {
    lane: laneLabel(lane),
    kind: bar.kind,
    name: bar.name,
    note: bar.note,
    event,
    lines: lineSpan,
    at: formatTime(bar.start, layout.timeBase),
    duration,
    merged,
    ok: bar.ok,
    failurePoint: bar.failurePoint,
  };
}
