/**
 * QEMU trace logs (`log` backend, save side `-D` files or destination stderr) → a model of
 * nested spans. Pure: strings in, plain data out; no Node or DOM APIs.
 */
import { parseLogLine, type LinePrefix } from './log-line.ts';
import type { TimeBase, TraceFormat, TraceModel, TraceUnread } from './model.ts';
import { SpanBuilder } from './spans.ts';

/**
 * The longest line read. QEMU's trace and error lines stay far below this (a long one is a few
 * hundred characters); a longer line is counted as unread rather than matched against every
 * pattern, so one giant line costs a length check, not a pass of each regular expression.
 */
export const MAX_LINE_LENGTH = 64 * 1024;

export type * from './model.ts';
export { parseLogLine, parseKeyValues } from './log-line.ts';
export { describeUnread } from './unread.ts';
export type { LogLine, TraceEventLine, MessageLine, OtherLine, LinePrefix, MessageSeverity } from './log-line.ts';

export function parseTraceLog(text: string): TraceModel {
  const builder = new SpanBuilder();
  const prefixes = new Map<LinePrefix, number>();
  let events = 0;
  let untimed = 0;
  let lineNo = 0;
  let from = 0;
  let long: { count: number; firstLine: number } | undefined;
  // Walk the text by hand: a 10 MB log split into an array up front doubles peak memory.
  while (from <= text.length) {
    let to = text.indexOf('\n', from);
    if (to < 0) to = text.length;
    lineNo++;
    if (to - from > MAX_LINE_LENGTH) {
      if (long === undefined) long = { count: 1, firstLine: lineNo };
      else long.count++;
      from = to + 1;
      continue;
    }
    const raw = text.slice(from, to);
    from = to + 1;
    if (raw === '' && from > text.length) break;
    const parsed = parseLogLine(raw, lineNo);
    if (parsed.kind === 'event') {
      events++;
      prefixes.set(parsed.prefix, (prefixes.get(parsed.prefix) ?? 0) + 1);
      if (parsed.timeUs === undefined) untimed++;
      builder.event(parsed);
    } else if (parsed.kind === 'message') {
      builder.message(parsed);
    }
  }
  const timeBase: TimeBase = events > 0 && untimed === 0 ? 'us' : 'line';
  const result = builder.finish(timeBase);
  const unread: TraceUnread[] = [];
  if (long !== undefined) unread.push({ what: 'long-lines', count: long.count, firstLine: long.firstLine, limit: MAX_LINE_LENGTH });
  unread.push(...builder.unread());
  return {
    format: formatOf(prefixes),
    side: result.side,
    events,
    timeBase,
    migration: result.migration,
    sections: result.sections,
    skipped: result.skipped,
    downtime: result.downtime,
    messages: result.messages,
    ...(result.failure !== undefined ? { failure: result.failure } : {}),
    ...(unread.length > 0 ? { unread } : {}),
  };
}

function formatOf(prefixes: ReadonlyMap<LinePrefix, number>): TraceFormat {
  const seen = [...prefixes.keys()];
  if (seen.length === 0) return 'none';
  if (seen.length > 1) return 'mixed';
  return seen[0] ?? 'none';
}
