/**
 * npm run bench (issue 14), every figure from one run on the same files:
 * - start-up: `migscope --help` against `node -e 0`;
 * - decode of real guest streams (QEMU 7.2 guests of 1 and 4 GiB, built once by bench-guest.ts)
 *   and of the bench-written stream: `migscope decode --format analyze` against QEMU's
 *   analyze-migration.py printing the same JSON, and `dd` reading the file (the floor), with
 *   peak memory of each process;
 * - in Chromium: the bare read of the same Blob by each method and window, and the decode;
 * - the analysis layer over the four builds' manifests, every machine type at once;
 * - log parse throughput (MB/s) on the largest real log and on the worst hostile shape
 *   (scripts/bench-logs.ts).
 * Options: BENCH_GUEST_GIB="1,4", BENCH_SIZES_GIB="1" (bench-written streams), BENCH_RUNS=3,
 * BENCH_BROWSER=0 to skip Chromium, ANALYZE_MIGRATION=path to the script.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeBenchStream } from './bench-stream.ts';
import { benchBrowser } from './bench-browser.ts';
import { benchAnalysis } from './bench-analysis.ts';
import { benchLogs } from './bench-logs.ts';
import { benchHexScroll } from './bench-hex-scroll.ts';
import { buildGuestStream } from './bench-guest.ts';
import { hasPython, measure, spread, warm, type Spread } from './bench-run.ts';

const root = join(import.meta.dirname, '..');
const dir = join(root, 'bench-data');
mkdirSync(dir, { recursive: true });
const list = (v: string | undefined, d: string): number[] => (v ?? d).split(',').filter((s) => s !== '').map(Number);
const guestSizes = list(process.env['BENCH_GUEST_GIB'], '1,4');
const genSizes = list(process.env['BENCH_SIZES_GIB'], '1');
const runs = Number(process.env['BENCH_RUNS'] ?? '3');
const browser = process.env['BENCH_BROWSER'] !== '0';
const GiB = 1 << 30;
const cli = join(root, 'bin', 'migscope.mjs');
const analyze = process.env['ANALYZE_MIGRATION'] ?? join(root, '..', 'shared', 'oracle', 'analyze-migration.py');

const ms = (s: Spread): string => (s.best === s.worst ? `${s.best.toFixed(0)} ms` : `${s.best.toFixed(0)} ms (${s.best.toFixed(0)}–${s.worst.toFixed(0)})`);
const rate = (bytes: number, t: number): string => `${(bytes / 1e6 / (t / 1000)).toFixed(0)} MB/s`;

console.log(`migscope bench on ${process.platform} ${process.arch}, node ${process.version}; best of ${runs} (range), page cache warmed before each run`);

// Start-up: alternate the two so load on the VM hits both alike.
{
  const node = [];
  const help = [];
  for (let i = 0; i < 15; i++) {
    node.push(measure([process.execPath, '-e', '0']));
    help.push(measure([process.execPath, cli, '--help']));
  }
  const n = spread(node.map((x) => x.ms));
  const h = spread(help.map((x) => x.ms));
  const nc = spread(node.map((x) => x.cpuMs));
  const hc = spread(help.map((x) => x.cpuMs));
  console.log(
    `start-up: migscope --help median ${h.median.toFixed(0)} ms wall (${h.best.toFixed(0)}–${h.worst.toFixed(0)}) / ${hc.median.toFixed(0)} ms CPU, ` +
      `node -e 0 median ${n.median.toFixed(0)} ms (${n.best.toFixed(0)}–${n.worst.toFixed(0)}) / ${nc.median.toFixed(0)} ms CPU → ${(h.median / n.median).toFixed(2)}× node wall, ${(hc.median / nc.median).toFixed(2)}× CPU (goal ≤ 1.5×)`,
  );
}

interface Case {
  readonly label: string;
  readonly file: string;
}
const cases: Case[] = [];
for (const gib of guestSizes) {
  const file = join(dir, `guest-${gib}g.mig`);
  if (!existsSync(file)) {
    console.log(`building the real ${gib} GiB guest stream (once; cached in bench-data/)...`);
    const why = await buildGuestStream(file, gib, (l) => console.log(l));
    if (why !== undefined) {
      console.log(`skipped the real ${gib} GiB guest stream: ${why}`);
      continue;
    }
  }
  cases.push({ label: `real guest ${gib} GiB (QEMU 7.2 TCG, pc-q35-7.2)`, file });
}
for (const gib of genSizes) {
  const file = join(dir, `bench-${gib}g.mig`);
  if (!existsSync(file) || statSync(file).size < gib * GiB) {
    const info = await writeBenchStream(file, gib * GiB);
    console.log(`generated ${file}: ${info.normal} normal + ${info.zero} zero pages`);
  }
  cases.push({ label: `bench-written ${gib} GiB (7/8 full pages)`, file });
}

const python = hasPython() && existsSync(analyze);
if (!python) console.log(`analyze-migration.py not run: ${hasPython() ? `no ${analyze} (set ANALYZE_MIGRATION)` : 'no python3'}`);
for (const c of cases) {
  const size = statSync(c.file).size;
  const dd: number[] = [];
  const ours: number[] = [];
  /** The same decode with one reading thread (src/cli/read-helper.ts off). */
  const alone: number[] = [];
  const theirs: number[] = [];
  const cpu = { dd: [] as number[], ours: [] as number[], theirs: [] as number[] };
  let ourPeak = 0;
  let theirPeak = 0;
  let ddPeak = 0;
  for (let i = 0; i < runs; i++) {
    warm(c.file);
    const d = measure(['dd', `if=${c.file}`, 'of=/dev/null', 'bs=1M']);
    dd.push(d.ms);
    cpu.dd.push(d.cpuMs);
    ddPeak = Math.max(ddPeak, d.peakMiB);
    warm(c.file);
    const m = measure([process.execPath, cli, 'decode', c.file, '--format', 'analyze']);
    ours.push(m.ms);
    cpu.ours.push(m.cpuMs);
    ourPeak = Math.max(ourPeak, m.peakMiB);
    warm(c.file);
    alone.push(measure(['env', 'MIGSCOPE_READ_HELPER=0', process.execPath, cli, 'decode', c.file, '--format', 'analyze']).ms);
    if (python) {
      warm(c.file);
      const a = measure(['python3', analyze, '-f', c.file]);
      theirs.push(a.ms);
      cpu.theirs.push(a.cpuMs);
      theirPeak = Math.max(theirPeak, a.peakMiB);
    }
  }
  const o = spread(ours);
  const d = spread(dd);
  const oc = spread(cpu.ours).best;
  const dc = spread(cpu.dd).best;
  console.log(`decode ${c.label}, ${(size / 2 ** 20).toFixed(0)} MiB file:`);
  console.log(`  migscope decode --format analyze: ${ms(o)} = ${rate(size, o.best)}; CPU ${oc.toFixed(0)} ms; peak RSS ${ourPeak.toFixed(0)} MiB (goal < 200)`);
  const al = spread(alone);
  console.log(`  the same, one reading thread:     ${ms(al)} → the read helper thread saves ${(al.best - o.best).toFixed(0)} ms`);
  if (python) {
    const a = spread(theirs);
    const ac = spread(cpu.theirs).best;
    console.log(`  analyze-migration.py (same JSON):  ${ms(a)} = ${rate(size, a.best)}; CPU ${ac.toFixed(0)} ms; peak RSS ${theirPeak.toFixed(0)} MiB → migscope ${(a.best / o.best).toFixed(1)}× faster by wall, ${(ac / oc).toFixed(1)}× by CPU (goal ≥ 5×)`);
  }
  console.log(`  dd bs=1M:                         ${ms(d)} = ${rate(size, d.best)}; CPU ${dc.toFixed(0)} ms; peak RSS ${ddPeak.toFixed(0)} MiB → migscope at ${(o.best / d.best).toFixed(1)}× dd by wall, ${(oc / dc).toFixed(1)}× by CPU (goal ≤ 3×)`);
}

for (const line of benchAnalysis()) console.log(line);
for (const line of benchLogs()) console.log(line);

if (browser) {
  console.log(await benchHexScroll());
  const real = cases.filter((c) => c.label.startsWith('real'));
  for (const line of await benchBrowser(real.length > 0 ? real : cases)) console.log(line);
}
