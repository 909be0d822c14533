/**
 * npm run bench: generated streams (never committed) decoded by the Node core, with MB/s and
 * peak memory, next to `dd` reading the same file (the floor) and the published figure for
 * QEMU's analyze-migration.py (about 0.8 s for a warm 1 GiB stream); log parse MB/s on a real log
 * and on the worst hostile shape (scripts/bench-logs.ts).
 * Sizes: BENCH_SIZES_GIB="1,4" (default "1,4").
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeBenchStream } from './bench-stream.ts';
import { benchInBrowser, type BrowserBench } from './bench-browser.ts';
import { benchAnalysis } from './bench-analysis.ts';
import { benchLogs } from './bench-logs.ts';
import { benchHexScroll } from './bench-hex-scroll.ts';

const dir = join(process.cwd(), 'bench-data');
mkdirSync(dir, { recursive: true });
const sizes = (process.env['BENCH_SIZES_GIB'] ?? '1,4').split(',').map(Number);
const GiB = 1 << 30;

function decodeOnce(file: string): { ms: number; bytes: number; error: string | null; peakRssMiB: number; maxRssMiB: number; normalPages: number } {
  const out = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/bench-decode.ts', file], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (out.status !== 0) throw new Error(out.stderr);
  return JSON.parse(out.stdout) as ReturnType<typeof decodeOnce>;
}

console.log(`migscope bench on ${process.platform} ${process.arch}, node ${process.version}`);
for (const line of benchAnalysis()) console.log(line);
for (const line of benchLogs()) console.log(line);
if (process.env['BENCH_BROWSER'] !== '0') console.log(await benchHexScroll());
for (const gib of sizes) {
  const file = join(dir, `bench-${gib}g.mig`);
  if (!existsSync(file) || statSync(file).size < gib * GiB) {
    const t = performance.now();
    const info = await writeBenchStream(file, gib * GiB);
    console.log(`generated ${file}: ${info.normal} normal + ${info.zero} zero pages in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  const size = statSync(file).size;
  execFileSync('cat', [file], { stdio: ['ignore', 'ignore', 'ignore'], maxBuffer: 0 }); // warm the page cache
  const ddStart = performance.now();
  execFileSync('dd', [`if=${file}`, 'of=/dev/null', 'bs=4M'], { stdio: 'ignore' });
  const ddMs = performance.now() - ddStart;
  const runs = [decodeOnce(file), decodeOnce(file), decodeOnce(file)];
  const best = runs.reduce((a, b) => (a.ms < b.ms ? a : b));
  if (best.error !== null) throw new Error(`decode failed: ${best.error}`);
  const mbps = size / 1e6 / (best.ms / 1000);
  const peak = Math.max(...runs.map((r) => r.maxRssMiB));
  console.log(
    `decode ${gib} GiB (${size} bytes): best of 3 ${best.ms.toFixed(0)} ms = ${mbps.toFixed(0)} MB/s; ` +
      `dd ${ddMs.toFixed(0)} ms = ${(size / 1e6 / (ddMs / 1000)).toFixed(0)} MB/s; ` +
      `peak RSS ${peak.toFixed(0)} MiB (whole node process); ` +
      `analyze-migration.py reference ≈ ${(800 * (size / GiB)).toFixed(0)} ms → ${((800 * (size / GiB)) / best.ms).toFixed(1)}× faster`,
  );
  if (process.env['BENCH_BROWSER'] !== '0') {
    // This VM reclaims idle page cache within seconds (DAMON): warm again, and take the best of 2.
    const tries: BrowserBench[] = [];
    for (let i = 0; i < 2; i++) {
      execFileSync('cat', [file], { stdio: ['ignore', 'ignore', 'ignore'], maxBuffer: 0 });
      tries.push(await benchInBrowser(file));
    }
    const b = tries.reduce((x, y) => (x.ms < y.ms ? x : y));
    if (b.error !== null) throw new Error(`browser decode failed: ${b.error}`);
    const rendererPeak = Math.max(...tries.map((x) => x.rendererPeakMiB));
    execFileSync('cat', [file], { stdio: ['ignore', 'ignore', 'ignore'], maxBuffer: 0 });
    const floor = await benchInBrowser(file, true);
    console.log(
      `browser ${gib} GiB (Chromium, Web Worker, Blob slices): best of 2 ${b.ms.toFixed(0)} ms (other ${Math.max(...tries.map((x) => x.ms)).toFixed(0)} ms) = ${(size / 1e6 / (b.ms / 1000)).toFixed(0)} MB/s; ` +
        `only reading the Blob ${floor.ms.toFixed(0)} ms = ${(size / 1e6 / (floor.ms / 1000)).toFixed(0)} MB/s; ` +
        `renderer RSS ${b.rendererIdleMiB.toFixed(0)} MiB before → peak ${rendererPeak.toFixed(0)} MiB (+${(rendererPeak - b.rendererIdleMiB).toFixed(0)} MiB for the decode); ` +
        `all Chromium processes PSS ${b.idlePssMiB.toFixed(0)} → ${b.peakPssMiB.toFixed(0)} MiB; ` +
        `page JS heap peak ${b.peakHeapMiB.toFixed(0)} MiB`,
    );
  }
}
