/**
 * Browser fuzz of issue 18: hostile files (scripts/hostile-inputs.ts: giant lines, floods of
 * spans that never close, runs of one character, deep JSON) are opened next to the failing-load
 * sample, each while another view is showing. Fails when reading one blocks the main thread for
 * more than 200 ms at once (a Long Animation Frame or long task) or the page dies.
 *
 * `npm test` opens the issue's two reproductions at full size and each shape once at 1 MB;
 * HOSTILE_FILES=300 (and HOSTILE_SEED, HOSTILE_SHAPE) opens that many, at sizes up to
 * HOSTILE_MAX_MB (default 5), for the long run.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { HOSTILE_SHAPES, type HostileShape } from '../scripts/hostile-inputs.ts';
import { prng } from '../scripts/prng.ts';
import { Dashboard } from './helpers/dashboard.ts';

const BLOCK_LIMIT_MS = 200;
const OUT = join(process.cwd(), 'test-results', 'hostile-drop');

interface Case {
  readonly shape: HostileShape;
  readonly bytes: number;
}

function cases(): Case[] {
  const count = Number(process.env['HOSTILE_FILES'] ?? 0);
  const byName = (name: string): HostileShape => {
    const s = HOSTILE_SHAPES.find((x) => x.name === name);
    if (s === undefined) throw new Error(`no shape ${name}`);
    return s;
  };
  if (count === 0) {
    // The issue's reproductions as reported, then every shape once.
    return [
      { shape: byName('error-lines'), bytes: 500_000 },
      { shape: byName('unclosed-loads'), bytes: 8_400_000 },
      ...HOSTILE_SHAPES.map((shape) => ({ shape, bytes: 1_000_000 })),
    ];
  }
  const rnd = prng(Number(process.env['HOSTILE_SEED'] ?? 1));
  const maxBytes = Number(process.env['HOSTILE_MAX_MB'] ?? 5) * 1e6;
  // HOSTILE_SHAPE=name narrows the run to the shapes whose names contain it (to re-check one).
  const only = process.env['HOSTILE_SHAPE'];
  const shapes = only === undefined ? HOSTILE_SHAPES : HOSTILE_SHAPES.filter((s) => s.name.includes(only));
  return Array.from({ length: count }, () => ({
    shape: shapes[Math.floor(rnd() * shapes.length)] as HostileShape,
    // Log-uniform from 10 KB: most cases small and many, some near the top.
    bytes: Math.round(10_000 * (maxBytes / 10_000) ** rnd()),
  }));
}

/** Records every main-thread block from now on: Long Animation Frames, and long tasks where those are missing. */
async function watchMainThread(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { __blocks: { ms: number; what: string }[] };
    w.__blocks = [];
    for (const type of ['long-animation-frame', 'longtask']) {
      try {
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) {
            // LoAF's duration includes waiting for the next frame; blockingDuration is the part input waits on, plus the 50 ms allowance.
            const blocking = (e as PerformanceEntry & { blockingDuration?: number }).blockingDuration;
            w.__blocks.push({ ms: blocking !== undefined ? blocking + 50 : e.duration, what: type });
          }
        }).observe({ type, buffered: false });
      } catch {
        // Not supported: the other type covers it.
      }
    }
  });
}

async function takeBlocks(page: Page): Promise<{ ms: number; what: string }[]> {
  return page.evaluate(() => {
    const w = window as unknown as { __blocks: { ms: number; what: string }[] };
    const out = w.__blocks;
    w.__blocks = [];
    return out;
  });
}

const VIEWS = ['Explain', 'Timeline', 'Matrix', 'Tiers', 'Stream', 'Hosts'];

async function visitViews(app: Dashboard): Promise<void> {
  for (const view of VIEWS) {
    if (await app.tab(view).isVisible()) await app.openTab(view);
  }
}

/** The longest block while `path` is opened with `view` showing (the view opened first, unmeasured). */
async function measureOpen(page: Page, app: Dashboard, path: string, view: string): Promise<number> {
  if (await app.tab(view).isVisible()) await app.openTab(view);
  await takeBlocks(page);
  await app.pickFiles(path);
  return Math.max(0, ...(await takeBlocks(page)).map((b) => b.ms));
}

/** A fresh page with the failing-load sample, every view shown once (its code loaded, the sample laid out). */
async function freshApp(page: Page): Promise<Dashboard> {
  const app = new Dashboard(page);
  await app.goto('#sample=e-7.2-footer');
  await visitViews(app);
  return app;
}

/**
 * A block over the limit must happen again to count: this machine is shared, and another test's
 * browser or a compile can stall a frame. A hostile input that really blocks does so each time.
 */
const ATTEMPTS = 3;

const all = cases();
const BATCH = 6;

for (let from = 0; from < all.length; from += BATCH) {
  const batch = all.slice(from, from + BATCH);
  test(`hostile files ${from + 1}-${from + batch.length} of ${all.length} never block the page over ${BLOCK_LIMIT_MS} ms`, async ({ page, context }) => {
    test.setTimeout(300_000);
    let crashed = false;
    page.on('crash', () => {
      crashed = true;
    });
    mkdirSync(OUT, { recursive: true });
    const files = batch.map((c, i) => {
      const path = join(OUT, `${String(from + i).padStart(3, '0')}-${c.shape.name}-${c.bytes}.log`);
      writeFileSync(path, c.shape.build(c.bytes));
      return { path, c };
    });
    await watchMainThread(page);
    // A stream with its load log: the Explain view explains the stream against each log opened.
    const app = await freshApp(page);
    const worst: { ms: number; where: string }[] = [];
    for (const [i, { path, c }] of files.entries()) {
      // Opened while one of the views is showing (each in turn), as a person drops a file on
      // whatever they look at: the blocks counted are those of reading it and every view
      // taking it in, not of switching tabs. The batch's files pile up in one workspace.
      const view = VIEWS[(from + i) % VIEWS.length] as string;
      const tries = [await measureOpen(page, app, path, view)];
      while (tries.length < ATTEMPTS && Math.min(...tries) > BLOCK_LIMIT_MS) {
        // Again on its own, in a fresh page.
        const again = await context.newPage();
        again.on('crash', () => {
          crashed = true;
        });
        await watchMainThread(again);
        tries.push(await measureOpen(again, await freshApp(again), path, view));
        await again.close();
      }
      worst.push({ ms: Math.min(...tries), where: `${c.shape.name} at ${c.bytes} bytes, dropped on ${view}${tries.length > 1 ? ` (tries: ${tries.map((t) => t.toFixed(0)).join(', ')} ms)` : ''}` });
      expect(crashed, `page crashed on ${c.shape.name}`).toBe(false);
    }
    // Then every view once more with all of them loaded: each must still come up.
    await visitViews(app);
    expect(crashed).toBe(false);
    const report = worst.map((w) => `${w.ms.toFixed(0)} ms  ${w.where}`).join('\n');
    test.info().annotations.push({ type: 'longest main-thread blocks', description: report });
    console.log(report);
    expect(worst.filter((w) => w.ms > BLOCK_LIMIT_MS).map((w) => `${w.where}: ${w.ms.toFixed(0)} ms`)).toEqual([]);
  });
}
