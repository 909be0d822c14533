/**
 * The browser half of the bench: a Vite server serves scripts/bench-browser/, Playwright picks
 * the file (by path: nothing crosses the protocol), and one worker per file first decodes it
 * as the dashboard's decode worker does (twice; renderer memory measured over the first, on a
 * fresh renderer), then reads it whole by each method and window: the ceiling the decode runs
 * against. The page cache is warmed before each timing.
 */
import { chromium, type Page } from '@playwright/test';
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { createServer } from 'vite';
import { treeMemory } from './process-memory.ts';
import { warm } from './bench-run.ts';
import type { BenchReply, BenchRequest, ReadMethod } from './bench-browser/worker.ts';

const MiB = 1 << 20;
const WINDOWS = [1, 4, 16, 64].map((m) => m * MiB);
// slice().arrayBuffer() last: after it (garbage the worker has not collected) Chromium has been
// seen to leave the next Blob stream unanswered.
const METHODS: readonly ReadMethod[] = ['stream-byob', 'slice-stream-byob', 'FileReaderSync', 'slice-arrayBuffer'];

async function run(page: Page, file: string, req: BenchRequest): Promise<BenchReply> {
  warm(file);
  const t = performance.now();
  // A timeout, so that a read that never answers fails the bench instead of hanging it.
  const r = await Promise.race([
    page.evaluate((q) => (window.__benchRun as NonNullable<typeof window.__benchRun>)(q), req),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${req.type} ${basename(file)}: no answer within 2 minutes`)), 120_000).unref()),
  ]);
  if (r.error !== null) throw new Error(`${req.type} ${basename(file)}: ${r.error}`);
  // Progress on stderr: a slow method at a small window can take a while.
  process.stderr.write(`  (${basename(file)} ${req.type === 'read' ? `${req.method} ${req.window / MiB} MiB` : req.type}: ${((performance.now() - t) / 1000).toFixed(1)} s)\n`);
  return r;
}

export async function benchBrowser(cases: readonly { readonly label: string; readonly file: string }[]): Promise<string[]> {
  const out: string[] = [];
  const server = await createServer({ server: { port: 5191, strictPort: false, host: '127.0.0.1' }, logLevel: 'silent' });
  await server.listen();
  const url = server.resolvedUrls?.local[0] ?? 'http://127.0.0.1:5191/';
  try {
    let first = true;
    for (const c of cases) {
      const size = statSync(c.file).size;
      const rate = (ms: number): string => `${(size / 1e6 / (ms / 1000)).toFixed(0)} MB/s`;
      const browser = await chromium.launch({
        executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
        args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
      });
      try {
        const page = await browser.newPage();
        await page.goto(`${url}scripts/bench-browser/index.html`);
        await page.setInputFiles('#file', c.file);
        await page.waitForFunction(() => window.__benchRun !== undefined, undefined, { timeout: 60_000 });
        const chromiumOnly = /chrom/i;
        const idle = treeMemory(process.pid, chromiumOnly);
        const decodes = [await run(page, c.file, { type: 'decode' })];
        const mem = treeMemory(process.pid, chromiumOnly);
        decodes.push(await run(page, c.file, { type: 'decode' }));
        const decode = Math.min(...decodes.map((d) => d.ms));
        out.push(`browser ${c.label} (Chromium, decode worker, ${(size / MiB).toFixed(0)} MiB):`);
        out.push(`  decode (one Blob stream read by a BYOB reader into the cursor's two 16 MiB buffers): ${decode.toFixed(0)} ms (other ${Math.max(...decodes.map((d) => d.ms)).toFixed(0)}) = ${rate(decode)}; renderer RSS ${idle.rendererMiB.toFixed(0)} → peak ${mem.rendererPeakMiB.toFixed(0)} MiB (+${(mem.rendererPeakMiB - idle.rendererMiB).toFixed(0)}, goal < 200)`);
        // Every method and window on the first file; on the others the decode's own and the next fastest.
        const tried: { label: string; ms: number; method: ReadMethod; window: number }[] = [];
        const configs: { method: ReadMethod; window: number }[] = first
          ? METHODS.flatMap((method) => WINDOWS.map((window) => ({ method, window })))
          : [
              { method: 'stream-byob', window: 16 * MiB },
              { method: 'slice-stream-byob', window: 64 * MiB },
              { method: 'FileReaderSync', window: 64 * MiB },
            ];
        for (const cfg of configs) {
          try {
            const r = await run(page, c.file, { type: 'read', ...cfg });
            tried.push({ label: `${cfg.method} ${cfg.window / MiB} MiB`, ms: r.ms, ...cfg });
          } catch (e) {
            out.push(`  ${cfg.method} ${cfg.window / MiB} MiB: ${e instanceof Error ? e.message : String(e)}; the other reads of this file skipped`);
            break;
          }
        }
        if (tried.length === 0) continue;
        const fastest = tried.reduce((a, b) => (a.ms < b.ms ? a : b));
        out.push(`  bare read of the Blob, by method and window: ${tried.map((t) => `${t.label} ${t.ms.toFixed(0)} ms`).join('; ')}`);
        out.push(`  read ceiling ${fastest.label}: ${fastest.ms.toFixed(0)} ms = ${rate(fastest.ms)} → decode at ${((decode / fastest.ms - 1) * 100).toFixed(0)} % over it (goal ≤ 10 %, or ≥ 1 GB/s)`);
        first = false;
      } finally {
        await browser.close();
      }
    }
  } finally {
    await server.close();
  }
  return out;
}
