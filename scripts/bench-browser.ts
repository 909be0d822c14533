/**
 * Decode speed in headless Chromium: a Vite server serves scripts/bench-browser/, Playwright
 * picks the generated file (by path, so nothing is copied through the protocol), the worker
 * decodes it through Blob slices, and the page reports the time. JS heap is sampled over CDP.
 */
import { chromium } from '@playwright/test';
import { createServer } from 'vite';
import { treeMemory } from './process-memory.ts';

export interface BrowserBench {
  readonly ms: number;
  readonly bytes: number;
  readonly error: string | null;
  readonly peakHeapMiB: number;
  /** Chromium as a whole (browser, GPU, utility and renderer processes), PSS summed, before and at peak. */
  readonly idlePssMiB: number;
  readonly peakPssMiB: number;
  /** The renderer that runs the page and its decode worker: before the decode, and its peak. */
  readonly rendererIdleMiB: number;
  readonly rendererPeakMiB: number;
}

/** Decodes `file` in a worker; with `readOnly`, only reads it through the same Blob source. */
export async function benchInBrowser(file: string, readOnly = false): Promise<BrowserBench> {
  const server = await createServer({ server: { port: 5191, strictPort: false, host: '127.0.0.1' }, logLevel: 'silent' });
  await server.listen();
  const url = server.resolvedUrls?.local[0] ?? 'http://127.0.0.1:5191/';
  const browser = await chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  try {
    const page = await browser.newPage();
    await page.goto(`${url}scripts/bench-browser/index.html${readOnly ? '#read' : ''}`);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    let peak = 0;
    // Playwright starts Chromium as a child of this process; only Chromium's processes count.
    const chromiumOnly = /chrom/i;
    const idle = treeMemory(process.pid, chromiumOnly);
    let peakPss = idle.pssMiB;
    const sampleProc = setInterval(() => {
      peakPss = Math.max(peakPss, treeMemory(process.pid, chromiumOnly).pssMiB);
    }, 200);
    const sample = setInterval(() => {
      void cdp
        .send('Performance.getMetrics')
        .then((m) => {
          const used = m.metrics.find((x) => x.name === 'JSHeapUsedSize')?.value ?? 0;
          peak = Math.max(peak, used);
        })
        .catch(() => undefined);
    }, 50);
    await page.setInputFiles('#file', file);
    await page.waitForFunction(() => window.__bench !== undefined, undefined, { timeout: 600_000 });
    clearInterval(sample);
    clearInterval(sampleProc);
    const end = treeMemory(process.pid, chromiumOnly);
    const r = (await page.evaluate(() => window.__bench)) as { ms: number; bytes: number; error: string | null };
    return {
      ms: r.ms,
      bytes: r.bytes,
      error: r.error,
      peakHeapMiB: peak / (1 << 20),
      idlePssMiB: idle.pssMiB,
      peakPssMiB: Math.max(peakPss, end.pssMiB),
      rendererIdleMiB: idle.rendererMiB,
      rendererPeakMiB: end.rendererPeakMiB,
    };
  } finally {
    await browser.close();
    await server.close();
  }
}
