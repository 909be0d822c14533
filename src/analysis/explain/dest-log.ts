/**
 * A destination QEMU's stderr (or libvirt's `<vm>.log`) → what failed, as structured facts.
 *
 * Two styles (load-failures.md 1.3): up to 10.1 every layer prints its own line, innermost
 * first, and the last one is `load of migration failed: <strerror>`; from 10.2 one chained line
 * `load of migration failed: <strerror>: <outer>: ...: <innermost>`, with some layers still
 * printing a line of their own before it (machine type before 11.x, footer, RAM blocks,
 * capabilities). Lines may carry ISO timestamps and sit among trace lines of any prefix style;
 * src/trace's line parser tells them apart. The facts are read from every error line, chain
 * segments included, and the most specific one names the failure.
 *
 * The file may also be a libvirt domain log, virsh's error output or QMP replies: dest-log-input.ts
 * unwraps those to QEMU's lines first, and `origin` says what the file was and what libvirt
 * added (the command line it ran, the QEMU release it probed).
 */
import { parseLogLine } from '../../trace/log-line.ts';
import { readDestInput, type DestLogOrigin } from './dest-log-input.ts';
import type { ExplainCause } from './model.ts';

export type FailureFamily =
  | 'machine-type-mismatch'
  | 'unsupported-machine-type'
  | 'unknown-section'
  | 'section-version-too-new'
  | 'vmsd-version-too-new'
  | 'vmsd-version-too-old'
  | 'unknown-subsection'
  | 'missing-section-footer'
  | 'mismatched-section-footer'
  | 'read-footer-failed'
  | 'unknown-ramblock'
  | 'ramblock-size-mismatch'
  | 'bad-header'
  | 'capability-mismatch'
  | 'unknown-capability'
  | 'unknown-command'
  | 'field-load-failed'
  | 'pci-config'
  | 'virtio-check'
  | 'equal-mismatch'
  | 'validation-failed'
  | 'post-load-failed'
  | 'section-load-failed'
  | 'stream-error'
  | 'unknown';

export interface FailureFacts {
  readonly family: FailureFamily;
  /** The error line (or chain segment) that names the failure. */
  readonly message: string;
  /** Every error line from the first one on, as printed (without timestamp and program). */
  readonly lines: readonly string[];
  /** `Invalid argument`, `No such file or directory`, `Input/output error` ... */
  readonly strerror?: string | undefined;
  readonly errno?: number | undefined;
  readonly idstr?: string | undefined;
  readonly instance?: number | undefined;
  readonly sectionId?: number | undefined;
  readonly vmsd?: string | undefined;
  readonly field?: string | undefined;
  readonly subsection?: string | undefined;
  readonly receivedVersion?: number | undefined;
  readonly localVersion?: number | undefined;
  readonly localMinimum?: number | undefined;
  readonly ramblock?: string | undefined;
  readonly receivedSize?: number | undefined;
  readonly localSize?: number | undefined;
  readonly receivedMachine?: string | undefined;
  readonly localMachine?: string | undefined;
  readonly capability?: string | undefined;
  readonly command?: number | undefined;
}

/** What the trace lines (when traced) add: where the loader was. */
export interface TraceFacts {
  /** The last `qemu_loadvm_state_section_startfull`. */
  readonly lastSection?: { readonly sectionId: number; readonly idstr: string; readonly instance: number; readonly version: number } | undefined;
  /** `vmstate_subsection_load_bad X: X/name/(lookup)`: the subsection that was not found. */
  readonly unknownSubsection?: { readonly parent: string; readonly name: string } | undefined;
  /** `vmstate_load_field_error field "x" load failed, ret = n`. */
  readonly fieldError?: { readonly field: string; readonly ret: number } | undefined;
  /** The last `vmstate_load_state_field vmsd:field`. */
  readonly lastField?: { readonly vmsd: string; readonly field: string } | undefined;
  /** `qemu_loadvm_state_post_main` result. */
  readonly mainResult?: number | undefined;
  readonly events: number;
}

export interface DestLog {
  readonly style: 'separate' | 'chained' | 'none';
  /** Error-severity lines (text after `<program>: `). */
  readonly errors: readonly string[];
  readonly warnings: readonly string[];
  /** Bare lines without prefix (error hints such as `Use -machine help ...`). */
  readonly hints: readonly string[];
  readonly failure: FailureFacts | undefined;
  readonly trace: TraceFacts;
  /** The log shows the load completing (`qemu_loadvm_state_post_main 0` or no error at all). */
  readonly loaded: boolean;
  /** What the file was (QEMU stderr, libvirt domain log, virsh output, QMP) and what it added. */
  readonly origin: DestLogOrigin;
  /** `terminating on signal N from pid P (program)`: QEMU was killed, it did not fail by itself. */
  readonly terminated: string | undefined;
}

const ERRNO: Readonly<Record<string, number>> = {
  'Invalid argument': -22,
  'No such file or directory': -2,
  'Input/output error': -5,
  'Operation not supported': -95,
  'Numerical result out of range': -34,
  'Operation not permitted': -1,
  'Cannot allocate memory': -12,
};

/** Families ranked by how precisely they name the failure: the highest rank found wins. */
const RANK: Readonly<Record<FailureFamily, number>> = {
  'unsupported-machine-type': 100,
  'machine-type-mismatch': 95,
  'bad-header': 94,
  'capability-mismatch': 93,
  'unknown-capability': 93,
  'unknown-command': 92,
  'unknown-ramblock': 90,
  'ramblock-size-mismatch': 90,
  'unknown-section': 90,
  'section-version-too-new': 90,
  'vmsd-version-too-new': 88,
  'vmsd-version-too-old': 88,
  'unknown-subsection': 87,
  'pci-config': 86,
  'virtio-check': 86,
  'equal-mismatch': 85,
  'validation-failed': 85,
  'missing-section-footer': 80,
  'mismatched-section-footer': 80,
  'read-footer-failed': 79,
  'field-load-failed': 70,
  'post-load-failed': 60,
  'section-load-failed': 50,
  'stream-error': 40,
  unknown: 0,
};

interface Match {
  readonly family: FailureFamily;
  readonly text: string;
  readonly facts: Partial<FailureFacts>;
}

type Rule = readonly [RegExp, FailureFamily, (m: RegExpExecArray) => Partial<FailureFacts>];

const num = (s: string | undefined): number | undefined => (s === undefined ? undefined : Number(s));
const hexNum = (s: string | undefined): number | undefined => (s === undefined ? undefined : parseInt(s, 16));

const RULES: readonly Rule[] = [
  [/Machine type received is '([^']*)' and local is '([^']*)'/, 'machine-type-mismatch', (m) => ({ receivedMachine: m[1], localMachine: m[2] })],
  // 5.2: `-machine X: unsupported machine type`; 7.2: bare; 8.x+ source: `unsupported machine type: "X"`.
  [/^(?:-machine ([^:]+): )?unsupported machine type(?:: "([^"]*)")?$/, 'unsupported-machine-type', (m) => ({ localMachine: m[1] ?? m[2] })],
  [/Unknown (?:savevm )?section or instance '([^']*)' (\d+)/, 'unknown-section', (m) => ({ idstr: m[1], instance: num(m[2]) })],
  [/unsupported version (\d+) for '([^']*)' v(\d+)/, 'section-version-too-new', (m) => ({ receivedVersion: num(m[1]), idstr: m[2], localVersion: num(m[3]) })],
  // The name is matched from a delimiter on, so a long run without one is scanned once, not once per position.
  [/(?:^|[\s:'])([^\s:']+): incoming version_id (\d+) is too new for local version_id (\d+)/, 'vmsd-version-too-new', (m) => ({ vmsd: m[1], receivedVersion: num(m[2]), localVersion: num(m[3]) })],
  [/(?:^|[\s:'])([^\s:']+): incoming version_id (\d+) is too old for local minimum version_id\s+(\d+)/, 'vmsd-version-too-old', (m) => ({ vmsd: m[1], receivedVersion: num(m[2]), localMinimum: num(m[3]) })],
  [/VM subsection '([^']*)' in '([^']*)' does not exist/, 'unknown-subsection', (m) => ({ subsection: m[1], vmsd: m[2] })],
  [/Missing section footer for (\S+)/, 'missing-section-footer', (m) => ({ idstr: m[1] })],
  [/Mismatched section id in footer for (\S+) - read 0x([0-9a-f]+) expected 0x([0-9a-f]+)/, 'mismatched-section-footer', (m) => ({ idstr: m[1], sectionId: hexNum(m[3]) })],
  [/Read section footer failed: (-?\d+)/, 'read-footer-failed', (m) => ({ errno: num(m[1]) })],
  [/Unknown ramblock "([^"]*)", cannot accept migration/, 'unknown-ramblock', (m) => ({ ramblock: m[1] })],
  [/(?:Size|Length) mismatch: (\S+): 0x([0-9a-f]+) (?:in )?!= 0x([0-9a-f]+)/, 'ramblock-size-mismatch', (m) => ({ ramblock: m[1], receivedSize: hexNum(m[2]), localSize: hexNum(m[3]) })],
  [/Size too large: (\S+): 0x([0-9a-f]+) > 0x([0-9a-f]+)/, 'ramblock-size-mismatch', (m) => ({ ramblock: m[1], receivedSize: hexNum(m[2]), localSize: hexNum(m[3]) })],
  [/^(Not a migration stream|Unsupported migration stream version|SaveVM v2 format is obsolete|Configuration section missing)/, 'bad-header', () => ({})],
  [/Capability (\S+) is (?:on|off), but received capability is (?:on|off)/, 'capability-mismatch', (m) => ({ capability: m[1] })],
  [/Received unknown capability (\S+)/, 'unknown-capability', (m) => ({ capability: m[1] })],
  [/MIG_CMD 0x([0-9a-f]+) (?:unknown|deprecated) \(len 0x[0-9a-f]+\)/, 'unknown-command', (m) => ({ command: hexNum(m[1]) })],
  [/Bad config data: i=0x([0-9a-f]+)/, 'pci-config', () => ({})],
  [/^(?:Features 0x[0-9a-f]+ unsupported|Invalid number of virtqueues|VQ \d+ |virtio-net: )/, 'virtio-check', () => ({})],
  [/^[0-9a-f]+ != [0-9a-f]+$/, 'equal-mismatch', () => ({})],
  [/Input validation failed: ([^/\s]+)\/(\S+)/, 'validation-failed', (m) => ({ vmsd: m[1], field: m[2] })],
  // <= 10.1 `Failed to load vmsd:field`; 10.2+ `Failed to load element of type T for F`.
  [/Failed to load ([^\s:]+):(\S+)$/, 'field-load-failed', (m) => ({ vmsd: m[1], field: m[2] })],
  [/Failed to load element of type (\S+) for ([^\s:]+)/, 'field-load-failed', (m) => ({ field: m[2] })],
  [/Failed to load (\S+) state: stream error: (-?\d+)/, 'field-load-failed', (m) => ({ vmsd: m[1], errno: num(m[2]) })],
  [/post load hook failed for: ([^,]+), version_id: (\d+)/, 'post-load-failed', (m) => ({ vmsd: m[1] })],
  [/error while loading state for instance 0x([0-9a-f]+) of device '([^']*)'/, 'section-load-failed', (m) => ({ instance: hexNum(m[1]), idstr: m[2] })],
  [/error while loading state section id (\d+)\(([^)]*)\)/, 'section-load-failed', (m) => ({ sectionId: num(m[1]), idstr: m[2] })],
  [/Failed to load section ID: stream error/, 'stream-error', () => ({})],
  // libvirt refusing before any QEMU runs (dest-log-input.ts): its wording, the same families.
  [/^Emulator '[^']*' does not support machine type '([^']*)'$/, 'unsupported-machine-type', (m) => ({ localMachine: m[1] })],
  [/^Target domain machine type (\S+) does not match source (\S+)$/, 'machine-type-mismatch', (m) => ({ localMachine: m[1], receivedMachine: m[2] })],
];

/** Error text beyond this is not matched (real ones are under 1 KiB; issue 18: linear on absurd lines). */
const MAX_MATCHED = 4096;
/** Only the last error lines are matched: a failure prints a handful, a flood adds nothing. */
const MAX_MATCHED_SEGMENTS = 256;

/** Chain segments of a 10.2+ line that start a new layer (load-failures.md 4.4). */
const CHAIN_SPLIT = /: (?=(?:post load hook failed|pre load hook failed|error while loading state|Loading VM subsection|VM subsection|Failed to load|Unknown (?:savevm )?section|unsupported version|Machine type received|Not a migration stream|Section footer error|Failed to validate|Capability |Received unknown|Unknown ramblock|Size mismatch|Channel error|Invalid number|[\w/.-]+: incoming version_id))/;

export function parseDestLog(text: string): DestLog {
  const input = readDestInput(text);
  const errors: string[] = [];
  const warnings: string[] = [];
  const hints: string[] = [];
  let lastSection: TraceFacts['lastSection'];
  let unknownSubsection: TraceFacts['unknownSubsection'];
  let fieldError: TraceFacts['fieldError'];
  let lastField: TraceFacts['lastField'];
  let mainResult: number | undefined;
  let events = 0;
  let terminated: string | undefined;
  for (const { text: raw, line: lineNo } of input.qemuLines) {
    if (raw.trim() === '') continue;
    const line = parseLogLine(raw, lineNo);
    if (line.kind === 'message') {
      if (line.severity === 'warning') warnings.push(line.text);
      // `qemu_kill_report()`: a signal (libvirt stopping it), not a failure of QEMU's own.
      else if (line.text.startsWith('terminating on signal ')) terminated = line.text;
      else if (line.severity === 'error') errors.push(line.text);
      continue;
    }
    if (line.kind === 'other') {
      // Bare error_printf hints follow an error line; anything before the first error is noise.
      if (errors.length > 0) hints.push(line.text.trim());
      continue;
    }
    events++;
    const args = line.args;
    switch (line.name) {
      case 'qemu_loadvm_state_section_startfull': {
        const m = /^(\d+)\((.*)\) (\d+) (\d+)$/.exec(args);
        if (m !== null) lastSection = { sectionId: Number(m[1]), idstr: m[2] ?? '', instance: Number(m[3]), version: Number(m[4]) };
        break;
      }
      case 'vmstate_subsection_load_bad': {
        // `parent: parent/name/(lookup)`: the loader looked the name up and did not find it.
        const m = /^(\S+): (\S+)\/\(lookup\)$/.exec(args);
        if (m !== null) unknownSubsection = { parent: m[1] ?? '', name: m[2] ?? '' };
        break;
      }
      case 'vmstate_load_field_error': {
        const m = /^field "([^"]*)" load failed, ret = (-?\d+)/.exec(args);
        if (m !== null) fieldError = { field: m[1] ?? '', ret: Number(m[2]) };
        break;
      }
      case 'vmstate_load_state_field': {
        const m = /^([^:]+):(\S+)/.exec(args);
        if (m !== null) lastField = { vmsd: m[1] ?? '', field: m[2] ?? '' };
        break;
      }
      case 'qemu_loadvm_state_post_main':
        mainResult = Number(args);
        break;
      default:
        break;
    }
  }
  const trace: TraceFacts = { lastSection, unknownSubsection, fieldError, lastField, mainResult, events };
  errors.push(...input.bareErrors);
  // libvirt's own refusal is the failure only when QEMU said nothing (it never ran).
  if (errors.length === 0) errors.push(...input.libvirtFailures);
  // virsh quotes the domain log's lines: a file holding both would count each twice.
  if (input.origin.libvirtErrors.length > 0) {
    const unique = [...new Set(errors)];
    errors.length = 0;
    errors.push(...unique);
  }
  const chained = errors.some((e) => /^load of migration failed: [^:]+: /.test(e));
  const style = errors.length === 0 ? 'none' : chained ? 'chained' : 'separate';
  const failure = errors.length === 0 ? undefined : readFailure(errors, hints, trace);
  const loaded = failure === undefined && (mainResult === undefined || mainResult === 0);
  return { style, errors, warnings, hints, failure, trace, loaded, origin: input.origin, terminated };
}

function readFailure(errors: readonly string[], hints: readonly string[], trace: TraceFacts): FailureFacts {
  let strerror: string | undefined;
  const segments: string[] = [];
  for (const line of errors) {
    const final = /^load of migration failed: ([^:]+)(?:: (.*))?$/.exec(line.length > MAX_MATCHED * 4 ? line.slice(0, MAX_MATCHED * 4) : line);
    if (final !== null) {
      strerror = final[1];
      if (final[2] !== undefined) segments.push(...final[2].split(CHAIN_SPLIT));
    } else segments.push(...line.split(CHAIN_SPLIT));
  }
  for (const h of hints) segments.push(h);
  const matches: Match[] = [];
  for (const whole of segments.slice(-MAX_MATCHED_SEGMENTS)) {
    const seg = whole.length > MAX_MATCHED ? whole.slice(0, MAX_MATCHED) : whole;
    for (const [re, family, read] of RULES) {
      const m = re.exec(seg);
      if (m !== null) matches.push({ family, text: seg, facts: read(m) });
    }
  }
  let facts: Partial<FailureFacts> = {};
  let best: Match | undefined;
  for (const m of matches) if (best === undefined || RANK[m.family] > RANK[best.family]) best = m;
  // Less specific lines still add facts (the device of a field error, the strerror).
  for (const m of matches) facts = { ...m.facts, ...facts };
  if (best !== undefined) facts = { ...facts, ...best.facts };
  let family: FailureFamily = best?.family ?? 'unknown';
  let message = best?.text ?? errors[0] ?? '';
  // Before 10.2 an unknown subsection prints no text of its own: ENOENT, plus (when traced)
  // `vmstate_subsection_load_bad parent: parent/name/(lookup)`.
  if ((family === 'section-load-failed' || family === 'unknown') && strerror === 'No such file or directory') {
    family = 'unknown-subsection';
    if (trace.unknownSubsection !== undefined) facts = { ...facts, subsection: trace.unknownSubsection.name, vmsd: trace.unknownSubsection.parent };
    message = best?.text ?? message;
  }
  if (family === 'unknown' && strerror === 'Input/output error') family = 'stream-error';
  if (facts.idstr === undefined && trace.lastSection !== undefined && family !== 'machine-type-mismatch' && family !== 'unsupported-machine-type') {
    facts = { ...facts, idstr: trace.lastSection.idstr, instance: trace.lastSection.instance, sectionId: trace.lastSection.sectionId };
  }
  const errno = facts.errno ?? (strerror !== undefined ? ERRNO[strerror] : undefined);
  return { ...facts, family, message, lines: [...errors, ...hints], strerror, errno };
}

/** The cause a log family stands for before the stream is looked at. */
export function causeOfFamily(facts: FailureFacts): ExplainCause {
  switch (facts.family) {
    case 'machine-type-mismatch':
      return 'MACHINE_TYPE_MISMATCH';
    case 'unsupported-machine-type':
      return 'UNKNOWN_MACHINE_TYPE';
    case 'unknown-section':
      return 'UNKNOWN_SECTION';
    case 'section-version-too-new':
    case 'vmsd-version-too-new':
      return 'VERSION_TOO_NEW';
    case 'vmsd-version-too-old':
      return 'VERSION_TOO_OLD';
    case 'unknown-subsection':
      return 'UNKNOWN_SUBSECTION';
    case 'missing-section-footer':
    case 'mismatched-section-footer':
      return 'LAYOUT_MISMATCH';
    case 'read-footer-failed':
    case 'stream-error':
      return 'TRUNCATED';
    case 'unknown-ramblock':
    case 'ramblock-size-mismatch':
      return 'RAMBLOCK_MISMATCH';
    case 'bad-header':
      return 'BAD_HEADER';
    case 'capability-mismatch':
    case 'unknown-capability':
      return 'CAPABILITY_MISMATCH';
    case 'unknown-command':
      return 'UNKNOWN_COMMAND';
    case 'field-load-failed':
    case 'section-load-failed':
      // A stream error while reading is a short stream; anything else is the device refusing.
      return facts.errno === -5 ? 'TRUNCATED' : 'DEVICE_CHECK_FAILED';
    case 'pci-config':
    case 'virtio-check':
    case 'equal-mismatch':
    case 'validation-failed':
    case 'post-load-failed':
      return 'DEVICE_CHECK_FAILED';
    case 'unknown':
      return facts.errno === -5 ? 'TRUNCATED' : 'DEVICE_CHECK_FAILED';
  }
}
