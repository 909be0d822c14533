/**
 * Mutation fuzzing of every entry point: real inputs (streams, manifests, query-machines,
 * logs) are bit-flipped, truncated, given inflated lengths, spliced, zeroed and salted with
 * invalid UTF-8, then fed to the decoders. Only typed errors are allowed; each input must
 * finish within a second. Deterministic for a seed, so a failure is a reproducible case.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { bytesSource, decodeStream } from '../src/format/index.ts';
import { parseQueryMachines, parseVmstateManifest, type VmstateManifest } from '../src/manifest/index.ts';
import { runStaticChecker } from '../src/analysis/static-checker.ts';
import { stream } from '../src/format/test-support/stream-builder.ts';
import { parseTraceLog } from '../src/trace/index.ts';
import { explainLoad } from '../src/analysis/explain/index.ts';
import { judgeManifests } from '../src/analysis/judge-findings.ts';
import { checkStream } from '../src/analysis/stream-check.ts';
import { streamFacts } from '../src/analysis/stream-facts.ts';
import { machineTiers } from '../src/analysis/machine-tiers.ts';
import { chooseHosts } from '../src/analysis/host-chooser.ts';
import { prng } from './prng.ts';
import { parseDeviceHelp } from '../src/analysis/device-help.ts';
import { parseMachineCatalog, parseQemuCommandLine } from '../src/analysis/explain/index.ts';
import { parseLoadOutcomes } from '../src/analysis/observed-loads.ts';
import { parseDevicePropertiesHelp } from '../src/manifest/device-properties.ts';
import { HOSTILE_SHAPES, type HostileRole } from './hostile-inputs.ts';
import { assignedFromText, assignedReasons, withMdevTypes } from '../src/analysis/assigned-hosts.ts';
import { parseMdevTypes } from '../src/manifest/mdev-types.ts';

export interface FuzzTarget {
  readonly name: string;
  readonly corpus: readonly Uint8Array[];
  /** Runs one input; throws only on a defect (an untyped failure). */
  run(input: Uint8Array): Promise<void>;
}

export interface FuzzFailure {
  readonly target: string;
  readonly iteration: number;
  readonly mutations: readonly string[];
  readonly error: string;
  readonly input: Uint8Array;
}

export interface FuzzReport {
  readonly iterations: number;
  readonly perTarget: Readonly<Record<string, number>>;
  readonly failures: readonly FuzzFailure[];
  readonly slowest: { readonly target: string; readonly ms: number };
}

export { prng } from './prng.ts';

type Mutator = (b: Uint8Array, rnd: () => number, other: Uint8Array) => Uint8Array;

const int = (rnd: () => number, n: number): number => Math.floor(rnd() * n);

export const MUTATORS: Readonly<Record<string, Mutator>> = {
  bitflip: (b, rnd) => {
    const out = b.slice();
    for (let i = 0, n = 1 + int(rnd, 8); i < n && out.length > 0; i++) {
      const at = int(rnd, out.length);
      out[at] = (out[at] as number) ^ (1 << int(rnd, 8));
    }
    return out;
  },
  truncate: (b, rnd) => b.slice(0, int(rnd, b.length + 1)),
  inflateLength: (b, rnd) => {
    const out = b.slice();
    if (out.length < 4) return out;
    const at = int(rnd, out.length - 3);
    const v = [0xffffffff, 0x7fffffff, 0x80000000, 0x00ffffff, 0x10000][int(rnd, 5)] as number;
    out[at] = v >>> 24;
    out[at + 1] = (v >>> 16) & 0xff;
    out[at + 2] = (v >>> 8) & 0xff;
    out[at + 3] = v & 0xff;
    return out;
  },
  splice: (b, rnd, other) => {
    const at = int(rnd, b.length + 1);
    const from = int(rnd, other.length + 1);
    const len = int(rnd, Math.min(4096, other.length - from) + 1);
    const cut = int(rnd, Math.min(4096, b.length - at) + 1);
    const out = new Uint8Array(b.length - cut + len);
    out.set(b.subarray(0, at));
    out.set(other.subarray(from, from + len), at);
    out.set(b.subarray(at + cut), at + len);
    return out;
  },
  zeroRun: (b, rnd) => {
    const out = b.slice();
    const at = int(rnd, out.length + 1);
    out.fill(0, at, Math.min(out.length, at + 1 + int(rnd, 64)));
    return out;
  },
  invalidUtf8: (b, rnd) => {
    const junk = [[0xff], [0xc3, 0x28], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf0, 0x28, 0x8c, 0x28]][int(rnd, 5)] as number[];
    const at = int(rnd, b.length + 1);
    const out = new Uint8Array(b.length + junk.length);
    out.set(b.subarray(0, at));
    out.set(junk, at);
    out.set(b.subarray(at), at + junk.length);
    return out;
  },
};

const text = new TextDecoder();
const FIX = join(import.meta.dirname, '..', 'fixtures');
const gz = (p: string): Uint8Array => new Uint8Array(gunzipSync(readFileSync(join(FIX, p))));

/** A real stream without its RAM sections: the structure-dense part, small enough to fuzz fast. */
async function withoutRam(path: string): Promise<Uint8Array> {
  const bytes = gz(path);
  const r = await decodeStream(bytesSource(bytes));
  const firstRam = r.sections.find((s) => s.idstr === 'ram');
  const firstFull = r.sections.find((s) => s.type === 'FULL');
  if (firstRam === undefined || firstFull === undefined) return bytes;
  const head = bytes.subarray(0, firstRam.start);
  const tail = bytes.subarray(firstFull.start);
  const out = new Uint8Array(head.length + tail.length);
  out.set(head);
  out.set(tail, head.length);
  return out;
}

export async function defaultTargets(): Promise<FuzzTarget[]> {
  const streams = [
    await withoutRam('streams/5.2/pc-i440fx-5.2-minimal.mig.gz'),
    await withoutRam('streams/7.2/pc-q35-7.2-default.mig.gz'),
    await withoutRam('streams/11.1/pc-q35-11.1-virtio.mig.gz'),
    await withoutRam('streams-extra/aarch64/11.1/virt-11.1-virtio-mmio.mig.gz'),
    stream().config('pc-q35-11.1').ram(1, 'pc.ram', ['page', 'zero', 'zero', 'page']).command(11).full(2, 'timer', 0, 2, { a: 1, b: 2 }).eof().vmdesc().bytes(),
  ];
  // Manifests are ~0.9 MB; a slice of devices keeps each parse fast and the shapes real.
  const manifestText = text.decode(gz('versions/7.2/vmstate-pc-q35-7.2.json.gz'));
  const smallManifest = new TextEncoder().encode(manifestText.slice(0, manifestText.indexOf('\n    "', 40_000)) + '\n}\n');
  const manifests = [smallManifest, new Uint8Array(readFileSync(join(FIX, 'upstream-testdata', 'dump1.json')))];
  const machines = [new Uint8Array(readFileSync(join(FIX, 'versions', '7.2', 'qmp-query-machines.json')))];
  const logLines = (p: string, from: number, n: number): Uint8Array =>
    new TextEncoder().encode(text.decode(gz(p)).split('\n').slice(from, from + n).join('\n'));
  const logs = [
    logLines('loads/mismatch/e-7.2-footer__7.2__7.2__pc-i440fx-7.2-default.log.gz', 0, 400),
    logLines('loads/mismatch/a3__11.1__11.1__pc-i440fx-11.1-minimal.log.gz', 0, 400),
    logLines('streams/5.2/pc-q35-5.2-minimal.save-trace.log.gz', 100, 400),
  ];
  const failingLog = text.decode(gz('loads/mismatch/e-7.2-footer__7.2__7.2__pc-i440fx-7.2-default.log.gz')).split('\n');
  const logTail = new TextEncoder().encode(failingLog.slice(-300).join('\n'));
  const explainStream = await withoutRam('streams/7.2/pc-i440fx-7.2-default.mig.gz');
  const explainDecoded = await decodeStream(bytesSource(explainStream));
  const destText = text.decode(gz('versions/7.2/vmstate-pc-i440fx-7.2.json.gz'));
  const explainDest = parseVmstateManifest(destText, 'vmstate-pc-i440fx-7.2.json');
  const destination = { manifest: explainDest.ok ? explainDest.value : undefined, machine: 'pc-i440fx-7.2' };
  const dest = parseVmstateManifest(text.decode(manifests[1]), 'dump1.json');
  const destManifest: VmstateManifest | undefined = dest.ok ? dest.value : undefined;
  const realMachines = parseQueryMachines(text.decode(machines[0]), 'qmp-query-machines.json');
  const hostMachines = realMachines.ok ? realMachines.value : undefined;
  const deviceHelp = new TextEncoder().encode(readFileSync(join(FIX, 'versions', '7.2', 'devices.txt'), 'utf8').split('\n').slice(0, 300).join('\n'));
  return [
    {
      name: 'decode',
      corpus: streams,
      run: async (input) => {
        const r = await decodeStream(bytesSource(input, 'fuzz'));
        if (r.error?.code === 'INTERNAL_ERROR') throw new Error(r.error.message);
      },
    },
    {
      name: 'manifest+check',
      corpus: manifests,
      run: async (input) => {
        // `migscope check`: QEMU's checker port and the loader's verdicts, both directions.
        const m = parseVmstateManifest(text.decode(input), 'fuzz.json');
        if (m.ok && destManifest !== undefined) {
          runStaticChecker(m.value, destManifest);
          runStaticChecker(destManifest, m.value);
          judgeManifests(m.value, destManifest);
          judgeManifests(destManifest, m.value);
        }
        await Promise.resolve();
      },
    },
    {
      // A damaged stream, explained against a real destination log and manifest.
      name: 'explain-stream',
      corpus: [explainStream],
      run: async (input) => {
        const decoded = await decodeStream(bytesSource(input, 'fuzz'));
        explainLoad({ stream: decoded, log: text.decode(logTail), destination });
        explainLoad({ stream: decoded, destination });
        // `check --stream` and `hosts`: the same damaged stream as the facts of a VM.
        if (destination.manifest !== undefined) {
          const facts = streamFacts(decoded);
          checkStream(facts, destination.manifest, { source: destination.manifest });
          // With the destination's load checks too (11.1 makes the ring check), taking the
          // damaged stream as its own destination sample as well.
          checkStream(facts, destination.manifest, { source: destination.manifest, runtime: { stream: decoded, destination: { ...destination, version: { major: 11, minor: 1 }, sample: decoded } } });
          chooseHosts({ kind: 'stream', facts, stream: decoded }, [{ name: 'h', manifest: destination.manifest, machines: hostMachines, release: '11.1', sample: decoded }]);
        }
      },
    },
    {
      // A damaged destination log, against the real stream.
      name: 'explain-log',
      corpus: [logTail],
      run: async (input) => {
        explainLoad({ stream: explainDecoded, log: text.decode(input), destination });
        await Promise.resolve();
      },
    },
    {
      name: 'trace',
      corpus: logs,
      run: async (input) => {
        parseTraceLog(text.decode(input));
        await Promise.resolve();
      },
    },
    {
      // `migscope tiers` over a damaged reply next to a real one.
      name: 'query-machines',
      corpus: machines,
      run: async (input) => {
        const m = parseQueryMachines(text.decode(input), 'fuzz.json');
        if (m.ok) machineTiers([{ version: '7.2', machines: m.value }, { version: '11.1', machines: hostMachines }]);
        await Promise.resolve();
      },
    },
    {
      // `tiers` with a damaged -device help list: the devices without migration state.
      name: 'device-help',
      corpus: [deviceHelp],
      run: async (input) => {
        machineTiers([{ version: '7.2', machines: hostMachines, manifest: explainDest.ok ? explainDest.value : undefined, devices: parseDeviceHelp(text.decode(input)) }]);
        await Promise.resolve();
      },
    },
  ];
}

export async function fuzz(
  targets: readonly FuzzTarget[],
  iterations: number,
  seed: number,
  timeLimitMs = 1000,
  onProgress?: (done: number, failures: number) => void,
): Promise<FuzzReport> {
  const rnd = prng(seed);
  const names = Object.keys(MUTATORS);
  const failures: FuzzFailure[] = [];
  const perTarget: Record<string, number> = {};
  let slowest = { target: '', ms: 0 };
  for (let i = 0; i < iterations; i++) {
    const target = targets[i % targets.length] as FuzzTarget;
    let input = target.corpus[int(rnd, target.corpus.length)] as Uint8Array;
    const other = target.corpus[int(rnd, target.corpus.length)] as Uint8Array;
    const applied: string[] = [];
    for (let m = 0, n = 1 + int(rnd, 3); m < n; m++) {
      const name = names[int(rnd, names.length)] as string;
      input = (MUTATORS[name] as Mutator)(input, rnd, other);
      applied.push(name);
    }
    perTarget[target.name] = (perTarget[target.name] ?? 0) + 1;
    const t = performance.now();
    try {
      await target.run(input);
    } catch (e) {
      failures.push({ target: target.name, iteration: i, mutations: applied, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e), input });
    }
    const ms = performance.now() - t;
    if (ms > slowest.ms) slowest = { target: target.name, ms };
    if (ms > timeLimitMs) {
      failures.push({ target: target.name, iteration: i, mutations: applied, error: `took ${ms.toFixed(0)} ms (limit ${timeLimitMs} ms)`, input });
    }
    if (onProgress !== undefined && (i + 1) % 5000 === 0) onProgress(i + 1, failures.length);
  }
  return { iterations, perTarget, failures, slowest };
}

// ------------------------------------------------------------------ hostile shapes (issue 18)

const MDEV_UUID = '4b20d080-1b54-4048-85b3-a6a62d165c01';

/** What reads an input of each role, in process: the same code each CLI command and view runs. */
export async function hostileReaders(): Promise<Readonly<Record<HostileRole, (text: string) => void>>> {
  const explainStream = await withoutRam('streams/7.2/pc-i440fx-7.2-default.mig.gz');
  const stream = await decodeStream(bytesSource(explainStream));
  const parsed = parseVmstateManifest(text.decode(gz('versions/7.2/vmstate-pc-i440fx-7.2.json.gz')), 'vmstate-pc-i440fx-7.2.json');
  const manifest = parsed.ok ? parsed.value : undefined;
  const destination = { manifest, machine: 'pc-i440fx-7.2' };
  const log = (t: string): void => {
    parseTraceLog(t);
    explainLoad({ stream, log: t, destination });
  };
  return {
    'dest-log': log,
    'trace-log': log,
    manifest: (t) => {
      const m = parseVmstateManifest(t, 'hostile.json');
      if (m.ok && manifest !== undefined) {
        runStaticChecker(m.value, manifest);
        judgeManifests(manifest, m.value);
      }
    },
    'query-machines': (t) => {
      const m = parseQueryMachines(t, 'hostile.json');
      if (m.ok) machineTiers([{ version: '7.2', machines: m.value }]);
      parseMachineCatalog(t, 'hostile.json');
    },
    cmdline: (t) => {
      const c = parseQemuCommandLine(t);
      explainLoad({ stream, destination: { ...destination, ...(c.ok ? { cmdline: c.value } : {}) } });
    },
    'device-help': (t) => {
      parseDeviceHelp(t);
      parseDevicePropertiesHelp(t);
    },
    csv: (t) => {
      parseLoadOutcomes(t);
    },
    assigned: (t) => {
      const read = assignedFromText(t);
      if (read.ok) assignedReasons(withMdevTypes(read.devices, new Map([[MDEV_UUID, 'i915-GVTg_V5_4']]), undefined), 'h', undefined);
    },
    'mdev-types': (t) => {
      const types = parseMdevTypes(t, 'hostile.txt');
      if (types.ok) assignedReasons(withMdevTypes([{ kind: 'mdev', id: MDEV_UUID, from: 'fuzz' }], new Map([[MDEV_UUID, 'i915-GVTg_V5_4']]), types.value), 'h', types.value);
    },
  };
}

export interface HostileFailure {
  readonly shape: string;
  readonly bytes: number;
  readonly mutations: readonly string[];
  readonly error: string;
  readonly input: Uint8Array;
}

export interface HostileReport {
  readonly runs: number;
  readonly bytes: number;
  readonly ms: number;
  readonly failures: readonly HostileFailure[];
  /** The lowest throughput seen, on inputs of 1 MB and more (smaller ones are all overhead). */
  readonly slowest: { readonly shape: string; readonly mbPerS: number } | undefined;
}

/**
 * Each hostile shape in turn at a size drawn log-uniformly in [minBytes, maxBytes], half of them also mutated,
 * read by every reader of its role. An input fails when it throws (not a typed error) or takes
 * longer than `budget(bytes)`: a time linear in the input, so a quadratic reader fails on size.
 */
export async function fuzzHostile(
  runs: number,
  seed: number,
  [minBytes, maxBytes]: readonly [number, number],
  budget: (bytes: number) => number = (bytes) => 500 + bytes / 2000,
  onProgress?: (done: number, failures: number) => void,
): Promise<HostileReport> {
  const readers = await hostileReaders();
  const rnd = prng(seed);
  const names = Object.keys(MUTATORS);
  const failures: HostileFailure[] = [];
  const encoder = new TextEncoder();
  let total = 0;
  let totalMs = 0;
  let slowest: HostileReport['slowest'];
  for (let i = 0; i < runs; i++) {
    const shape = HOSTILE_SHAPES[i % HOSTILE_SHAPES.length] as (typeof HOSTILE_SHAPES)[number];
    const size = Math.round(minBytes * (maxBytes / minBytes) ** rnd());
    let input = shape.build(size);
    const applied: string[] = [];
    if (rnd() < 0.5) {
      const name = names[int(rnd, names.length)] as string;
      const bytes = encoder.encode(input);
      input = text.decode((MUTATORS[name] as Mutator)(bytes, rnd, bytes));
      applied.push(name);
    }
    // Let the event loop turn between inputs (a test runner's worker answers its parent then).
    await new Promise((resolve) => setTimeout(resolve, 0));
    const t = performance.now();
    try {
      readers[shape.role](input);
    } catch (e) {
      failures.push({ shape: shape.name, bytes: input.length, mutations: applied, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e), input: encoder.encode(input) });
    }
    const ms = performance.now() - t;
    total += input.length;
    totalMs += ms;
    const limit = budget(input.length);
    if (ms > limit) {
      failures.push({ shape: shape.name, bytes: input.length, mutations: applied, error: `took ${ms.toFixed(0)} ms (limit ${limit.toFixed(0)} ms)`, input: encoder.encode(input) });
    }
    const mbPerS = input.length / 1e6 / (ms / 1000);
    if (input.length >= 1e6 && (slowest === undefined || mbPerS < slowest.mbPerS)) slowest = { shape: shape.name, mbPerS };
    if (onProgress !== undefined && (i + 1) % 50 === 0) onProgress(i + 1, failures.length);
  }
  return { runs, bytes: total, ms: totalMs, failures, slowest };
}
