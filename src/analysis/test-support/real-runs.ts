/**
 * The real runs of fixtures/real-runs (every stream of Debian's QEMU 5.2, 7.2, 10.0 and 11.1,
 * x86_64 and aarch64, loaded by every build that has its machine type) with what a person
 * predicting each load would know of the destination: its machine type, release, command line
 * (the same as the source's), manifest and machine list, and, optionally, a stream the
 * destination build saved with the same configuration (`--dest-sample`). Node only.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { bytesSource, decodeStream, type DecodeResult } from '../../format/index.ts';
import { FIXTURES } from '../../format/test-support/fixtures.ts';
import { parseMachineCatalog, type MachineCatalog } from '../explain/machines-list.ts';
import type { DestinationKnowledge } from '../explain/predict.ts';
import { parseQemuCommandLine, type QemuCommandLine } from '../explain/qemu-cmdline.ts';
import { parseQemuVersion } from '../explain/qemu-version.ts';
import { readCsv, loadManifest } from '../explain/test-support/cases.ts';

export const REAL_RUNS = join(FIXTURES, 'real-runs');

export interface RealRun {
  readonly id: string;
  readonly arch: 'x86_64' | 'aarch64';
  readonly src: string;
  readonly dst: string;
  readonly machine: string;
  readonly config: string;
  readonly outcome: 'SUCCEEDED' | 'FAILED';
  readonly exitCode: string;
  readonly firstErrorLine: string;
  /** Relative to fixtures/real-runs. */
  readonly streamFile: string;
  readonly logFile: string;
}

export function realRuns(): RealRun[] {
  return readCsv(join(REAL_RUNS, 'results.csv')).map((r) => {
    const arch = r.arch === 'aarch64' ? 'aarch64' : 'x86_64';
    const src = r.src_version ?? '';
    const dst = r.dst_version ?? '';
    const machine = r.machine ?? '';
    const config = r.config ?? '';
    return {
      id: `${arch} ${src}__${dst}__${machine}-${config}`,
      arch,
      src,
      dst,
      machine,
      config,
      outcome: r.outcome === 'SUCCEEDED' ? 'SUCCEEDED' : 'FAILED',
      exitCode: r.exit_code ?? '',
      firstErrorLine: r.first_error_line ?? '',
      streamFile: r.stream_file ?? '',
      logFile: r.log_file ?? '',
    };
  });
}

/** `streams/<arch>/<ver>/<machine>-<config>.mig.gz`, relative to fixtures/real-runs. */
export function streamFileOf(arch: string, version: string, machine: string, config: string): string {
  return `streams/${arch}/${version}/${machine}-${config}.mig.gz`;
}

const decoded = new Map<string, Promise<DecodeResult>>();

export function decodeRealStream(file: string): Promise<DecodeResult> {
  let p = decoded.get(file);
  if (p === undefined) {
    const bytes = gunzipSync(readFileSync(join(REAL_RUNS, file)));
    p = decodeStream(bytesSource(bytes, file.split('/').pop() ?? file));
    decoded.set(file, p);
  }
  return p;
}

export function readRealLog(run: RealRun): string {
  return gunzipSync(readFileSync(join(REAL_RUNS, run.logFile))).toString('utf8');
}

function firstExisting(paths: readonly string[]): string | undefined {
  return paths.find((p) => existsSync(p));
}

/** The destination build's -dump-vmstate manifest for the machine type. */
export function realManifestPath(arch: string, version: string, machine: string): string | undefined {
  const file = `vmstate-${machine}.json.gz`;
  return arch === 'aarch64'
    ? firstExisting([join(REAL_RUNS, 'versions', `aarch64-${version}`, file), join(FIXTURES, 'versions-extra', `aarch64-${version}`, file)])
    : firstExisting([join(FIXTURES, 'versions', version, file), join(REAL_RUNS, 'versions', version, file)]);
}

const catalogs = new Map<string, MachineCatalog>();

function machinesOf(arch: string, version: string): MachineCatalog | undefined {
  const key = `${arch}-${version}`;
  const cached = catalogs.get(key);
  if (cached !== undefined) return cached;
  const path =
    arch === 'aarch64'
      ? firstExisting([join(REAL_RUNS, 'versions', `aarch64-${version}`, 'machines.txt'), join(FIXTURES, 'versions-extra', `aarch64-${version}`, 'machines.txt')])
      : firstExisting([join(FIXTURES, 'versions', version, 'machines.txt'), join(REAL_RUNS, 'versions', version, 'machines.txt')]);
  if (path === undefined) return undefined;
  const parsed = parseMachineCatalog(readFileSync(path, 'utf8'), path);
  if (!parsed.ok) throw new Error(parsed.error.message);
  catalogs.set(key, parsed.value);
  return parsed.value;
}

/** The destination ran the source's command line (fixtures/README.md, real-runs). */
export function realCommandLine(run: RealRun): QemuCommandLine {
  const path = join(REAL_RUNS, run.streamFile.replace(/\.mig\.gz$/, '.cmd'));
  const parsed = parseQemuCommandLine(readFileSync(path, 'utf8'));
  if (!parsed.ok) throw new Error(`${path}: ${parsed.message}`);
  return parsed.value;
}

export interface RealDestinationOptions {
  /** Give the destination build's own stream of the same machine type and configuration. */
  readonly sample?: boolean;
}

export async function realDestination(run: RealRun, options: RealDestinationOptions = {}): Promise<DestinationKnowledge> {
  const manifestPath = realManifestPath(run.arch, run.dst, run.machine);
  const sample = options.sample === true ? await decodeRealStream(streamFileOf(run.arch, run.dst, run.machine, run.config)) : undefined;
  return {
    machine: run.machine,
    version: parseQemuVersion(run.dst),
    cmdline: realCommandLine(run),
    manifest: manifestPath !== undefined ? loadManifest(manifestPath) : undefined,
    machines: machinesOf(run.arch, run.dst),
    sample,
  };
}
