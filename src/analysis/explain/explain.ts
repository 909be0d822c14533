/**
 * "Why did (or will) this load fail": one answer from whatever is at hand.
 *
 * With a destination log, the log decides the verdict (it is what happened) and the stream
 * locates it (diagnose.ts). Without one, the destination knowledge predicts it (predict.ts).
 * Both give the same record, rendered here as the JSON the CLI prints and as text.
 */
import type { DecodeResult } from '../../format/model.ts';
import { assignedDeviceNotes } from './assigned-devices.ts';
import { parseDestLog, type DestLog } from './dest-log.ts';
import { parseQemuCommandLine } from './qemu-cmdline.ts';
import { parseQemuVersion } from './qemu-version.ts';
import { diagnoseLoad, type Diagnosis } from './diagnose.ts';
import type { ExplainBasis, ExplainFailure, ExplainNote, ExplainVerdict } from './model.ts';
import { predictLoad, resolveDestination, type DestinationKnowledge, type Prediction, type ResolvedDestination } from './predict.ts';
import { formatQemuVersion } from './qemu-version.ts';
import { hex } from './stream-locate.ts';

export interface ExplainInput {
  readonly stream: DecodeResult;
  /** The destination's stderr / log text, or an already parsed one. */
  readonly log?: string | DestLog | undefined;
  readonly destination?: DestinationKnowledge | undefined;
}

export interface ExplainResult {
  readonly verdict: ExplainVerdict;
  readonly basis: ExplainBasis;
  readonly failure: ExplainFailure | undefined;
  readonly notes: readonly ExplainNote[];
  readonly assumptions: readonly string[];
  readonly destination: ResolvedDestination | undefined;
  readonly diagnosis: Diagnosis | undefined;
  readonly prediction: Prediction | undefined;
  /** Facts about the destination read from the log (a libvirt log's command line and QEMU release). */
  readonly destinationFacts: readonly DestinationFact[];
}

/** One fact about the destination that the log carries, and whether it was used. */
export interface DestinationFact {
  readonly fact: 'command line' | 'QEMU version';
  /** Short form: `pc-q35-7.2, 5 -device` for a command line, `7.2.22 (Debian ...)` for a release. */
  readonly value: string;
  /** Where in the log: `the libvirt log, lines 2-38`. */
  readonly source: string;
  /** False when the same fact was given explicitly (which wins). */
  readonly used: boolean;
}

export function explainLoad(input: ExplainInput): ExplainResult {
  if (input.log !== undefined) {
    const log = typeof input.log === 'string' ? parseDestLog(input.log) : input.log;
    // A libvirt log says which command line and release the destination had: used unless given.
    const { destination: dest, facts, notes: factNotes } = destinationFromLog(log, input.destination);
    const resolved = dest !== undefined ? resolveDestination(dest) : undefined;
    const diagnosis = diagnoseLoad(input.stream, log, { destination: dest });
    return {
      verdict: diagnosis.verdict,
      basis: 'log',
      failure: diagnosis.failure,
      notes: [...originNotes(log), ...factNotes, ...diagnosis.notes, ...assignedDeviceNotes(input.stream)],
      assumptions: diagnosis.prediction?.assumptions ?? [],
      destination: resolved,
      diagnosis,
      prediction: diagnosis.prediction,
      destinationFacts: facts,
    };
  }
  const dest = input.destination;
  const prediction = predictLoad(input.stream, dest ?? {});
  const damaged = prediction.failure !== undefined && (prediction.failure.cause === 'TRUNCATED' || prediction.failure.cause === 'CORRUPTED' || prediction.failure.cause === 'BAD_HEADER');
  return {
    verdict: prediction.verdict,
    basis: damaged ? 'stream' : 'prediction',
    failure: prediction.failure ?? riskAsFailure(prediction.notes),
    notes: [...prediction.notes, ...assignedDeviceNotes(input.stream)],
    assumptions: prediction.assumptions,
    destination: prediction.destination,
    diagnosis: undefined,
    prediction,
    destinationFacts: [],
  };
}

/**
 * The destination knowledge with what a libvirt log adds: the command line libvirt ran and the
 * QEMU release it probed. Explicit knowledge wins; a disagreement is said.
 */
export function destinationFromLog(
  log: DestLog,
  given: DestinationKnowledge | undefined,
): { readonly destination: DestinationKnowledge | undefined; readonly facts: readonly DestinationFact[]; readonly notes: readonly ExplainNote[] } {
  const run = log.origin.run;
  if (run === undefined) return { destination: given, facts: [], notes: [] };
  const dest: { -readonly [K in keyof DestinationKnowledge]: DestinationKnowledge[K] } = { ...given };
  const facts: DestinationFact[] = [];
  const notes: ExplainNote[] = [];
  if (run.commandLine !== undefined && run.commandLines !== undefined) {
    const c = parseQemuCommandLine(run.commandLine);
    const where = `the libvirt log, ${run.commandLines.first === run.commandLines.last ? `line ${run.commandLines.first}` : `lines ${run.commandLines.first}-${run.commandLines.last}`}`;
    if (!c.ok) {
      notes.push({ severity: 'info', code: 'LOG_CMDLINE_UNREADABLE', text: `the command line in ${where} could not be read (${c.message}), so it is not used` });
    } else {
      const value = `${c.value.machine !== undefined ? `-machine ${c.value.machine}` : 'no -machine'}, ${c.value.devices.length} -device`;
      const used = given?.cmdline === undefined;
      facts.push({ fact: 'command line', value, source: where, used });
      if (used) dest.cmdline = c.value;
      else if (given?.cmdline?.machine !== undefined && c.value.machine !== undefined && given.cmdline.machine !== c.value.machine) {
        notes.push({ severity: 'info', code: 'LOG_CMDLINE_DIFFERS', text: `the given command line has -machine ${given.cmdline.machine}, the libvirt log's ${c.value.machine}; the given one is used` });
      }
    }
  }
  if (run.qemuVersion !== undefined) {
    const v = parseQemuVersion(run.qemuVersion);
    if (v !== undefined) {
      const used = given?.version === undefined;
      facts.push({ fact: 'QEMU version', value: `${run.qemuVersion}${run.qemuPackage !== undefined ? ` (${run.qemuPackage})` : ''}`, source: `the libvirt log's header, line ${run.line}`, used });
      if (used) dest.version = v;
      else if (given?.version !== undefined && (given.version.major !== v.major || given.version.minor !== v.minor)) {
        notes.push({ severity: 'info', code: 'LOG_VERSION_DIFFERS', text: `the given QEMU version is ${formatQemuVersion(given.version)}, the libvirt log says ${run.qemuVersion}; the given one is used` });
      }
    }
  }
  return { destination: Object.keys(dest).length > 0 ? dest : undefined, facts, notes };
}

/** What the log file was, when it was more than QEMU's stderr. */
function originNotes(log: DestLog): ExplainNote[] {
  const o = log.origin;
  const notes: ExplainNote[] = [];
  if (o.format === 'libvirt-log') {
    const run = o.run;
    const which = run === undefined ? 'no QEMU start in it' : o.runs > 1 ? `${o.runs} QEMU starts; read the one at ${run.time} (line ${run.line})${run.incoming ? ', started to receive a migration' : ''}` : `QEMU started at ${run.time} (line ${run.line})${run.incoming ? ' to receive a migration' : ''}`;
    const ended = run?.shutdownReason !== undefined ? `; libvirt: shutting down, reason=${run.shutdownReason}` : '';
    notes.push({ severity: 'info', code: 'LOG_LIBVIRT', text: `read as a libvirt domain log${run?.libvirtVersion !== undefined ? ` (libvirt ${run.libvirtVersion})` : ''}: ${which}${ended}` });
  } else if (o.format === 'virsh') {
    notes.push({ severity: 'info', code: 'LOG_VIRSH', text: `read as virsh's error output: ${o.libvirtErrors.length} error line${o.libvirtErrors.length === 1 ? '' : 's'} from libvirt` });
  } else if (o.format === 'qmp') {
    notes.push({ severity: 'info', code: 'LOG_QMP', text: `read as QMP replies: migration status ${o.migrationStatus ?? 'unknown'}` });
  }
  if (o.refusedByLibvirt) notes.push({ severity: 'info', code: 'LIBVIRT_REFUSED', text: 'libvirt refused before starting QEMU: the message is libvirt\'s, from its own check of the domain definition' });
  return notes;
}

/**
 * `at-risk` still answers "what would fail": the first risk that names a cause, with the text
 * QEMU would print if it turned out badly.
 */
function riskAsFailure(notes: readonly ExplainNote[]): ExplainFailure | undefined {
  const risk = notes.find((n) => n.severity === 'at-risk' && n.cause !== undefined);
  if (risk === undefined || risk.cause === undefined) return undefined;
  return {
    cause: risk.cause,
    section: risk.section,
    field: undefined,
    offset: risk.offset ?? risk.section?.offset,
    // The section's length only when the offset is the section's own start.
    length: risk.offset === undefined ? risk.section?.length : undefined,
    message: risk.message ?? '',
    explanation: `Not known to fail, but it may: ${risk.text}.`,
    fix: risk.fix ?? 'Give the missing destination input to settle it.',
    values: [],
  };
}

/** The CLI's `--json` shape: `{"verdict", "failure": {...} | null, ...}`. */
export interface ExplainJson {
  readonly verdict: ExplainVerdict;
  readonly basis: ExplainBasis;
  readonly failure: {
    readonly cause: string;
    readonly section: { readonly idstr: string; readonly instance: number; readonly offset: number; readonly length: number } | null;
    readonly field: string | null;
    readonly offset: number | null;
    readonly length: number | null;
    readonly message: string;
    readonly explanation: string;
    readonly fix: string;
    readonly values: readonly { readonly name: string; readonly offset: number; readonly length: number; readonly value: string }[];
  } | null;
  /** For `at-risk`: what the inputs cannot settle. */
  readonly risks: readonly { readonly code: string; readonly text: string; readonly section: string | null }[];
  readonly notes: readonly { readonly code: string; readonly text: string }[];
  readonly assumptions: readonly string[];
  readonly destination: { readonly machine: string | null; readonly machineSource: string | null; readonly machineType: string | null; readonly version: string | null; readonly versionSource: string | null } | null;
  /** With a log: what the destination's inputs would have predicted. */
  readonly prediction: { readonly verdict: ExplainVerdict; readonly cause: string | null; readonly section: string | null } | null;
  /** Facts about the destination the log carried (a libvirt log's command line and QEMU release), and whether each was used. */
  readonly destinationFacts: readonly DestinationFact[];
}

export function explainResultToJson(r: ExplainResult): ExplainJson {
  const f = r.failure;
  const d = r.destination;
  return {
    verdict: r.verdict,
    basis: r.basis,
    failure:
      f === undefined
        ? null
        : {
            cause: f.cause,
            section: f.section ?? null,
            field: f.field ?? null,
            offset: f.offset ?? null,
            length: f.length ?? null,
            message: f.message,
            explanation: f.explanation,
            fix: f.fix,
            values: f.values,
          },
    risks: r.notes.filter((n) => n.severity === 'at-risk').map((n) => ({ code: n.code, text: n.text, section: n.section?.idstr ?? null })),
    notes: r.notes.filter((n) => n.severity === 'info').map((n) => ({ code: n.code, text: n.text })),
    assumptions: r.assumptions,
    destination:
      d === undefined
        ? null
        : {
            machine: d.machine ?? null,
            machineSource: d.machineSource ?? null,
            machineType: d.machineType ?? null,
            version: d.version !== undefined ? formatQemuVersion(d.version) : null,
            versionSource: r.destinationFacts.some((f) => f.fact === 'QEMU version' && f.used) ? 'log' : (d.versionSource ?? null),
          },
    prediction:
      r.basis === 'log' && r.prediction !== undefined
        ? { verdict: r.prediction.verdict, cause: r.prediction.failure?.cause ?? null, section: r.prediction.failure?.section?.idstr ?? null }
        : null,
    destinationFacts: r.destinationFacts,
  };
}

/** Plain text for a terminal: verdict, then the same story as the JSON. */
export function explainResultToText(r: ExplainResult, streamName: string): string {
  const lines: string[] = [];
  const how = r.basis === 'log' ? 'from the destination log' : r.basis === 'stream' ? 'from the stream itself' : 'predicted from what is known of the destination';
  const word = r.verdict === 'fails' ? 'FAILS' : r.verdict === 'loads' ? 'LOADS' : 'AT RISK';
  lines.push(`${streamName}: ${word} (${how})`);
  const f = r.failure;
  if (f !== undefined) {
    lines.push('');
    lines.push(`cause:       ${f.cause}`);
    if (f.section !== undefined) lines.push(`section:     '${f.section.idstr}' instance ${f.section.instance}, ${hex(f.section.offset)}..${hex(f.section.offset + f.section.length)} (${f.section.length} bytes)`);
    if (f.field !== undefined) lines.push(`field:       ${f.field}`);
    if (f.offset !== undefined) lines.push(`offset:      ${hex(f.offset)}${f.length !== undefined ? ` (${f.length} bytes)` : ''}`);
    for (const v of f.values) lines.push(`value:       ${v.name} = ${v.value} at ${hex(v.offset)}`);
    if (f.message !== '') {
      lines.push('');
      lines.push(r.verdict === 'at-risk' ? 'if it fails, QEMU prints:' : r.basis === 'log' ? 'QEMU printed:' : 'QEMU prints:');
      for (const m of f.message.split('\n')) lines.push(`  ${m}`);
    }
    lines.push('');
    lines.push(`why: ${f.explanation}`);
    lines.push('');
    lines.push(`fix: ${f.fix}`);
  }
  if (r.destinationFacts.length > 0) {
    lines.push('');
    lines.push('destination, from the log:');
    for (const f of r.destinationFacts) lines.push(`  - ${f.fact}: ${f.value}, from ${f.source}${f.used ? '' : ' (not used: given explicitly)'}`);
  }
  const risks = r.notes.filter((n) => n.severity === 'at-risk');
  if (risks.length > 0) {
    lines.push('');
    lines.push('at risk because:');
    for (const n of risks) lines.push(`  - ${n.text}`);
  }
  const info = r.notes.filter((n) => n.severity === 'info');
  if (info.length > 0) {
    lines.push('');
    lines.push('notes:');
    for (const n of info) lines.push(`  - ${n.text}`);
  }
  if (r.assumptions.length > 0) {
    lines.push('');
    lines.push('assumed:');
    for (const a of r.assumptions) lines.push(`  - ${a}`);
  }
  return `${lines.join('\n')}\n`;
}
