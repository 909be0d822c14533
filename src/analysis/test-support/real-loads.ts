/**
 * The real loads of fixtures/loads (every stream of one QEMU loaded by another) joined with the
 * judge: for tests and scripts/false-alarms.ts. Node only.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { bytesSource, decodeStream } from '../../format/index.ts';
import { FIXTURES, readGunzipped } from '../../format/test-support/fixtures.ts';
import { parseQueryMachines, parseVmstateManifest, type QueryMachines, type VmstateManifest } from '../../manifest/index.ts';
import { runStaticChecker } from '../static-checker.ts';
import { checkStream, type StreamCheckReport } from '../stream-check.ts';
import { streamFacts, type StreamFacts } from '../stream-facts.ts';

export interface LoadRow {
  readonly src: string;
  readonly dst: string;
  readonly machine: string;
  readonly config: string;
  readonly outcome: 'SUCCEEDED' | 'FAILED';
  readonly firstError: string;
  /** Mismatch rows: the case id (`a1`, `e-7.2-version`) and the stream file name. */
  readonly caseId?: string | undefined;
  readonly streamFile?: string | undefined;
}

/** RFC 4180 fields of one CSV line (quotes doubled inside quoted fields). */
export function csvFields(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let value = '';
      i++;
      while (i < line.length) {
        if (line[i] === '"' && line[i + 1] === '"') {
          value += '"';
          i += 2;
        } else if (line[i] === '"') {
          i++;
          break;
        } else {
          value += line[i];
          i++;
        }
      }
      out.push(value);
      i++;
    } else {
      const comma = line.indexOf(',', i);
      const end = comma === -1 ? line.length : comma;
      out.push(line.slice(i, end));
      i = end + 1;
    }
  }
  return out;
}

function readRows(path: string): LoadRow[] {
  const lines = readFileSync(path, 'utf8').trim().split('\n');
  const header = csvFields(lines[0] ?? '');
  return lines.slice(1).map((line) => {
    const f = csvFields(line);
    const get = (name: string): string => f[header.indexOf(name)] ?? '';
    return {
      src: get('src_version'),
      dst: get('dst_version'),
      machine: get('machine'),
      config: get('config'),
      outcome: get('outcome') === 'SUCCEEDED' ? 'SUCCEEDED' : 'FAILED',
      firstError: get('first_error_line'),
      caseId: header.includes('case') ? get('case') : undefined,
      streamFile: header.includes('stream_file') ? get('stream_file') : undefined,
    };
  });
}

export function realLoads(): LoadRow[] {
  return readRows(join(FIXTURES, 'loads', 'results.csv'));
}

export function mismatchLoads(): LoadRow[] {
  return readRows(join(FIXTURES, 'loads', 'mismatch', 'results.csv'));
}

const manifestCache = new Map<string, VmstateManifest>();

export function loadManifest(path: string): VmstateManifest {
  const cached = manifestCache.get(path);
  if (cached !== undefined) return cached;
  const parsed = parseVmstateManifest(gunzipSync(readFileSync(path)).toString('utf8'), path);
  if (!parsed.ok) throw new Error(`${path}: ${parsed.error.message}`);
  manifestCache.set(path, parsed.value);
  return parsed.value;
}

export interface ManifestChoice {
  readonly manifest: VmstateManifest;
  /** False when the version has no manifest for that machine type and another one stands in. */
  readonly exact: boolean;
}

/**
 * The manifest of `version` for `machine`; when that version has none for it, any manifest of
 * the version (a manifest describes the binary: every machine type's dump lists the same devices).
 */
export function manifestFor(version: string, machine: string): ManifestChoice {
  const exact = join(FIXTURES, 'versions', version, `vmstate-${machine}.json.gz`);
  if (existsSync(exact)) return { manifest: loadManifest(exact), exact: true };
  const any = readdirSync(join(FIXTURES, 'versions', version)).filter((f) => f.startsWith('vmstate-')).sort()[0];
  if (any === undefined) throw new Error(`no manifest for ${version}`);
  return { manifest: loadManifest(join(FIXTURES, 'versions', version, any)), exact: false };
}

export function queryMachinesFor(version: string): QueryMachines {
  const path = join(FIXTURES, 'versions', version, 'qmp-query-machines.json');
  const parsed = parseQueryMachines(readFileSync(path, 'utf8'), path);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}

const factsCache = new Map<string, StreamFacts>();

export async function factsOf(path: string, bytes?: () => Uint8Array): Promise<StreamFacts> {
  const cached = factsCache.get(path);
  if (cached !== undefined) return cached;
  const facts = streamFacts(await decodeStream(bytesSource(bytes === undefined ? readGunzipped(path) : bytes())));
  factsCache.set(path, facts);
  return facts;
}

export function streamPath(row: LoadRow): string {
  return join(FIXTURES, 'streams', row.src, `${row.machine}-${row.config}.mig.gz`);
}

/** The QEMU checker's problem count for the row's manifests: its oracle file, else our exact port. */
export function staticProblems(row: LoadRow, src: VmstateManifest, dest: VmstateManifest): { readonly problems: number; readonly from: 'oracle' | 'port' } {
  const oracle = join(FIXTURES, 'oracle', 'static', `${row.machine}__${row.src}__${row.dst}.txt`);
  if (existsSync(oracle)) {
    const code = /^exit_code=(\d+)/.exec(readFileSync(oracle, 'utf8'));
    if (code?.[1] !== undefined) return { problems: Number(code[1]), from: 'oracle' };
  }
  return { problems: runStaticChecker(src, dest).problems, from: 'port' };
}

export interface JudgedLoad {
  readonly row: LoadRow;
  readonly report: StreamCheckReport;
  readonly sourceExact: boolean;
  readonly destExact: boolean;
  readonly staticProblems: number;
  readonly staticFrom: 'oracle' | 'port';
}

/** The stream check of one real load, with both versions' manifests for its machine type. */
export async function judgeLoad(row: LoadRow): Promise<JudgedLoad> {
  const src = manifestFor(row.src, row.machine);
  const dst = manifestFor(row.dst, row.machine);
  const facts = await factsOf(streamPath(row));
  const report = checkStream(facts, dst.manifest, { source: src.manifest, destMachineType: row.machine, destMachines: queryMachinesFor(row.dst) });
  const s = staticProblems(row, src.manifest, dst.manifest);
  return { row, report, sourceExact: src.exact, destExact: dst.exact, staticProblems: s.problems, staticFrom: s.from };
}

/** One line per load and a totals line, as printed by the test and scripts/false-alarms.ts. */
export function falseAlarmTable(judged: readonly JudgedLoad[]): string {
  const head = ['load', 'outcome', 'checker problems', 'our breaks', 'our at-risk'];
  const rows = judged.map((j) => [
    `${j.row.src} -> ${j.row.dst} ${j.row.machine} ${j.row.config}${j.sourceExact && j.destExact ? '' : ' *'}`,
    j.row.outcome,
    `${j.staticProblems}${j.staticFrom === 'port' ? ' (port)' : ''}`,
    String(j.report.counts.breaks),
    String(j.report.counts['at-risk']),
  ]);
  const total = (pick: (j: JudgedLoad) => number): number => judged.reduce((n, j) => n + pick(j), 0);
  rows.push([
    `total over ${judged.length} real loads`,
    `${judged.filter((j) => j.row.outcome === 'SUCCEEDED').length} succeeded`,
    String(total((j) => j.staticProblems)),
    String(total((j) => j.report.counts.breaks)),
    String(total((j) => j.report.counts['at-risk'])),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(head), ...rows.map(line)].join('\n');
}
