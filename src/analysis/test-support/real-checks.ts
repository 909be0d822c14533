/**
 * `migscope check --src A --dest B --stream S` over every real load, with as much of the
 * destination as the CLI options give (`--dest-version`, `--dest-cmdline`, `--dest-sample`): the
 * same call the CLI makes, with manifests and streams cached, for tests and
 * scripts/real-runs/check-verdicts.ts. Node only.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bytesSource, decodeStream, type DecodeResult } from '../../format/index.ts';
import { FIXTURES, readGunzipped } from '../../format/test-support/fixtures.ts';
import type { DestinationKnowledge } from '../explain/predict.ts';
import { parseQemuCommandLine, type QemuCommandLine } from '../explain/qemu-cmdline.ts';
import { parseQemuVersion } from '../explain/qemu-version.ts';
import { loadManifest } from '../explain/test-support/cases.ts';
import { checkStream, type StreamCheckReport } from '../stream-check.ts';
import { streamFacts } from '../stream-facts.ts';
import { manifestFor, realLoads, streamPath, type LoadRow } from './real-loads.ts';
import { decodeRealStream, realManifestPath, realRuns, REAL_RUNS, streamFileOf, type RealRun } from './real-runs.ts';

/** What the check is told of the destination beyond its manifest. */
export type CheckInputs = 'layout' | 'release' | 'release+cmdline' | 'release+cmdline+sample';

export const CHECK_INPUTS: readonly CheckInputs[] = ['layout', 'release', 'release+cmdline', 'release+cmdline+sample'];

/** One real load, whichever fixture set it comes from, with the files the CLI would be given. */
export interface RealLoad {
  readonly id: string;
  readonly outcome: 'SUCCEEDED' | 'FAILED';
  readonly firstError: string;
  readonly src: string;
  readonly dst: string;
  readonly srcManifest: string;
  readonly dstManifest: string;
  readonly machine: string;
  /** Absolute paths. */
  readonly stream: string;
  readonly cmdline: string;
  /** The destination build's own stream of the same machine type and configuration, when there is one. */
  readonly sample: string | undefined;
}

function fromRun(run: RealRun): RealLoad {
  const manifest = (version: string): string => {
    const path = realManifestPath(run.arch, version, run.machine);
    if (path === undefined) throw new Error(`${run.id}: no ${version} manifest for ${run.machine}`);
    return path;
  };
  const sample = join(REAL_RUNS, streamFileOf(run.arch, run.dst, run.machine, run.config));
  return {
    id: `real-runs ${run.id}`,
    outcome: run.outcome,
    firstError: run.firstErrorLine,
    src: run.src,
    dst: run.dst,
    srcManifest: manifest(run.src),
    dstManifest: manifest(run.dst),
    machine: run.machine,
    stream: join(REAL_RUNS, run.streamFile),
    cmdline: join(REAL_RUNS, run.streamFile.replace(/\.mig\.gz$/, '.cmd')),
    sample: existsSync(sample) ? sample : undefined,
  };
}

function fromSharedLoad(row: LoadRow): RealLoad {
  const manifest = (version: string): string => {
    const path = join(FIXTURES, 'versions', version, `vmstate-${row.machine}.json.gz`);
    if (!manifestFor(version, row.machine).exact) throw new Error(`no ${version} manifest for ${row.machine}`);
    return path;
  };
  const stream = streamPath(row);
  // The destination build's own stream: the shared copy, else the one the real runs saved with
  // the same build and configuration.
  const sample = [join(FIXTURES, 'streams', row.dst, `${row.machine}-${row.config}.mig.gz`), join(REAL_RUNS, streamFileOf('x86_64', row.dst, row.machine, row.config))].find((p) => existsSync(p));
  return {
    id: `loads ${row.src}__${row.dst}__${row.machine}-${row.config}`,
    outcome: row.outcome,
    firstError: row.firstError,
    src: row.src,
    dst: row.dst,
    srcManifest: manifest(row.src),
    dstManifest: manifest(row.dst),
    machine: row.machine,
    stream,
    cmdline: stream.replace(/\.mig\.gz$/, '.cmd'),
    sample,
  };
}

/** fixtures/real-runs (250 loads) then fixtures/loads (44). */
export function allRealLoads(): RealLoad[] {
  return [...realRuns().map(fromRun), ...realLoads().map(fromSharedLoad)];
}

const decoded = new Map<string, Promise<DecodeResult>>();

function decodeFile(path: string): Promise<DecodeResult> {
  if (path.startsWith(REAL_RUNS)) return decodeRealStream(path.slice(REAL_RUNS.length + 1));
  let p = decoded.get(path);
  if (p === undefined) {
    p = decodeStream(bytesSource(readGunzipped(path), path.split('/').pop() ?? path));
    decoded.set(path, p);
  }
  return p;
}

const cmdlines = new Map<string, QemuCommandLine>();

function commandLine(path: string): QemuCommandLine {
  let c = cmdlines.get(path);
  if (c === undefined) {
    const parsed = parseQemuCommandLine(readFileSync(path, 'utf8'));
    if (!parsed.ok) throw new Error(`${path}: ${parsed.message}`);
    c = parsed.value;
    cmdlines.set(path, c);
  }
  return c;
}

/** The destination knowledge the CLI builds from `--dest-*` options for these inputs. */
export async function checkDestination(load: RealLoad, inputs: CheckInputs): Promise<DestinationKnowledge | undefined> {
  if (inputs === 'layout') return undefined;
  return {
    manifest: loadManifest(load.dstManifest),
    version: parseQemuVersion(load.dst),
    cmdline: inputs === 'release' ? undefined : commandLine(load.cmdline),
    sample: inputs === 'release+cmdline+sample' && load.sample !== undefined ? await decodeFile(load.sample) : undefined,
  };
}

/** `check --src --dest --stream` of one load: the call checkCommand makes. */
export async function checkRealLoad(load: RealLoad, inputs: CheckInputs): Promise<StreamCheckReport> {
  const stream = await decodeFile(load.stream);
  const destination = await checkDestination(load, inputs);
  const dest = loadManifest(load.dstManifest);
  return checkStream(streamFacts(stream), dest, { source: loadManifest(load.srcManifest), runtime: destination !== undefined ? { stream, destination } : undefined });
}
