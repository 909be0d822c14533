/**
 * Timings of the analysis layer at release scale: Debian's four x86 builds (5.2, 7.2, 10.0,
 * 11.1), each build's manifest, query-machines reply and -device help, as a release manager
 * loads them. In-process: parsing them, the release board (every machine type at once, each
 * pair of builds checked both ways: what `matrix --all-machines` prints), the tiers checked
 * against that board, and one `check`; end to end: the CLI commands on the same files.
 */
import { machineTiers } from '../src/analysis/machine-tiers.ts';
import { releaseBoard } from '../src/analysis/release-board.ts';
import { judgeManifests } from '../src/analysis/judge-findings.ts';
import { parseDeviceHelp } from '../src/analysis/device-help.ts';
import { parseQueryMachines, parseVmstateManifest, type VmstateManifest } from '../src/manifest/index.ts';
import { buildFiles, readText, X86_BUILDS } from '../src/analysis/test-support/four-builds.ts';
import { join } from 'node:path';
import { measure, spread } from './bench-run.ts';

/** Wall and CPU time (this process, all threads) of each run. */
function timed<T>(fn: () => T, runs: number): { value: T; ms: number[]; cpu: number[] } {
  const ms: number[] = [];
  const cpu: number[] = [];
  let value: T | undefined;
  for (let i = 0; i < runs; i++) {
    const c = process.cpuUsage();
    const t = performance.now();
    value = fn();
    ms.push(performance.now() - t);
    const d = process.cpuUsage(c);
    cpu.push((d.user + d.system) / 1000);
  }
  return { value: value as T, ms, cpu };
}

const fmt = (ms: readonly number[]): string => {
  const s = spread(ms);
  return `${s.best.toFixed(0)} ms (${s.best.toFixed(0)}–${s.worst.toFixed(0)})`;
};

export function benchAnalysis(runs = 5): string[] {
  const files = X86_BUILDS.map((v) => buildFiles('x86_64', v));
  // Text read and inflated outside the timings: the browser has the files' text already.
  const texts = files.map((f) => ({
    version: f.version,
    manifest: readText(f.manifests.find((m) => m.includes('q35')) ?? (f.manifests[0] as string)),
    machines: readText((f.compatProps ?? f.queryMachines) as string),
    devices: f.devices === undefined ? undefined : readText(f.devices),
  }));
  const parse = timed(
    () =>
      texts.map((t) => {
        const m = parseVmstateManifest(t.manifest, t.version);
        const q = parseQueryMachines(t.machines, t.version);
        if (!m.ok || !q.ok) throw new Error(`${t.version}: does not parse`);
        return { version: t.version, manifest: m.value, machines: q.value, devices: t.devices === undefined ? undefined : parseDeviceHelp(t.devices) };
      }),
    runs,
  );
  const builds = parse.value;
  const board = timed(() => {
    const r = releaseBoard(
      builds.map((b) => ({ version: b.version, manifest: b.manifest })),
      builds.map((b) => ({ version: b.version, machines: b.machines })),
    );
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  }, runs);
  const tiers = timed(() => machineTiers(builds, board.value), runs);
  const [a, b] = [builds[3]?.manifest, builds[1]?.manifest] as [VmstateManifest, VmstateManifest];
  const check = timed(() => judgeManifests(a, b), runs);
  const total = [...Array(runs).keys()].map((i) => [parse, board, tiers].reduce((s, x) => s + (x.ms[i] ?? 0), 0));
  const totalCpu = [...Array(runs).keys()].map((i) => [parse, board, tiers].reduce((s, x) => s + (x.cpu[i] ?? 0), 0));
  const machinesCount = new Set(builds.flatMap((x) => x.machines.machines.map((m) => m.name))).size;
  const out = [
    `analysis over ${builds.length} builds (${builds.map((x) => x.version).join(', ')}), ${machinesCount} machine types, in Node, best (range) of ${runs}:`,
    `  parse 4 manifests + 4 query-machines + 4 -device help: ${fmt(parse.ms)}`,
    `  release board (matrix of every machine type, every pair both ways): ${fmt(board.ms)}`,
    `  tiers of the 4 builds checked against the board: ${fmt(tiers.ms)}`,
    `  together: ${fmt(total)} wall, ${fmt(totalCpu)} CPU (goal < 1 s); one check 11.1 → 7.2 pc-q35: ${fmt(check.ms)}`,
  ];
  // End to end: the same work as commands, start-up and file reading included.
  const cli = join(import.meta.dirname, '..', 'bin', 'migscope.mjs');
  const args = files.flatMap((f) => [`${f.version}=${f.manifests.find((m) => m.includes('q35')) ?? f.manifests[0]}`, `${f.version}=${f.compatProps ?? f.queryMachines}`]);
  const matrix = [0, 1, 2].map(() => measure([process.execPath, cli, 'matrix', ...args, '--all-machines', '--json']));
  out.push(`  migscope matrix --all-machines --json (4 builds) end to end: ${fmt(matrix.map((m) => m.ms))} wall, ${fmt(matrix.map((m) => m.cpuMs))} CPU, peak RSS ${Math.max(...matrix.map((m) => m.peakMiB)).toFixed(0)} MiB`);
  return out;
}
