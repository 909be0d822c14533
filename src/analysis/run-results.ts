/**
 * Real load outcomes, one row per load: the results file `migscope run` writes, in the shape of
 * fixtures/real-runs/results.csv (`src_version,dst_version,machine,config,outcome,exit_code,
 * first_error_line,arch,stream_file,log_file`), with the command lines and the save trace after
 * it. Paths are relative to the results file. fixtures/loads/results.csv (without the file
 * columns) reads the same way.
 *
 * Here: writing and reading that file, the summary per configuration and direction, and
 * migscope's own prediction for a row next to what QEMU did.
 */
import { readCsvRecords } from '../lib/csv-read.ts';
import { csvText } from './csv-text.ts';
import { predictLoad, type DestinationKnowledge } from './explain/predict.ts';
import { parseQemuVersion } from './explain/qemu-version.ts';
import type { QemuCommandLine } from './explain/qemu-cmdline.ts';
import type { ExplainVerdict } from './explain/model.ts';
import type { DecodeResult } from '../format/model.ts';

export const RUN_RESULT_COLUMNS = [
  'src_version',
  'dst_version',
  'machine',
  'config',
  'outcome',
  'exit_code',
  'first_error_line',
  'arch',
  'stream_file',
  'log_file',
  'src_cmdline_file',
  'dst_cmdline_file',
  'save_trace_file',
] as const;

const REQUIRED = ['src_version', 'dst_version', 'machine', 'config', 'outcome'] as const;

/**
 * SUCCEEDED: `query-migrate` said completed and the destination left `inmigrate`. FAILED: the
 * destination exited (or QMP said failed) first. TIMEOUT: neither within the time allowed.
 * NOT-RUN: no load was tried, because the source could not save (its error is the row's).
 */
export type RunOutcome = 'SUCCEEDED' | 'FAILED' | 'TIMEOUT' | 'NOT-RUN';
const OUTCOMES: readonly RunOutcome[] = ['SUCCEEDED', 'FAILED', 'TIMEOUT', 'NOT-RUN'];

export interface RunResult {
  readonly source: string;
  readonly dest: string;
  readonly machine: string;
  /** The configuration: a device alone (`virtio-net-pci`), or `all` for the whole list. */
  readonly config: string;
  readonly outcome: RunOutcome;
  /** QEMU's exit status, or the signal that ended it (`SIGABRT`); '' when none. */
  readonly exitCode: string;
  /** The destination's first error line as QEMU printed it (timestamp and program included). */
  readonly firstError: string;
  readonly arch: string;
  /** Relative to the results file; '' when there is none. */
  readonly streamFile: string;
  readonly logFile: string;
  readonly srcCmdlineFile: string;
  readonly dstCmdlineFile: string;
  readonly saveTraceFile: string;
}

export interface ReadRunResult extends RunResult {
  /** 1-based record number below the header. */
  readonly row: number;
}

export function runResultsCsv(rows: readonly RunResult[]): string {
  return csvText(
    RUN_RESULT_COLUMNS,
    rows.map((r) => [r.source, r.dest, r.machine, r.config, r.outcome, r.exitCode, r.firstError, r.arch, r.streamFile, r.logFile, r.srcCmdlineFile, r.dstCmdlineFile, r.saveTraceFile]),
  );
}

/** True when the text starts with a header naming the columns a results file needs. */
export function looksLikeRunResults(text: string): boolean {
  const nl = text.indexOf('\n');
  const first = readCsvRecords(nl < 0 ? text : text.slice(0, nl))[0] ?? [];
  const names = first.map((c) => c.trim().toLowerCase());
  return REQUIRED.every((r) => names.includes(r));
}

export type ReadRunResults =
  | { readonly ok: true; readonly rows: readonly ReadRunResult[]; readonly skipped: readonly { readonly row: number; readonly message: string }[] }
  | { readonly ok: false; readonly message: string };

export function readRunResults(text: string): ReadRunResults {
  const [header = [], ...records] = readCsvRecords(text);
  const names = header.map((c) => c.trim().toLowerCase());
  const missing = REQUIRED.filter((r) => !names.includes(r));
  if (missing.length > 0) return { ok: false, message: `no ${missing.join(', ')} column${missing.length > 1 ? 's' : ''} (the header has ${names.join(', ') || 'nothing'})` };
  const rows: ReadRunResult[] = [];
  const skipped: { row: number; message: string }[] = [];
  records.forEach((fields, i) => {
    const get = (name: (typeof RUN_RESULT_COLUMNS)[number]): string => {
      const at = names.indexOf(name);
      return at < 0 ? '' : (fields[at] ?? '').trim();
    };
    const outcome = get('outcome').toUpperCase() as RunOutcome;
    if (!OUTCOMES.includes(outcome)) {
      skipped.push({ row: i + 1, message: `outcome '${get('outcome')}' is none of ${OUTCOMES.join(', ')}` });
      return;
    }
    rows.push({
      row: i + 1,
      source: get('src_version'),
      dest: get('dst_version'),
      machine: get('machine'),
      config: get('config'),
      outcome,
      exitCode: get('exit_code'),
      firstError: get('first_error_line'),
      arch: get('arch'),
      streamFile: get('stream_file'),
      logFile: get('log_file'),
      srcCmdlineFile: get('src_cmdline_file'),
      dstCmdlineFile: get('dst_cmdline_file'),
      saveTraceFile: get('save_trace_file'),
    });
  });
  return { ok: true, rows, skipped };
}

/** `2026-12-06T12:21:45.576495Z qemu-system-x86_64: VQ 0 ...` → `VQ 0 ...`. */
export function qemuMessage(line: string): string {
  return line
    .replace(/^\d{4}-\d\d-\d\dT[\d:.]+Z\s+/, '')
    .replace(/^qemu-system-[\w.-]+:\s*/, '')
    .trim();
}

// ---------------------------------------------------------------------------------------------

/** One configuration in one direction, over every machine type run. */
export interface RunSummary {
  readonly config: string;
  readonly source: string;
  readonly dest: string;
  readonly loads: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly timedOut: number;
  readonly notRun: number;
  /** Machine types where the load did not succeed. */
  readonly failedMachines: readonly string[];
  /** The distinct first error lines (QEMU's words, prefix removed), most frequent first. */
  readonly messages: readonly string[];
}

/** Per configuration and direction, in the order they first appear. */
export function summarizeRuns(rows: readonly RunResult[]): RunSummary[] {
  const groups = new Map<string, RunResult[]>();
  for (const r of rows) {
    const key = `${r.config}\u0000${r.source}\u0000${r.dest}`;
    const list = groups.get(key) ?? [];
    list.push(r);
    groups.set(key, list);
  }
  return [...groups.values()].map((list) => {
    const first = list[0] as RunResult;
    const bad = list.filter((r) => r.outcome !== 'SUCCEEDED');
    const counts = new Map<string, number>();
    for (const r of bad) {
      const m = qemuMessage(r.firstError);
      if (m !== '') counts.set(m, (counts.get(m) ?? 0) + 1);
    }
    return {
      config: first.config,
      source: first.source,
      dest: first.dest,
      loads: list.length,
      succeeded: list.length - bad.length,
      failed: bad.filter((r) => r.outcome === 'FAILED').length,
      timedOut: bad.filter((r) => r.outcome === 'TIMEOUT').length,
      notRun: bad.filter((r) => r.outcome === 'NOT-RUN').length,
      failedMachines: [...new Set(bad.map((r) => r.machine))],
      messages: [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([m]) => m),
    };
  });
}

// ---------------------------------------------------------------------------------------------

export type Agreement = 'agree' | 'disagree' | 'unsure';

/** What migscope predicts for a row's stream at its destination, against what QEMU did. */
export interface RunPrediction {
  readonly verdict: ExplainVerdict;
  /** The first line of what the destination would print, for `fails`. */
  readonly message: string | undefined;
  readonly agreement: Agreement;
  /** For a failed load predicted to fail: the predicted line is the one QEMU printed. */
  readonly sameMessage: boolean;
  /** What the prediction knew of the destination. */
  readonly basis: string;
}

/**
 * Predicts the load of a row's stream as `migscope explain` does without a log: from the
 * destination's release (the row's `dst_version`), its machine type and, when given, its
 * command line (the run's destination `.cmd`). Defaults such as queue sizes come from the
 * release's built-in profile, as for any prediction.
 */
export function predictRun(stream: DecodeResult, row: Pick<RunResult, 'dest' | 'machine' | 'outcome' | 'firstError'>, cmdline: QemuCommandLine | undefined): RunPrediction {
  const version = parseQemuVersion(row.dest);
  const dest: DestinationKnowledge = { machine: row.machine, version, cmdline };
  const p = predictLoad(stream, dest);
  const message = p.failure?.message.split('\n')[0];
  const observed = qemuMessage(row.firstError);
  const agreement: Agreement =
    p.verdict === 'at-risk' || row.outcome === 'NOT-RUN' ? 'unsure' : (p.verdict === 'fails') === (row.outcome !== 'SUCCEEDED') ? 'agree' : 'disagree';
  const basis = [version !== undefined ? `release ${row.dest}` : `release '${row.dest}' not understood`, `-machine ${row.machine}`, cmdline !== undefined ? 'the command line' : 'no command line'].join(', ');
  return { verdict: p.verdict, message, agreement, sameMessage: p.verdict === 'fails' && message !== undefined && qemuMessage(message) === observed, basis };
}
