/**
 * The destination's log as people have it, unwrapped to QEMU's own lines: a bare QEMU stderr,
 * a libvirt domain log (`/var/log/libvirt/qemu/<domain>.log`), the error output of
 * `virsh restore` / `virsh migrate`, or QMP `query-migrate` replies. Mixed files (a ticket
 * pasting the virsh error above the domain log) are read line by line, each line for what it is.
 *
 * Every wording below is libvirt's or QEMU's own, read in their sources (libvirt 9.0.0 as
 * Debian 12 ships it, and 11.3.0; QEMU 7.2, 10.0, 11.1), and checked on real output made with
 * libvirt 9.0.0 here (fixtures/libvirt/README.md):
 *  - domain log header, `qemuLogOperation()` in src/qemu/qemu_process.c:
 *    `<time>: starting up libvirt version: V[, package: P], qemu version: X.Y.Z<package>, kernel: K, hostname: H`
 *    with `<time>` from `virTimeStringNow()` (src/util/virtime.c): `%4d-%02d-%02d %02d:%02d:%02d.%03d+0000`;
 *    then `virCommandToString(cmd, true)`: the environment and the command, one ` \` continued
 *    line per argument (older libvirt: all on one line), shell-quoted.
 *  - libvirt's own lines in it, same `<time>: ` prefix: `shutting down, reason=R` (qemu_process.c
 *    `qemuProcessStop`), `Domain id=N is tainted: T` (qemu_domain.c), `initiating migration`.
 *  - virsh: `error: ` + the message (tools/vsh.c `vshError`), messages prefixed by their class
 *    (src/util/virerror.c: `internal error: `, `operation failed: `, `unsupported configuration: `):
 *    `qemu unexpectedly closed the monitor: <log>` (9.0 src/qemu/qemu_monitor.c),
 *    `QEMU unexpectedly closed the monitor (vm='<name>'): <log>` (11.3),
 *    `process exited while connecting to monitor: <log>` (qemu_process.c), where `<log>` is the
 *    last 1024 characters of QEMU's output, starting on that line and going on on the next ones;
 *    `job '<name>' failed: <error-desc>` / `job '<name>' unexpectedly failed` (qemu_migration.c
 *    `qemuMigrationJobCheckStatus`; `migration in`, `migration out`, `start` for a restore ...);
 *    `Failed to restore domain from <file>` (tools/virsh-domain.c);
 *    `Emulator '<path>' does not support machine type '<m>'` (qemu_validate.c) and
 *    `Target domain machine type <m> does not match source <m>` (src/conf/domain_conf.c), which
 *    libvirt says before any QEMU runs. `virsh migrate --verbose` puts its progress
 *    (`Migration: [ 42 %]`) before `error: ` on the same line.
 *  - `virsh domjobinfo --completed`: `Error message:    <text>` (tools/virsh-domain.c).
 *  - QMP: `query-migrate` returns `{"status": "failed", "error-desc": "..."}` (qapi/migration.json
 *    MigrationInfo); the `MIGRATION` event carries the status only. A reply may stand alone,
 *    pretty-printed, in a `->`/`<-` transcript, or after a prefix such as libvirt's debug log
 *    `QEMU_MONITOR_RECV_REPLY: mon=0x... reply=`.
 *
 * Linear in the input: one pass to find libvirt's starts, one over the lines read; every test
 * is a prefix or `indexOf` check, and a line over MAX_LINE is only looked at up to there.
 */

export type DestLogFormat = 'qemu-stderr' | 'libvirt-log' | 'virsh' | 'qmp';

/** One QEMU start in a libvirt domain log. */
export interface LibvirtRun {
  /** 1-based line of its `starting up` header. */
  readonly line: number;
  /** libvirt's timestamp, as printed (`2026-12-06 12:22:15.035+0000`). */
  readonly time: string;
  readonly libvirtVersion: string | undefined;
  /** `11.1.3`: the emulator's release as libvirt probed it (`query-version`). */
  readonly qemuVersion: string | undefined;
  /** What follows the release: the distribution's package (`Debian 1:11.1.3+ds-1`). */
  readonly qemuPackage: string | undefined;
  /** The environment and command libvirt ran, as logged (continuation lines included). */
  readonly commandLine: string | undefined;
  /** 1-based first and last line of the command. */
  readonly commandLines: { readonly first: number; readonly last: number } | undefined;
  /** Started with `-incoming`: a restore or the destination of a migration. */
  readonly incoming: boolean;
  /** `failed`, `saved`, `migrated`, `destroyed` ... from `shutting down, reason=`. */
  readonly shutdownReason: string | undefined;
  /** `Domain id=N is tainted: <why>` reasons. */
  readonly tainted: readonly string[];
}

export interface DestLogOrigin {
  readonly format: DestLogFormat;
  /** QEMU starts in a libvirt domain log. */
  readonly runs: number;
  /** The start whose lines were read: the last one started for an incoming migration, else the last. */
  readonly run: LibvirtRun | undefined;
  /** libvirt's error messages (virsh `error: ` lines), without that prefix. */
  readonly libvirtErrors: readonly string[];
  /** libvirt refused before QEMU ran (machine type not in the emulator, ABI check). */
  readonly refusedByLibvirt: boolean;
  /** The last migration status a QMP reply or event gave. */
  readonly migrationStatus: string | undefined;
}

export interface DestInput {
  readonly origin: DestLogOrigin;
  /** Lines of QEMU's stderr and trace output, for `parseLogLine`, with their 1-based numbers. */
  readonly qemuLines: readonly { readonly text: string; readonly line: number }[];
  /**
   * Error texts QEMU gave without a program prefix: QMP `error-desc`, the `<error-desc>` of
   * libvirt's `job '...' failed: `, virsh's `Error message:`.
   */
  readonly bareErrors: readonly string[];
  /**
   * libvirt's errors that stand for the failure when QEMU's lines say nothing: its refusals
   * before QEMU ran, a QMP command QEMU rejected. Without their class prefix.
   */
  readonly libvirtFailures: readonly string[];
}

/** Longer lines are only examined up to here (issue 18: no matching work on absurd lines). */
export const MAX_LINE = 64 * 1024;
/** A logged command longer than this is not a command libvirt wrote. */
const MAX_COMMAND_LINES = 10_000;
const MAX_COMMAND_CHARS = 4 * 1024 * 1024;
/** A whole-file JSON reply is parsed only up to this size. */
const MAX_JSON_FILE = 16 * 1024 * 1024;

/** `2026-12-06 12:22:15.035+0000: ` is 30 characters. */
const LIBVIRT_STAMP = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}[+-]\d{4}: /;
const STAMP_LENGTH = 30;

const MONITOR_PREFIXES = ['qemu unexpectedly closed the monitor: ', 'process exited while connecting to monitor: '];
const MONITOR_11 = 'QEMU unexpectedly closed the monitor (vm=';
const CLASS_PREFIXES = ['internal error: ', 'operation failed: ', 'unsupported configuration: ', 'Requested operation is not valid: '];
const JOB_FAILED = /^job '([^']*)' failed: /;
const REFUSALS = [/^Emulator '[^']*' does not support machine type '[^']*'$/, /^Target domain machine type \S+ does not match source \S+$/];
const ERROR_MESSAGE = 'Error message:';
const CONTEXT_ONLY = ['Failed to restore domain from ', 'Failed to start domain ', 'Failed to save domain ', 'Failed to create domain '];

export function readDestInput(text: string): DestInput {
  const lines = text.split('\n');
  const runs = findRuns(lines);
  const pick = runs.length === 0 ? undefined : (runs.filter((r) => r.incoming).at(-1) ?? runs.at(-1));
  const pickIndex = pick === undefined ? -1 : runs.indexOf(pick);
  const from = pick === undefined ? 0 : pick.line - 1;
  const to = pickIndex >= 0 && pickIndex + 1 < runs.length ? (runs[pickIndex + 1]?.line ?? lines.length + 1) - 1 : lines.length;
  const skipFrom = pick?.commandLines?.first ?? 0;
  const skipTo = pick?.commandLines?.last ?? -1;

  const qemuLines: { text: string; line: number }[] = [];
  const bareErrors: string[] = [];
  const libvirtErrors: string[] = [];
  const libvirtFailures: string[] = [];
  let libvirtLines = 0;
  let shutdownReason: string | undefined;
  const tainted: string[] = [];
  let migrationStatus: string | undefined;
  let qmpSeen = false;
  let refused = false;

  /** A QMP reply or event in this line (alone, after `<-`, or in libvirt's debug log): true when read. */
  const readQmp = (line: string): boolean => {
    const brace = line.indexOf('{');
    if (brace < 0 || !(line.includes('"error-desc"') || line.includes('"MIGRATION"') || line.includes('"status"'))) return false;
    const found = qmpFacts(parseJson(line.slice(brace)));
    if (found === undefined) return false;
    qmpSeen = true;
    if (found.status !== undefined) migrationStatus = found.status;
    if (found.errorDesc !== undefined) bareErrors.push(found.errorDesc);
    return true;
  };

  for (let i = from; i < to; i++) {
    const lineNo = i + 1;
    if (lineNo >= skipFrom && lineNo <= skipTo) continue;
    let raw = lines[i] ?? '';
    if (raw.endsWith('\r')) raw = raw.slice(0, -1);
    const line = raw.length > MAX_LINE ? raw.slice(0, MAX_LINE) : raw;
    if (line.trim() === '') continue;
    if (line.length >= STAMP_LENGTH && LIBVIRT_STAMP.test(line.slice(0, STAMP_LENGTH))) {
      libvirtLines++;
      const rest = line.slice(STAMP_LENGTH);
      // libvirtd's debug log (`<time>: <pid>: info : ... QEMU_MONITOR_RECV_REPLY: ... reply={...}`).
      if (readQmp(rest)) continue;
      if (rest.startsWith('shutting down, reason=')) shutdownReason = rest.slice('shutting down, reason='.length).trim();
      else if (rest.startsWith('Domain id=')) {
        const at = rest.indexOf(' is tainted: ');
        if (at >= 0) tainted.push(rest.slice(at + ' is tainted: '.length));
      }
      continue;
    }
    const virsh = virshMessage(line);
    if (virsh !== undefined) {
      libvirtErrors.push(virsh);
      const inner = stripClass(virsh);
      const fragment = monitorFragment(inner);
      if (fragment !== undefined) {
        if (fragment !== '') qemuLines.push({ text: fragment, line: lineNo });
        continue;
      }
      const job = JOB_FAILED.exec(inner.slice(0, 300));
      if (job !== null) {
        bareErrors.push(inner.slice(job[0].length));
        continue;
      }
      if (REFUSALS.some((re) => re.test(inner))) refused = true;
      // `Failed to restore domain from F` and the like only say which command failed.
      if (!CONTEXT_ONLY.some((p) => inner.startsWith(p))) libvirtFailures.push(inner);
      continue;
    }
    if (line.startsWith(ERROR_MESSAGE)) {
      const desc = line.slice(ERROR_MESSAGE.length).trim();
      if (desc !== '') bareErrors.push(desc);
      continue;
    }
    if (readQmp(line)) continue;
    qemuLines.push({ text: line, line: lineNo });
  }

  // A pretty-printed reply spans lines: read the whole file as one JSON value then.
  if (!qmpSeen && runs.length === 0 && text.length <= MAX_JSON_FILE && text.trimStart().startsWith('{') && text.includes('"error-desc"')) {
    const found = qmpFacts(parseJson(text));
    if (found !== undefined) {
      qmpSeen = true;
      migrationStatus = found.status;
      if (found.errorDesc !== undefined) bareErrors.push(found.errorDesc);
      qemuLines.length = 0;
    }
  }

  const format: DestLogFormat = runs.length > 0 || libvirtLines > 0 ? 'libvirt-log' : libvirtErrors.length > 0 ? 'virsh' : qmpSeen ? 'qmp' : 'qemu-stderr';
  const run = pick === undefined ? undefined : { ...pick, shutdownReason, tainted };
  return {
    origin: { format, runs: runs.length, run, libvirtErrors, refusedByLibvirt: refused, migrationStatus },
    qemuLines,
    bareErrors,
    libvirtFailures,
  };
}

/** Every `starting up` header, with the command that follows it. */
function findRuns(lines: readonly string[]): LibvirtRun[] {
  const runs: LibvirtRun[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.length < STAMP_LENGTH || line.charCodeAt(STAMP_LENGTH - 2) !== 0x3a) continue;
    if (!LIBVIRT_STAMP.test(line.slice(0, STAMP_LENGTH))) continue;
    const rest = line.slice(STAMP_LENGTH, STAMP_LENGTH + MAX_LINE);
    if (!rest.startsWith('starting up')) continue;
    const header = readHeader(rest);
    const headerAt = i;
    // The command: the next line and its ` \` continuations, unless libvirt logged none.
    let commandLine: string | undefined;
    let commandLines: LibvirtRun['commandLines'];
    const next = lines[i + 1];
    if (next !== undefined && !(next.length >= STAMP_LENGTH && LIBVIRT_STAMP.test(next.slice(0, STAMP_LENGTH)))) {
      let last = i + 1;
      let chars = next.length;
      while (last + 1 < lines.length && continues(lines[last] ?? '') && last - i < MAX_COMMAND_LINES && chars < MAX_COMMAND_CHARS) {
        last++;
        chars += (lines[last] ?? '').length + 1;
      }
      commandLine = lines
        .slice(i + 1, last + 1)
        .map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l))
        .join('\n');
      commandLines = { first: i + 2, last: last + 1 };
      i = last;
    }
    runs.push({
      line: headerAt + 1,
      time: line.slice(0, STAMP_LENGTH - 2),
      ...header,
      commandLine,
      commandLines,
      incoming: commandLine !== undefined && hasIncoming(commandLine),
      shutdownReason: undefined,
      tainted: [],
    });
  }
  return runs;
}

function continues(line: string): boolean {
  const l = line.endsWith('\r') ? line.slice(0, -1) : line;
  return l.endsWith(' \\');
}

function hasIncoming(command: string): boolean {
  return command.includes(' -incoming ') || command.includes('\n-incoming ');
}

/** `starting up libvirt version: V, package: P, qemu version: X.Y.ZPKG, kernel: K, hostname: H`. */
function readHeader(rest: string): Pick<LibvirtRun, 'libvirtVersion' | 'qemuVersion' | 'qemuPackage'> {
  const field = (name: string, next: string | undefined): string | undefined => {
    const at = rest.indexOf(name);
    if (at < 0) return undefined;
    const start = at + name.length;
    const end = next === undefined ? -1 : rest.indexOf(next, start);
    return (end < 0 ? rest.slice(start) : rest.slice(start, end)).trim();
  };
  const libvirt = field('libvirt version: ', ',');
  const qemu = field(', qemu version: ', ', kernel: ');
  let qemuVersion: string | undefined;
  let qemuPackage: string | undefined;
  if (qemu !== undefined) {
    // `%d.%d.%d%s`: the package string is glued to the release.
    let end = 0;
    while (end < qemu.length && /[\d.]/.test(qemu[end] ?? '')) end++;
    qemuVersion = qemu.slice(0, end).replace(/\.$/, '') || undefined;
    qemuPackage = qemu.slice(end).trim() || undefined;
  }
  return { libvirtVersion: libvirt, qemuVersion, qemuPackage };
}

/** The message of a virsh `error: ` line (also after `virsh migrate --verbose` progress). */
function virshMessage(line: string): string | undefined {
  if (line.startsWith('error: ')) return line.slice('error: '.length);
  if (line.startsWith('Migration: [')) {
    const at = line.indexOf(']error: ');
    if (at >= 0) return line.slice(at + ']error: '.length);
  }
  // Python bindings (virt-manager, scripts): `libvirt.libvirtError: <message>`.
  if (line.startsWith('libvirt.libvirtError: ')) return line.slice('libvirt.libvirtError: '.length);
  return undefined;
}

function stripClass(message: string): string {
  for (const p of CLASS_PREFIXES) if (message.startsWith(p)) return message.slice(p.length);
  return message;
}

/** The QEMU output libvirt quotes after "closed the monitor" and the like; undefined when not such a message. */
function monitorFragment(inner: string): string | undefined {
  for (const p of MONITOR_PREFIXES) if (inner.startsWith(p)) return inner.slice(p.length);
  if (inner.startsWith(MONITOR_11)) {
    const at = inner.indexOf('): ', MONITOR_11.length);
    return at < 0 ? '' : inner.slice(at + 3);
  }
  // Nothing quoted (an empty log): the message alone.
  if (inner === 'qemu unexpectedly closed the monitor' || inner === 'process exited while connecting to monitor' || (inner.startsWith(MONITOR_11) && inner.endsWith(')'))) return '';
  return undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `{"return": {"status", "error-desc"}}`, `{"event": "MIGRATION", "data": {"status"}}`, or a list of them. */
function qmpFacts(value: unknown): { status: string | undefined; errorDesc: string | undefined } | undefined {
  if (Array.isArray(value)) {
    let out: { status: string | undefined; errorDesc: string | undefined } | undefined;
    for (const v of value) {
      const f = qmpFacts(v);
      if (f !== undefined) out = { status: f.status ?? out?.status, errorDesc: f.errorDesc ?? out?.errorDesc };
    }
    return out;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const o = value as Record<string, unknown>;
  const body = (o['return'] ?? (o['event'] === 'MIGRATION' ? o['data'] : undefined) ?? o) as unknown;
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as Record<string, unknown>;
  const status = typeof b['status'] === 'string' ? b['status'] : undefined;
  const errorDesc = typeof b['error-desc'] === 'string' ? b['error-desc'] : undefined;
  // Other replies (query-status has a status too) are not migration facts.
  if (errorDesc === undefined && !(o['event'] === 'MIGRATION' || ('return' in o && isMigrationStatus(status)))) return undefined;
  return { status, errorDesc };
}

/** qapi/migration.json MigrationStatus values that query-status does not share. */
function isMigrationStatus(s: string | undefined): boolean {
  return s === 'failed' || s === 'completed' || s === 'setup' || s === 'active' || s === 'cancelled' || s === 'device' || s === 'pre-switchover' || s === 'wait-unplug';
}
