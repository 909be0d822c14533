/**
 * The real-runs matrix (issue 12, part 8): every (build, machine type, config) saved, every
 * stream loaded into every build that has its machine type, failures run a second time.
 *
 *   npx tsx scripts/real-runs/matrix.ts [--out DIR] [--only REGEX] [--force] [saves|loads|reruns|all]
 *
 * DIR (default /work/qc/runs/out) must be visible at the same path to every build (bind-mounted
 * into the chroots). Results go to DIR/results.json; the curate step turns them into fixtures.
 * Already-made streams and loads are kept unless --force (so an interrupted run resumes).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { traceArgs, traceEventNames } from '../../src/cli/run/builds.ts';
import { runToEnd, type QemuBuild } from '../../src/cli/run/qemu-process.ts';
import { loadVm, saveVm, type LoadResult, type VmSpec } from '../../src/cli/run/vm-run.ts';

export const BUILDS: readonly QemuBuild[] = [
  { version: '5.2', prefix: ['chroot', '/work/roots/bullseye'] },
  { version: '7.2', prefix: [] },
  { version: '10.0', prefix: ['chroot', '/work/roots/trixie'] },
  { version: '11.1', prefix: ['chroot', '/work/roots/sid'] },
];

export type Arch = 'x86_64' | 'aarch64';

export interface ArchPlan {
  readonly arch: Arch;
  readonly binary: string;
  readonly builds: readonly string[];
  readonly machines: readonly string[];
  readonly configs: Readonly<Record<string, readonly string[]>>;
  readonly commonArgs: readonly string[];
  /** config args that come before the config's own (aarch64: -cpu, -m, -nodefaults) */
  readonly vmArgs: readonly string[];
}

export const SCRATCH = '/work/qc/runs';
export const DISK = `${SCRATCH}/disk.raw`;

export const PLANS: readonly ArchPlan[] = [
  {
    arch: 'x86_64',
    binary: 'qemu-system-x86_64',
    builds: ['5.2', '7.2', '10.0', '11.1'],
    machines: ['pc-i440fx-5.2', 'pc-q35-5.2', 'pc-i440fx-7.2', 'pc-q35-7.2', 'pc-i440fx-10.0', 'pc-q35-10.0'],
    vmArgs: [],
    configs: {
      minimal: ['-nodefaults'],
      default: [],
      virtio: [
        '-nodefaults',
        ...['-netdev', 'user,id=n0', '-device', 'virtio-net-pci,netdev=n0'],
        ...['-drive', `if=none,id=d0,file=${DISK},format=raw`, '-device', 'virtio-blk-pci,drive=d0'],
        ...['-device', 'virtio-balloon-pci', '-device', 'virtio-serial-pci', '-device', 'virtio-gpu-pci', '-device', 'virtio-rng-pci'],
      ],
      // Devices whose section name is not their QOM type (usb-ehci saves "ehci", qemu-xhci
      // "xhci", usb-tablet "usb-ptr", hda-duplex "hda-audio", i6300esb "i6300esb_wdt",
      // ich9-ahci "ich9_ahci") or whose layout changed across versions (e1000e).
      extra: [
        '-nodefaults',
        ...['-device', 'usb-ehci,id=ehci'],
        ...['-netdev', 'user,id=n0', '-device', 'e1000e,netdev=n0'],
        ...['-device', 'qemu-xhci,id=xhci', '-device', 'usb-tablet,bus=xhci.0'],
        ...['-device', 'virtio-scsi-pci', '-device', 'ich9-ahci', '-device', 'i6300esb'],
        ...['-audiodev', 'none,id=a0', '-device', 'intel-hda', '-device', 'hda-duplex,audiodev=a0'],
      ],
    },
    commonArgs: ['-accel', 'tcg', '-display', 'none', '-m', '64M', '-msg', 'timestamp=on'],
  },
  {
    arch: 'aarch64',
    binary: 'qemu-system-aarch64',
    builds: ['7.2', '10.0', '11.1'],
    machines: ['virt-7.2'],
    vmArgs: ['-cpu', 'cortex-a57', '-m', '128M', '-nodefaults'],
    configs: {
      minimal: [],
      'virtio-mmio': ['-netdev', 'user,id=n0', '-device', 'virtio-net-device,netdev=n0', '-device', 'virtio-rng-device'],
    },
    commonArgs: ['-display', 'none', '-accel', 'tcg', '-msg', 'timestamp=on'],
  },
];

export const buildOf = (version: string): QemuBuild => {
  const b = BUILDS.find((x) => x.version === version);
  if (!b) throw new Error(`unknown build ${version}`);
  return b;
};

/** Trace events of one build (`-trace help`), cached per (build, binary). */
const traceEventCache = new Map<string, Set<string>>();
async function traceEvents(build: QemuBuild, binary: string, tmp: string): Promise<Set<string>> {
  const key = `${build.version}/${binary}`;
  const hit = traceEventCache.get(key);
  if (hit) return hit;
  const r = await runToEnd(build, binary, ['-trace', 'help'], join(tmp, `trace-help-${build.version}-${binary}.txt`));
  const set = traceEventNames(r.output);
  traceEventCache.set(key, set);
  return set;
}

/** Source trace as in fixtures/README.md; for virtio the per-element events are off, as there. */
async function saveTraceArgs(build: QemuBuild, binary: string, config: string, tmp: string): Promise<string[]> {
  return traceArgs({ traceEvents: await traceEvents(build, binary, tmp) }, 'save', config !== 'virtio');
}

/**
 * Destination trace: sections, device loads and subsections. For the configs with virtio devices
 * (virtio, extra) the per-element events are off, as in the fixtures' virtio loads (with them a
 * log is 2-4 MB, mostly 1024 virtqueues).
 */
async function loadTraceArgs(build: QemuBuild, binary: string, config: string, tmp: string): Promise<string[]> {
  return traceArgs({ traceEvents: await traceEvents(build, binary, tmp) }, 'load', config !== 'virtio' && config !== 'extra');
}

export interface SaveRecord {
  arch: Arch;
  version: string;
  machine: string;
  config: string;
  name: string;
  status: string;
  ok: boolean;
  exitCode: number | null;
  streamBytes: number | null;
  wallMs: number;
  error?: string;
}

export interface LoadRecord {
  arch: Arch;
  src: string;
  dst: string;
  machine: string;
  config: string;
  stream: string;
  name: string;
  attempt: number;
  outcome: string;
  exitCode: number | null;
  signal: string | null;
  firstErrorLine: string;
  migrateStatus: string | null;
  runState: string | null;
  wallMs: number;
  pidFileMatched: boolean | null;
  argv: readonly string[];
  session: readonly unknown[];
  note?: string;
}

interface State {
  saves: SaveRecord[];
  loads: LoadRecord[];
}

function machinesOf(build: QemuBuild, plan: ArchPlan, tmp: string): Promise<Set<string>> {
  return runToEnd(build, plan.binary, ['-machine', 'help'], join(tmp, `machine-help-${build.version}-${plan.arch}.txt`)).then(
    (r) => new Set(r.output.split('\n').map((l) => l.split(/\s+/)[0] ?? '').filter((m) => m !== '')),
  );
}

const vmSpec = (plan: ArchPlan, version: string, machine: string, config: string): VmSpec => ({
  build: buildOf(version),
  binary: plan.binary,
  machine,
  deviceArgs: [...plan.vmArgs, ...(plan.configs[config] ?? [])],
  commonArgs: plan.commonArgs,
});

export const streamDir = (out: string, arch: Arch, version: string): string => join(out, 'streams', arch, version);
export const loadDir = (out: string, arch: Arch, attempt: number): string => join(out, attempt === 1 ? 'loads' : `loads-attempt${attempt}`, arch);

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const opt = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const out = opt('--out') ?? `${SCRATCH}/out`;
  const only = new RegExp(opt('--only') ?? '.');
  const force = argv.includes('--force');
  const step = argv.find((a) => ['saves', 'loads', 'reruns', 'all'].includes(a)) ?? 'all';
  const tmp = join(SCRATCH, 'tmp');
  mkdirSync(tmp, { recursive: true });
  mkdirSync(out, { recursive: true });
  if (!existsSync(DISK)) writeFileSync(DISK, Buffer.alloc(1 << 20));
  const stateFile = join(out, 'results.json');
  const state: State = existsSync(stateFile) ? (JSON.parse(readFileSync(stateFile, 'utf8')) as State) : { saves: [], loads: [] };
  const persist = (): void => writeFileSync(stateFile, `${JSON.stringify(state, null, 1)}\n`);

  // Which build has which machine type, from its own -machine help.
  const has = new Map<string, Set<string>>();
  for (const plan of PLANS) {
    for (const v of plan.builds) has.set(`${plan.arch}/${v}`, await machinesOf(buildOf(v), plan, tmp));
  }
  const hasMachine = (arch: Arch, v: string, m: string): boolean => has.get(`${arch}/${v}`)?.has(m) ?? false;

  const saveJobs = PLANS.flatMap((plan) =>
    plan.builds.flatMap((v) =>
      plan.machines
        .filter((m) => hasMachine(plan.arch, v, m))
        .flatMap((m) => Object.keys(plan.configs).map((c) => ({ plan, v, m, c, name: `${m}-${c}` }))),
    ),
  ).filter((j) => only.test(`${j.plan.arch}/${j.v}/${j.name}`));

  if (step === 'saves' || step === 'all') {
    let i = 0;
    for (const j of saveJobs) {
      i++;
      const done = state.saves.find((s) => s.arch === j.plan.arch && s.version === j.v && s.name === j.name);
      if (done?.ok && !force && existsSync(join(streamDir(out, j.plan.arch, j.v), `${j.name}.mig`))) continue;
      const build = buildOf(j.v);
      const r = await saveVm({
        vm: vmSpec(j.plan, j.v, j.m, j.c),
        outDir: streamDir(out, j.plan.arch, j.v),
        scratchDir: tmp,
        name: j.name,
        traceArgs: await saveTraceArgs(build, j.plan.binary, j.c, tmp),
      });
      const rec: SaveRecord = {
        arch: j.plan.arch,
        version: j.v,
        machine: j.m,
        config: j.c,
        name: j.name,
        status: r.status,
        ok: r.ok,
        exitCode: r.exit?.code ?? null,
        streamBytes: r.streamBytes,
        wallMs: r.wallMs,
        ...(r.error ? { error: r.error } : {}),
      };
      state.saves = state.saves.filter((s) => !(s.arch === rec.arch && s.version === rec.version && s.name === rec.name));
      state.saves.push(rec);
      persist();
      console.log(`save ${i}/${saveJobs.length} ${j.plan.arch} ${j.v} ${j.name}: ${r.status} ${r.streamBytes ?? '-'} bytes ${(r.wallMs / 1000).toFixed(1)}s${r.error ? ` (${r.error})` : ''}`);
    }
  }

  const loadJobs = saveJobs.flatMap((j) =>
    j.plan.builds.filter((d) => hasMachine(j.plan.arch, d, j.m)).map((d) => ({ ...j, d })),
  );

  const runLoad = async (j: (typeof loadJobs)[number], attempt: number): Promise<LoadRecord> => {
    const stream = join(streamDir(out, j.plan.arch, j.v), `${j.name}.mig`);
    const name = `${j.v}__${j.d}__${j.name}`;
    const base = { arch: j.plan.arch, src: j.v, dst: j.d, machine: j.m, config: j.c, stream: `${j.v}/${j.name}.mig`, name, attempt };
    const saved = state.saves.find((s) => s.arch === j.plan.arch && s.version === j.v && s.name === j.name);
    if (!saved?.ok || !existsSync(stream)) {
      return { ...base, outcome: 'NOT-RUN', exitCode: null, signal: null, firstErrorLine: '', migrateStatus: null, runState: null, wallMs: 0, pidFileMatched: null, argv: [], session: [], note: 'no stream: the save failed' };
    }
    const r: LoadResult = await loadVm({
      vm: vmSpec(j.plan, j.d, j.m, j.c),
      stream,
      outDir: loadDir(out, j.plan.arch, attempt),
      scratchDir: tmp,
      name,
      traceArgs: await loadTraceArgs(buildOf(j.d), j.plan.binary, j.c, tmp),
    });
    return {
      ...base,
      outcome: r.outcome,
      exitCode: r.exitCode,
      signal: r.signal,
      firstErrorLine: r.firstErrorLine,
      migrateStatus: r.migrateStatus,
      runState: r.runState,
      wallMs: r.wallMs,
      pidFileMatched: r.pidFileMatched,
      argv: r.argv,
      session: r.session,
      ...(r.note ? { note: r.note } : {}),
    };
  };
  const record = (rec: LoadRecord, i: number, n: number): void => {
    state.loads = state.loads.filter((l) => !(l.arch === rec.arch && l.name === rec.name && l.attempt === rec.attempt));
    state.loads.push(rec);
    persist();
    console.log(`load${rec.attempt > 1 ? ` (attempt ${rec.attempt})` : ''} ${i}/${n} ${rec.arch} ${rec.name}: ${rec.outcome} exit ${rec.exitCode ?? '-'} ${(rec.wallMs / 1000).toFixed(1)}s ${rec.outcome === 'SUCCEEDED' ? '' : rec.firstErrorLine.slice(0, 200)}`);
  };

  if (step === 'loads' || step === 'all') {
    let i = 0;
    for (const j of loadJobs) {
      i++;
      const name = `${j.v}__${j.d}__${j.name}`;
      if (!force && state.loads.some((l) => l.arch === j.plan.arch && l.name === name && l.attempt === 1 && l.outcome !== 'NOT-RUN')) continue;
      record(await runLoad(j, 1), i, loadJobs.length);
    }
  }

  if (step === 'reruns' || step === 'all') {
    // Every load that did not succeed, once more, to see whether it is deterministic.
    const failed = loadJobs.filter((j) =>
      state.loads.some((l) => l.arch === j.plan.arch && l.name === `${j.v}__${j.d}__${j.name}` && l.attempt === 1 && l.outcome !== 'SUCCEEDED' && l.outcome !== 'NOT-RUN'),
    );
    let i = 0;
    for (const j of failed) {
      i++;
      const name = `${j.v}__${j.d}__${j.name}`;
      if (!force && state.loads.some((l) => l.arch === j.plan.arch && l.name === name && l.attempt === 2)) continue;
      record(await runLoad(j, 2), i, failed.length);
    }
  }
  const n = (o: string): number => state.loads.filter((l) => l.attempt === 1 && l.outcome === o).length;
  console.log(`saves ${state.saves.filter((s) => s.ok).length}/${state.saves.length} ok; loads: ${n('SUCCEEDED')} succeeded, ${n('FAILED')} failed, ${n('TIMEOUT')} timed out, ${n('NOT-RUN')} not run`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
