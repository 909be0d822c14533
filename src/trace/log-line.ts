/**
 * One line of a QEMU `log` trace backend file, or of a destination's stderr where trace lines
 * and error lines are interleaved.
 *
 * Prefix styles seen in real logs (see fixtures/README.md):
 *   5.2 always, 6.x-10.0 with `-msg timestamp=on`:  `<tid>@<sec>.<usec>:<event> <args>`
 *   10.1 with timestamps:                           `<ISO-8601>Z (<tid>) <event> <args>`
 *   10.2+ (11.1 checked) with timestamps:           `<ISO-8601>Z <event> <args>`
 *   any version without timestamps:                 `<event> <args>`
 * Error lines (`vreport()`): `[<ISO>Z ][<guest> ]<program>: [<location>: ][warning: |info: ]<text>`.
 * Events with an empty format keep the separating space (`loadvm_state_setup `), so `args` is
 * then the empty string.
 */

export type LinePrefix = 'pid-epoch' | 'iso' | 'iso-tid' | 'bare';

export type MessageSeverity = 'error' | 'warning' | 'info';

export interface TraceEventLine {
  readonly kind: 'event';
  /** 1-based line number in the log. */
  readonly line: number;
  readonly prefix: LinePrefix;
  /** Microseconds since the Unix epoch, when the prefix carries a time. */
  readonly timeUs: number | undefined;
  /** Thread id (`tid@` or `(tid)` prefixes); only the main thread's equals the pid. */
  readonly tid: number | undefined;
  readonly name: string;
  readonly args: string;
  /** `key=value` pairs when the whole argument string is made of them, e.g. downtime events. */
  readonly fields: Readonly<Record<string, string>> | undefined;
}

export interface MessageLine {
  readonly kind: 'message';
  readonly line: number;
  readonly timeUs: number | undefined;
  readonly severity: MessageSeverity;
  /** `qemu-system-x86_64`, `qemu-kvm`, ... */
  readonly program: string;
  /** Only with `-msg guest-name=on`. */
  readonly guest: string | undefined;
  /** Everything after `<program>: `, location and `warning: ` included: the text users quote. */
  readonly text: string;
}

export interface OtherLine {
  readonly kind: 'other';
  readonly line: number;
  readonly text: string;
}

export type LogLine = TraceEventLine | MessageLine | OtherLine;

const PID_EPOCH = /^(\d+)@(\d+)\.(\d+):/;
const ISO_TIME = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?Z /;
const ISO_TID = /^\((\d+)\) /;
const EVENT_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const PROGRAM = /^[\w.-]+$/;
const GUEST_MESSAGE = /^(\S+) ([\w.-]+): ([^]*)$/;
const SEVERITY = /^(?:[^:]*: )?(warning|info): /;
const KEY_VALUES = /^[\w.-]+=\S*(?: [\w.-]+=\S*)*$/;

/** Classifies one line (without its newline). `line` is its 1-based number. */
export function parseLogLine(text: string, line: number): LogLine {
  const stripped = text.endsWith('\r') ? text.slice(0, -1) : text;
  let rest = stripped;
  let prefix: LinePrefix = 'bare';
  let timeUs: number | undefined;
  let tid: number | undefined;

  const first = rest.charCodeAt(0);
  if (first >= 0x30 && first <= 0x39) {
    const pid = PID_EPOCH.exec(rest);
    if (pid !== null) {
      // Only trace lines use this prefix, so whatever follows is an event.
      const body = rest.slice(pid[0].length);
      const space = body.indexOf(' ');
      const name = space < 0 ? body : body.slice(0, space);
      if (!EVENT_NAME.test(name)) return { kind: 'other', line, text: stripped };
      const time = Number(pid[2]) * 1_000_000 + fractionToUs(pid[3] ?? '');
      const args = space < 0 ? '' : body.slice(space + 1);
      return makeEvent(line, 'pid-epoch', time, Number(pid[1]), name, args);
    }
    const iso = isoPrefix(rest);
    if (iso !== undefined) {
      timeUs = iso.timeUs;
      prefix = 'iso';
      rest = rest.slice(iso.length);
      if (rest.charCodeAt(0) === 0x28) {
        const t = ISO_TID.exec(rest);
        if (t !== null) {
          tid = Number(t[1]);
          prefix = 'iso-tid';
          rest = rest.slice(t[0].length);
        }
      }
    }
  }

  const space = rest.indexOf(' ');
  const head = space < 0 ? rest : rest.slice(0, space);
  // A first word glued to ': ' can only be a program name: event names are followed by a space.
  if (space > 1 && head.endsWith(':') && PROGRAM.test(head.slice(0, -1))) {
    return makeMessage(line, timeUs, head.slice(0, -1), undefined, rest.slice(space + 1));
  }
  // Every event name of 5.2-11.1 contains an underscore; plain words (`Use -machine help ...`)
  // are hint lines printed without any prefix.
  if (head.includes('_') && EVENT_NAME.test(head)) {
    return makeEvent(line, prefix, timeUs, tid, head, space < 0 ? '' : rest.slice(space + 1));
  }

  const guest = GUEST_MESSAGE.exec(rest);
  if (guest !== null) return makeMessage(line, timeUs, guest[2] ?? '', guest[1], guest[3] ?? '');

  return { kind: 'other', line, text: stripped };
}

/** `k=v k2=v2` → record; undefined when any token is not of that form. */
export function parseKeyValues(args: string): Readonly<Record<string, string>> | undefined {
  if (!args.includes('=') || !KEY_VALUES.test(args)) return undefined;
  const out: Record<string, string> = {};
  for (const token of args.split(' ')) {
    const eq = token.indexOf('=');
    out[token.slice(0, eq)] = token.slice(eq + 1);
  }
  return out;
}

function makeEvent(
  line: number,
  prefix: LinePrefix,
  timeUs: number | undefined,
  tid: number | undefined,
  name: string,
  args: string,
): TraceEventLine {
  return { kind: 'event', line, prefix, timeUs, tid, name, args, fields: parseKeyValues(args) };
}

function makeMessage(
  line: number,
  timeUs: number | undefined,
  program: string,
  guest: string | undefined,
  text: string,
): MessageLine {
  const sev = SEVERITY.exec(text);
  const severity: MessageSeverity = sev?.[1] === 'warning' ? 'warning' : sev?.[1] === 'info' ? 'info' : 'error';
  return { kind: 'message', line, timeUs, severity, program, guest, text };
}

/** Fraction digits → microseconds; glib prints 6 digits but drops the fraction when it is 0. */
function fractionToUs(digits: string): number {
  if (digits === '') return 0;
  return Number(digits.length >= 6 ? digits.slice(0, 6) : digits.padEnd(6, '0'));
}

// Consecutive lines share their whole-second part: converting it once per second keeps
// Date.UTC out of the per-line cost of multi-megabyte logs.
let cachedSecond = '';
let cachedSecondUs = 0;

function isoPrefix(text: string): { readonly timeUs: number; readonly length: number } | undefined {
  const m = ISO_TIME.exec(text);
  if (m === null) return undefined;
  const second = text.slice(0, 19);
  if (second !== cachedSecond) {
    cachedSecondUs =
      Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) * 1000;
    cachedSecond = second;
  }
  return { timeUs: cachedSecondUs + fractionToUs(m[7] ?? ''), length: m[0].length };
}
