/**
 * `migscope trace <log> [--json]`: a QEMU trace log (save-side `-D` file or destination stderr,
 * plain or gzip) as sections with their outcome, or the full span model as JSON.
 */
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { clipText } from '../../lib/clip-text.ts';
import { describeUnread, parseTraceLog, type SectionSpan, type TraceModel } from '../../trace/index.ts';
import { readArguments } from '../arguments.ts';
import { usageError, type CommandIo } from '../io.ts';

const usage = 'usage: migscope trace <log> [--json]';

export async function traceCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const read = readArguments(args, { '--json': {} });
  if (read === 'help') {
    io.out(`${usage}\n`);
    return 0;
  }
  if (typeof read === 'string') return usageError(io, `${read} (${usage})`);
  const files = read.filter((a) => a.name === null).map((a) => a.value);
  const json = read.some((a) => a.name === '--json');
  const [file, ...extra] = files;
  if (file === undefined) return usageError(io, `missing <log> (${usage})`);
  if (extra.length > 0) return usageError(io, `one log at a time (${usage})`);

  let text: string;
  try {
    text = decode(await readFile(file));
  } catch (e) {
    return usageError(io, `cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const model = parseTraceLog(text);
  io.out(json ? `${JSON.stringify(model, undefined, 2)}\n` : summary(model));
  return 0;
}

/** Users keep logs gzip-compressed as often as not: sniff the magic rather than the name. */
function decode(bytes: Buffer): string {
  const gz = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
  return (gz ? gunzipSync(bytes) : bytes).toString('utf8');
}

function summary(m: TraceModel): string {
  const out: string[] = [];
  const times = m.timeBase === 'us' ? 'times in µs' : 'no times (line numbers)';
  out.push(`${m.side} trace, format ${m.format}, ${m.events} events, ${times}, ${m.sections.length} sections`);
  for (const s of m.sections) out.push(sectionLine(s, m));
  if (m.migration.result !== undefined) out.push(`main loop result: ${m.migration.result}`);
  const f = m.failure;
  if (f !== undefined) {
    const where =
      f.section === undefined
        ? 'outside any section'
        : `in ${f.section.idstr}${f.section.instance !== undefined ? ` instance ${f.section.instance}` : ''}`;
    const path = f.path.length > 1 ? ` (${f.path.join(' > ')})` : '';
    out.push(clipText(`FAILED ${where}${path} at line ${f.line}: ${f.message}`));
  }
  for (const u of m.unread ?? []) out.push(describeUnread(u));
  return `${out.join('\n')}\n`;
}

function sectionLine(s: SectionSpan, m: TraceModel): string {
  const id = s.sectionId !== undefined ? `#${s.sectionId} ` : '';
  const inst = s.instance !== undefined ? ` inst ${s.instance}` : '';
  const ver = s.version !== undefined ? ` v${s.version}` : '';
  const parts = s.parts.length > 1 ? ` ${s.parts.length} parts` : '';
  const took = m.timeBase === 'us' ? ` ${s.end - s.start} µs` : '';
  const down = s.downtime?.reduce((sum, d) => sum + d.us, 0);
  const downtime = down !== undefined ? ` downtime ${down} µs` : '';
  const status = s.failurePoint === true || !s.ok ? 'FAIL' : 'ok';
  return `  ${status.padEnd(4)} ${id}${clipText(s.idstr, 200)}${inst}${ver}${parts}${took}${downtime}  lines ${s.line}-${s.endLine}`;
}

