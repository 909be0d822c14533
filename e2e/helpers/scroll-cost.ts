/**
 * What scrolling the hex view costs the page's main thread: wheel bursts, then jumps across the
 * whole stream (a dragged scrollbar), recorded by Chromium's trace (every task's wall and CPU
 * time on the renderer's main thread) and by the page's own Performance API (Long Tasks and
 * Long Animation Frames, which only report frames over 50 ms). Shared by the Playwright test
 * and `npm run bench`.
 *
 * CPU time is what the page's code decides; wall time also counts the renderer waiting for a
 * core, which on a loaded 2-core machine is most of it. Both are reported.
 */
import type { Browser, Page } from '@playwright/test';

export interface ScrollCost {
  readonly tasks: number;
  /** The longest main-thread task, CPU time (thread time) and wall time, in ms. */
  readonly maxCpuMs: number;
  readonly maxWallMs: number;
  /** Tasks over 16 ms (one frame at 60 Hz), by CPU time and by wall time. */
  readonly overFrameCpu: number;
  readonly overFrameWall: number;
  /** Performance API: `longtask` entries and `long-animation-frame` entries, durations in ms. */
  readonly longTasks: readonly number[];
  readonly longFrames: readonly number[];
}

interface TraceEvent {
  readonly name: string;
  readonly ph: string;
  readonly pid: number;
  readonly tid: number;
  readonly dur?: number;
  readonly tdur?: number;
  readonly args?: { readonly name?: string };
}

declare global {
  interface Window {
    __scrollCost?: { longTasks: number[]; longFrames: number[] };
  }
}

const FRAME_MS = 16;

/** Scrolls the page's hex view (which must be showing) and measures what it cost. */
export async function measureHexScroll(browser: Browser, page: Page): Promise<ScrollCost> {
  const hex = page.getByTestId('hex-view');
  const box = await hex.boundingBox();
  if (box === null) throw new Error('the hex view is not showing');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.evaluate(() => {
    const cost = { longTasks: [] as number[], longFrames: [] as number[] };
    window.__scrollCost = cost;
    new PerformanceObserver((list) => cost.longTasks.push(...list.getEntries().map((e) => e.duration))).observe({ type: 'longtask' });
    if (PerformanceObserver.supportedEntryTypes.includes('long-animation-frame')) {
      new PerformanceObserver((list) => cost.longFrames.push(...list.getEntries().map((e) => e.duration))).observe({ type: 'long-animation-frame' });
    }
  });

  await browser.startTracing(page, { categories: ['toplevel'] });
  // Wheel bursts, as a hand on a mouse makes them.
  for (let burst = 0; burst < 8; burst++) {
    for (let i = 0; i < 8; i++) await page.mouse.wheel(0, 400);
    await page.waitForTimeout(60);
  }
  // Jumps across the whole stream, as a dragged scrollbar makes them: every row is new.
  for (let step = 1; step <= 20; step++) {
    await hex.evaluate((el, f) => {
      el.scrollTop = (el.scrollHeight - el.clientHeight) * f;
    }, step / 20);
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  }
  const trace = JSON.parse((await browser.stopTracing()).toString('utf8')) as { traceEvents: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(trace) ? trace : trace.traceEvents;

  const mainThreads = new Set(events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const tasks = events.filter((e) => e.ph === 'X' && e.name === 'ThreadControllerImpl::RunTask' && mainThreads.has(`${e.pid}:${e.tid}`));
  const wall = tasks.map((t) => (t.dur ?? 0) / 1000);
  const cpu = tasks.map((t) => (t.tdur ?? t.dur ?? 0) / 1000);
  const api = await page.evaluate(() => window.__scrollCost ?? { longTasks: [], longFrames: [] });
  return {
    tasks: tasks.length,
    maxCpuMs: Math.max(0, ...cpu),
    maxWallMs: Math.max(0, ...wall),
    overFrameCpu: cpu.filter((t) => t > FRAME_MS).length,
    overFrameWall: wall.filter((t) => t > FRAME_MS).length,
    longTasks: api.longTasks.map((d) => Math.round(d)),
    longFrames: api.longFrames.map((d) => Math.round(d)),
  };
}

export function scrollCostLine(c: ScrollCost): string {
  return (
    `hex view scroll (64 wheel steps, 20 jumps across the stream; ${c.tasks} main-thread tasks): ` +
    `longest task ${c.maxCpuMs.toFixed(1)} ms CPU / ${c.maxWallMs.toFixed(1)} ms wall; ` +
    `over ${FRAME_MS} ms: ${c.overFrameCpu} by CPU, ${c.overFrameWall} by wall; ` +
    `Performance API: ${c.longTasks.length} long tasks${c.longTasks.length > 0 ? ` (max ${Math.max(...c.longTasks)} ms)` : ''}, ` +
    `${c.longFrames.length} long animation frames${c.longFrames.length > 0 ? ` (max ${Math.max(...c.longFrames)} ms)` : ''}`
  );
}
