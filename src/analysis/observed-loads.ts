/**
 * Predicted against observed: a CSV of real load outcomes (the shape of fixtures/loads/results.csv
 * and fixtures/real-runs/results.csv: `src_version,dst_version,machine,config,outcome`, then
 * optionally `first_error_line`, `arch`...) laid over the board.
 *
 * The board judges devices, not VMs: for one machine type and pair of builds it predicts that a
 * VM loads unless it has one of the devices that break there, and that it fails when the
 * destination does not offer the machine type. A `devices` column (QOM types, separated by
 * spaces or semicolons) says what the VM had: then a breaking device among them predicts a
 * failure; without it the configuration's devices are unknown and the prediction is "loads". A load
 * that failed where the manifests saw nothing certain is shown as such ("observed fail, manifests
 * said fine"), with the runtime check whose message the destination printed when one matches:
 * those checks (src/analysis/runtime-checks) look at values inside the stream, which no manifest
 * shows.
 */
import { readCsvRecords } from '../lib/csv-read.ts';
import { compareVersions } from './machine-names.ts';
import { pairKey, type ReleaseBoard } from './release-board.ts';
import { ARM_CPREG_CHECK } from './runtime-checks/arm-cpregs.ts';
import { EQUAL_FIELD_CHECK } from './runtime-checks/equal-fields.ts';
import type { RuntimeCheckSpec } from './runtime-checks/model.ts';
import { PCI_CONFIG_CHECK } from './runtime-checks/pci-config.ts';
import { RAM_BLOCK_SIZE_CHECK } from './runtime-checks/ram-blocks.ts';
import { POINTER_SUBSECTION_CHECK } from './runtime-checks/subsection-state.ts';
import { VIRTIO_RING_CHECK } from './runtime-checks/virtio-rings.ts';

export interface ObservedLoad {
  /** 1-based line in the CSV. */
  readonly line: number;
  readonly source: string;
  readonly dest: string;
  readonly machine: string;
  readonly config: string;
  readonly outcome: 'SUCCEEDED' | 'FAILED';
  readonly firstError: string;
  readonly arch: string | undefined;
  /** The VM's devices (QOM types), when the CSV has a `devices` column. */
  readonly devices: readonly string[] | undefined;
}

export interface LoadCsvError {
  readonly line: number;
  readonly message: string;
}

const REQUIRED = ['src_version', 'dst_version', 'machine', 'config', 'outcome'] as const;

/** The header names the columns this reader needs: the same test as a `migscope run` results file. */
export { looksLikeRunResults as looksLikeLoadOutcomes } from './run-results.ts';

/**
 * The rows of a load-outcome CSV (`fixtures/real-runs/results.csv`, `migscope run`'s results file), read
 * by the one CSV reader (src/lib/csv-read.ts, linear in the text); rows whose outcome is neither
 * SUCCEEDED nor FAILED are skipped with the reason, for the board marks only those.
 */
export function parseLoadOutcomes(text: string): { readonly ok: true; readonly loads: readonly ObservedLoad[]; readonly skipped: readonly LoadCsvError[] } | { readonly ok: false; readonly error: LoadCsvError } {
  const [first = [], ...records] = readCsvRecords(text);
  const header = first.map((c) => c.trim().toLowerCase());
  const at = (name: string): number => header.indexOf(name);
  for (const r of REQUIRED) if (at(r) < 0) return { ok: false, error: { line: 1, message: `no ${r} column (the header has ${header.join(', ')})` } };
  const loads: ObservedLoad[] = [];
  const skipped: LoadCsvError[] = [];
  records.forEach((f, i) => {
    const line = i + 2;
    const get = (name: string): string => (at(name) >= 0 ? (f[at(name)] ?? '').trim() : '');
    const outcome = get('outcome').toUpperCase();
    if (outcome !== 'SUCCEEDED' && outcome !== 'FAILED') {
      skipped.push({ line, message: `outcome '${get('outcome')}' is neither SUCCEEDED nor FAILED` });
      return;
    }
    const arch = get('arch');
    const devices = at('devices') >= 0 ? get('devices').split(/[\s;]+/).filter((d) => d !== '') : undefined;
    loads.push({ line, source: get('src_version'), dest: get('dst_version'), machine: get('machine'), config: get('config'), outcome, firstError: get('first_error_line'), arch: arch === '' ? undefined : arch, devices });
  });
  return { ok: true, loads, skipped };
}

// ---------------------------------------------------------------------------------------------

export type Prediction = 'loads' | 'fails' | 'off the board';

export type Agreement =
  /** The prediction held. */
  | 'agree'
  /** It failed where the manifests saw nothing certain. */
  | 'observed fail, manifests said fine'
  /** It loaded where the board said it cannot. */
  | 'observed success, manifests said fail'
  /** A load within one build: no pair of the board. */
  | 'same build'
  | 'off the board';

export interface RuntimeCheckLink {
  readonly family: RuntimeCheckSpec['family'];
  readonly message: string;
  readonly source: string;
  readonly releases: string;
}

export interface LoadMark {
  readonly load: ObservedLoad;
  readonly pair: string;
  readonly prediction: Prediction;
  readonly agreement: Agreement;
  /** Devices that break in this pair: the VM would fail with one of them. */
  readonly unlessDevices: readonly string[];
  /** Devices at risk in this pair (not comparable, conditional state). */
  readonly atRiskDevices: number;
  /** The runtime check whose message the destination printed, for a failed load. */
  readonly runtimeCheck: RuntimeCheckLink | undefined;
  readonly why: string;
}

export interface ObservedSummary {
  readonly marks: readonly LoadMark[];
  readonly counts: Readonly<Record<Agreement, number>>;
}

export function markLoads(board: ReleaseBoard, loads: readonly ObservedLoad[]): ObservedSummary {
  const machines = new Map(board.machines.map((m) => [m.name, m]));
  const marks = loads.map((load): LoadMark => {
    const pair = pairKey(load.source, load.dest);
    const base = { load, pair, unlessDevices: [] as string[], atRiskDevices: 0, runtimeCheck: load.outcome === 'FAILED' ? runtimeCheckOf(load) : undefined };
    if (load.source === load.dest) {
      return { ...base, prediction: 'off the board', agreement: 'same build', why: `A load within ${load.source}: the board compares different builds.` };
    }
    const m = machines.get(load.machine);
    if (!board.builds.includes(load.source) || !board.builds.includes(load.dest) || m === undefined) {
      const what = m === undefined ? `machine type ${load.machine} is not on the board` : `no manifest of ${[load.source, load.dest].filter((b) => !board.builds.includes(b)).join(' and ')} is loaded`;
      return { ...base, prediction: 'off the board', agreement: 'off the board', why: `Not judged: ${what}${load.arch !== undefined ? ` (${load.arch})` : ''}.` };
    }
    if (!m.offeredBy.includes(load.dest) && m.absentFrom.includes(load.dest)) {
      const agreement: Agreement = load.outcome === 'FAILED' ? 'agree' : 'observed success, manifests said fail';
      return { ...base, prediction: 'fails', agreement, why: `${load.dest} does not offer ${load.machine}: QEMU refuses it ("unsupported machine type").` };
    }
    const cells = [...(board.cells.get(pair)?.values() ?? [])];
    const unlessDevices = cells.filter((c) => c.verdict === 'breaks').map((c) => c.qomType);
    const atRiskDevices = cells.filter((c) => c.verdict === 'at-risk').length;
    const unless = unlessDevices.length > 0 ? ` unless the VM has ${unlessDevices.join(', ')}` : '';
    const has = load.devices?.filter((d) => unlessDevices.includes(d)) ?? [];
    if (has.length > 0) {
      const agreement: Agreement = load.outcome === 'FAILED' ? 'agree' : 'observed success, manifests said fail';
      const breaking = cells.filter((c) => has.includes(c.qomType)).map((c) => `${c.qomType}: ${c.findings.find((f) => f.verdict === 'breaks')?.reason ?? ''}`);
      return { ...base, unlessDevices, atRiskDevices, prediction: 'fails', agreement, why: `The VM has ${has.join(', ')}, which the manifests say breaks ${load.source} → ${load.dest}. ${breaking.join(' ')}${load.outcome === 'FAILED' ? ` It failed: ${stripPrefix(load.firstError)}` : ' Yet it loaded.'}` };
    }
    if (load.outcome === 'SUCCEEDED') {
      return { ...base, unlessDevices, atRiskDevices, prediction: 'loads', agreement: 'agree', why: `The manifests say a ${load.machine} VM loads ${load.source} → ${load.dest}${unless}; it did.` };
    }
    const check = base.runtimeCheck;
    const because = check !== undefined ? ` The destination's message is the ${check.family} runtime check (${check.source}, ${check.releases}): it looks at values inside the stream, which no manifest shows.` : ' No runtime check migscope knows names this message.';
    return {
      ...base,
      unlessDevices,
      atRiskDevices,
      prediction: 'loads',
      agreement: 'observed fail, manifests said fine',
      why: `The manifests saw nothing certain for a ${load.machine} VM ${load.source} → ${load.dest}${unless} (${atRiskDevices} devices at risk), but it failed: ${stripPrefix(load.firstError) || 'no error line recorded'}.${because}`,
    };
  });
  const counts: Record<Agreement, number> = { agree: 0, 'observed fail, manifests said fine': 0, 'observed success, manifests said fail': 0, 'same build': 0, 'off the board': 0 };
  for (const mk of marks) counts[mk.agreement]++;
  return { marks, counts };
}

/** Marks grouped by machine type and pair (the board's columns), oldest source first. */
export function marksByColumn(summary: ObservedSummary): Map<string, LoadMark[]> {
  const out = new Map<string, LoadMark[]>();
  const sorted = [...summary.marks].sort((a, b) => compareVersions(a.load.source, b.load.source) || compareVersions(a.load.dest, b.load.dest) || a.load.line - b.load.line);
  for (const mk of sorted) {
    const key = `${mk.load.machine}\u0000${mk.pair}`;
    const list = out.get(key) ?? [];
    list.push(mk);
    out.set(key, list);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Which runtime check printed the error

const SPECS: readonly RuntimeCheckSpec[] = [VIRTIO_RING_CHECK, ARM_CPREG_CHECK, POINTER_SUBSECTION_CHECK, RAM_BLOCK_SIZE_CHECK, PCI_CONFIG_CHECK, EQUAL_FIELD_CHECK];

/** `2026-12-06T12:21:45.576495Z qemu-system-aarch64: ` and the like. */
function stripPrefix(line: string): string {
  return line.replace(/^\S*\d{4}-\d\d-\d\dT[\d:.]+Z\s+/, '').replace(/^qemu-system-[\w.-]+:\s*/, '').trim();
}

/** A spec's message (printf format, alternatives joined by ` / `, releases in parentheses) as whole-line patterns. */
function specPatterns(spec: RuntimeCheckSpec): RegExp[] {
  return spec.message.split(' / ').map((alt) => {
    const text = alt.replace(/\s+\([^()]*\)$/, '');
    const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%[-+ #0]*\d*(?:l|ll|h|z)?[diuxXsc]/g, '.+?');
    return new RegExp(`^${escaped}$`);
  });
}

/**
 * Up to 10.x a refused Arm register list may print nothing of its own: the first line is the
 * section's (`error while loading state ... of device 'cpu'`), as cpregFailureFromLog reads it.
 */
const SILENT_CPU = /^error while loading state for instance 0x[0-9a-f]+ of device 'cpu'$/;

export function runtimeCheckOf(load: Pick<ObservedLoad, 'firstError' | 'arch'>): RuntimeCheckLink | undefined {
  const message = stripPrefix(load.firstError);
  if (message === '') return undefined;
  const link = (s: RuntimeCheckSpec): RuntimeCheckLink => ({ family: s.family, message: s.message, source: s.source, releases: s.releases });
  const hit = SPECS.find((s) => specPatterns(s).some((p) => p.test(message)));
  if (hit !== undefined) return link(hit);
  if (load.arch === 'aarch64' && SILENT_CPU.test(message)) return link(ARM_CPREG_CHECK);
  return undefined;
}
