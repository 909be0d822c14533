/**
 * The real loads of fixtures/loads (results.csv and mismatch/results.csv) with what was known
 * of each destination beforehand: its QEMU version's manifest and machine list, its -machine
 * (the results.csv `machine` column, also in the log file name) and its device list (the
 * source's .cmd, minus or plus the device the case names).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { bytesSource, decodeStream, type DecodeResult } from '../../../format/index.ts';
import { derivedStreams, FIXTURES, readGunzipped } from '../../../format/test-support/fixtures.ts';
import { parseVmstateManifest, type VmstateManifest } from '../../../manifest/vmstate-manifest.ts';
import { readCsvObjects } from '../../../lib/csv-read.ts';
import { parseMachineCatalog, type MachineCatalog } from '../machines-list.ts';
import { parseQemuCommandLine, withDevice, withoutDevice, type QemuCommandLine } from '../qemu-cmdline.ts';
import { parseQemuVersion } from '../qemu-version.ts';
import type { DestinationKnowledge } from '../predict.ts';

export interface LoadCase {
  /** `a1`, `b-7.2`, ... or `<src>__<dst>__<machine>-<config>` for results.csv rows. */
  readonly id: string;
  readonly srcVersion: string;
  readonly dstVersion: string;
  /** The destination's -machine. */
  readonly machine: string;
  readonly config: string;
  readonly outcome: 'SUCCEEDED' | 'FAILED';
  readonly firstErrorLine: string;
  readonly logPath: string;
  /** Where the stream comes from: a fixture path, or a derived stream's file name. */
  readonly streamName: string;
  readonly stream: () => Uint8Array;
  /** The source's command line file (.cmd). */
  readonly cmdPath: string;
}

/** Minimal CSV reader: quoted fields with doubled quotes, as results.csv writes them. */
export function readCsv(path: string): Record<string, string>[] {
  return readCsvObjects(readFileSync(path, 'utf8')).rows;
}

const LOADS = join(FIXTURES, 'loads');

export function successfulLoads(): LoadCase[] {
  return readCsv(join(LOADS, 'results.csv')).map((r) => {
    const src = r.src_version ?? '';
    const dst = r.dst_version ?? '';
    const machine = r.machine ?? '';
    const config = r.config ?? '';
    const base = `${machine}-${config}`;
    const streamPath = join(FIXTURES, 'streams', src, `${base}.mig.gz`);
    return {
      id: `${src}__${dst}__${base}`,
      srcVersion: src,
      dstVersion: dst,
      machine,
      config,
      outcome: r.outcome === 'SUCCEEDED' ? 'SUCCEEDED' : 'FAILED',
      firstErrorLine: r.first_error_line ?? '',
      logPath: join(LOADS, `${src}__${dst}__${base}.log.gz`),
      streamName: `streams/${src}/${base}.mig`,
      stream: () => readGunzipped(streamPath),
      cmdPath: join(FIXTURES, 'streams', src, `${base}.cmd`),
    };
  });
}

export function mismatchLoads(): LoadCase[] {
  const derived = new Map(derivedStreams().map((d) => [d.recipe.file, d]));
  return readCsv(join(LOADS, 'mismatch', 'results.csv')).map((r) => {
    const src = r.src_version ?? '';
    const file = r.stream_file ?? '';
    const d = derived.get(file);
    const from = d !== undefined ? d.recipe.from : streamFrom(src, file);
    const cmdPath = join(FIXTURES, from.replace(/\.mig$/, '.cmd'));
    return {
      id: r.case ?? '',
      srcVersion: src,
      dstVersion: r.dst_version ?? '',
      machine: r.machine ?? '',
      config: r.config ?? '',
      outcome: r.outcome === 'SUCCEEDED' ? 'SUCCEEDED' : 'FAILED',
      firstErrorLine: r.first_error_line ?? '',
      logPath: join(LOADS, 'mismatch', r.log_file ?? ''),
      streamName: d !== undefined ? file : from,
      stream: d !== undefined ? d.bytes : () => readGunzipped(join(FIXTURES, `${from}.gz`)),
      cmdPath,
    };
  });
}

/**
 * `streams/<src>/<file>`; case a7 names a 7.2 `pc-q35-5.2-minimal` stream that fixtures/ does
 * not hold, so the stream of that name from another version stands in (a machine-type case: only
 * the configuration record matters, and it is the same).
 */
function streamFrom(src: string, file: string): string {
  const own = `streams/${src}/${file}`;
  if (existsSync(join(FIXTURES, `${own}.gz`))) return own;
  for (const v of readdirSync(join(FIXTURES, 'streams')).sort()) {
    if (existsSync(join(FIXTURES, 'streams', v, `${file}.gz`))) return `streams/${v}/${file}`;
  }
  return own;
}

export function readLog(c: LoadCase): string {
  return gunzipSync(readFileSync(c.logPath)).toString('utf8');
}

export async function decodeCase(c: LoadCase): Promise<DecodeResult> {
  return decodeStream(bytesSource(c.stream(), c.streamName));
}

const manifestCache = new Map<string, VmstateManifest>();

/** The destination version's manifest for its machine; any of that version when it lacks the machine. */
export function destManifestPath(version: string, machine: string): string {
  const dir = join(FIXTURES, 'versions', version);
  const exact = join(dir, `vmstate-${machine}.json.gz`);
  if (existsSync(exact)) return exact;
  const family = machine.startsWith('pc-q35') ? 'pc-q35' : 'pc-i440fx';
  const same = readdirSync(dir).filter((f) => f.startsWith(`vmstate-${family}-`)).sort();
  const pick = same[same.length - 1] ?? readdirSync(dir).find((f) => f.startsWith('vmstate-'));
  if (pick === undefined) throw new Error(`no manifest in ${dir}`);
  return join(dir, pick);
}

export function loadManifest(path: string): VmstateManifest {
  const cached = manifestCache.get(path);
  if (cached !== undefined) return cached;
  const parsed = parseVmstateManifest(gunzipSync(readFileSync(path)).toString('utf8'), path);
  if (!parsed.ok) throw new Error(`${path}: ${parsed.error.message}`);
  manifestCache.set(path, parsed.value);
  return parsed.value;
}

export function loadMachines(version: string): MachineCatalog {
  const path = join(FIXTURES, 'versions', version, 'machines.txt');
  const parsed = parseMachineCatalog(readFileSync(path, 'utf8'), path);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}

/** The destination's command line: the source's, with the case's device removed or added. */
export function destCommandLine(c: LoadCase): QemuCommandLine {
  const parsed = parseQemuCommandLine(readFileSync(c.cmdPath, 'utf8'));
  if (!parsed.ok) throw new Error(`${c.cmdPath}: ${parsed.message}`);
  let cmd = parsed.value;
  const minus = /-minus-(.+)$/.exec(c.config);
  if (minus !== null) cmd = withoutDevice(cmd, minus[1] ?? '');
  const plus = /-plus-(.+)-(first|last)$/.exec(c.config);
  if (plus !== null) cmd = withDevice(cmd, plus[1] ?? '', plus[2] === 'first' ? 'first' : 'last');
  return { ...cmd, machine: c.machine };
}

/** Everything known of the case's destination before the load. */
export function destinationOf(c: LoadCase): DestinationKnowledge {
  return {
    manifest: loadManifest(destManifestPath(c.dstVersion, c.machine)),
    machine: c.machine,
    machines: loadMachines(c.dstVersion),
    cmdline: destCommandLine(c),
    version: parseQemuVersion(c.dstVersion),
  };
}
