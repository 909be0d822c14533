/**
 * Timelines that compare, on real logs: the 11.1 sample's save trace and the trace of QEMU 11.1
 * loading the same stream on one axis, one row per section on both sides, lined up at the
 * first migration event or the first device section; downtime per device beside them, sortable;
 * the failure label of the failed sample never over a bar.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { Dashboard } from './helpers/dashboard.ts';

async function rowTop(app: Dashboard, side: 'save' | 'load', key: string): Promise<number> {
  const label = await app.lane(side, key).boundingBox();
  const rows = await app.timeline(side).locator('.timeline-rows').boundingBox();
  if (label === null || rows === null) throw new Error(`no ${key} row on the ${side} side`);
  return label.y - rows.y;
}

async function firstBarX(app: Dashboard, side: 'save' | 'load', key: string): Promise<number> {
  return app.lanePlot(side, key).locator('rect.bar.r0').first().evaluate((r) => Number(r.getAttribute('x')));
}

async function downtimeColumn(table: Locator, column: 'save' | 'load'): Promise<number[]> {
  return table.locator(`tbody td.dt-${column}`).evaluateAll((tds) => tds.map((td) => Number((td.textContent ?? '').replace(/[^0-9]/g, '') || Number.NaN)));
}

test('save and load on one axis, the same device on the same row, lined up two ways', async ({ page }) => {
  const app = new Dashboard(page);
  await app.goto('#view=timeline');
  await expect(page.getByTestId('timeline-compare')).toBeVisible();
  await expect(page.getByRole('tabpanel').getByTestId('pairing-same')).toContainText('the save trace and the load log');

  const keys = await app.laneKeys('save');
  expect(keys.length).toBeGreaterThan(25);
  expect(await app.laneKeys('load')).toEqual(keys);
  // One axis: the same ticks and range on both sides.
  expect(await app.axisLabels('load')).toEqual(await app.axisLabels('save'));
  await expect(app.timeline('load').getByTestId('timeline-range')).toHaveText((await app.timeline('save').getByTestId('timeline-range').textContent()) ?? '');
  await expect(app.timeline('save').getByTestId('timeline-axis-unit')).toHaveText('ms since each side’s first migration event');
  // The same device at the same height in both, scrolled together.
  for (const key of ['ram#0', 'cpu#0', '0000:00:1f.2/ich9_ahci#0']) expect(await rowTop(app, 'load', key)).toBe(await rowTop(app, 'save', key));
  await app.timeline('save').locator('.timeline-scroll').evaluate((el) => {
    el.scrollTop = 200;
  });
  await expect.poll(() => app.timeline('load').locator('.timeline-scroll').evaluate((el) => el.scrollTop)).toBe(200);
  await app.screenshot('timeline-compare');

  // Lined up at the first device section: apic (the first non-iterable section) starts at 0 on both sides.
  await page.getByRole('combobox', { name: 'Where the two sides line up' }).selectOption('device');
  await expect(app.timeline('load').getByTestId('timeline-axis-unit')).toHaveText('ms since each side’s first device section');
  const saveX = await firstBarX(app, 'save', 'apic#0');
  const loadX = await firstBarX(app, 'load', 'apic#0');
  expect(Math.abs(saveX - loadX)).toBeLessThan(1);
  const zero = await app.timeline('save').getByTestId('timeline-axis').locator('g').evaluateAll((gs) =>
    gs.filter((g) => g.textContent === '0').map((g) => Number(/translate\(([-\d.]+)/.exec(g.getAttribute('transform') ?? '')?.[1])),
  );
  expect(zero).toHaveLength(1);
  expect(Math.abs((zero[0] ?? 0) - saveX)).toBeLessThan(1);
  // Zooming one side zooms both: one window.
  await app.timeline('save').getByRole('button', { name: 'Zoom in' }).click();
  expect(await app.axisLabels('load')).toEqual(await app.axisLabels('save'));
  await app.screenshot('timeline-compare-device');
});

test('downtime per device beside the timelines, sortable by each column', async ({ page }) => {
  const app = new Dashboard(page);
  await app.goto('#view=timeline');
  const downtime = page.getByTestId('downtime');
  const table = downtime.getByRole('table');
  // Longest load first, as QEMU 11.1 traced it (vmstate_downtime_load).
  await expect(table.getByRole('columnheader', { name: /load µs/ })).toHaveAttribute('aria-sort', 'descending');
  const loads = (await downtimeColumn(table, 'load')).filter((n) => !Number.isNaN(n));
  expect(loads.length).toBeGreaterThan(25);
  expect(loads).toEqual([...loads].sort((a, b) => b - a));
  await expect(table.locator('tbody tr[data-key="apic#0"] td.dt-save')).toHaveText('118');
  await expect(table.locator('tbody tr[data-key="apic#0"] td.dt-load')).toHaveText('120');

  await table.getByRole('button', { name: /save µs/ }).click();
  await expect(table.getByRole('columnheader', { name: /save µs/ })).toHaveAttribute('aria-sort', 'descending');
  const saves = (await downtimeColumn(table, 'save')).filter((n) => !Number.isNaN(n));
  expect(saves).toEqual([...saves].sort((a, b) => b - a));
  await table.getByRole('button', { name: /save µs/ }).click();
  await expect(table.getByRole('columnheader', { name: /save µs/ })).toHaveAttribute('aria-sort', 'ascending');

  await table.getByRole('button', { name: /device/ }).click();
  await expect(table.getByRole('columnheader', { name: /device/ })).toHaveAttribute('aria-sort', 'ascending');
  const devices = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-key') ?? ''));
  const names = devices.map((d) => d.replace(/#\d+$/, ''));
  expect(names).toEqual([...names].sort());
});

/** The failure label's box and the boxes of its lane's bars, in page pixels. */
async function labelAndBars(page: Page, side: 'load'): Promise<{ label: DOMRect | undefined; bars: DOMRect[]; plot: DOMRect }> {
  return page.getByTestId(`timeline-${side}`).evaluate((tl) => {
    const marker = tl.querySelector('[data-testid="failure-marker"]');
    const lane = tl.querySelector(`g.lane[data-lane="${CSS.escape(marker?.getAttribute('data-lane') ?? '')}"]`);
    const text = marker?.querySelector('text');
    const plot = tl.querySelector('[data-testid="timeline-plot"]') as Element;
    const json = (r: DOMRect): DOMRect => JSON.parse(JSON.stringify(r)) as DOMRect;
    return {
      label: text !== null && text !== undefined ? json(text.getBoundingClientRect()) : undefined,
      bars: [...(lane?.querySelectorAll('rect.bar') ?? [])].map((r) => json(r.getBoundingClientRect())),
      plot: json(plot.getBoundingClientRect()),
    };
  });
}

function overlaps(a: DOMRect, b: DOMRect): boolean {
  return a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
}

test('the failure label never covers a bar, at any zoom or width', async ({ page }) => {
  const app = new Dashboard(page);
  const check = async (what: string): Promise<void> => {
    await app.waitForIdle();
    const { label, bars, plot } = await labelAndBars(page, 'load');
    expect(label, `${what}: a label`).toBeDefined();
    if (label === undefined) return;
    for (const bar of bars) expect(overlaps(label, bar), `${what}: label over a bar at x ${bar.left.toFixed(0)}`).toBe(false);
    expect(label.left, what).toBeGreaterThanOrEqual(plot.left);
    expect(label.right, what).toBeLessThanOrEqual(plot.right + 1);
  };
  // The failed sample: compared with its save trace.
  await app.goto('#sample=e-7.2-footer');
  await check('failed sample');
  // Zoomed to the failing section: its bars fill the plot up to the failure line.
  await app.timeline('load').getByRole('button', { name: 'Zoom to it' }).click();
  await check('zoomed to the section');
  // The virtio sample: the failure at the right edge, the label left of its bar.
  await app.goto('#sample=virtio-10.0-to-11.1&view=timeline');
  await check('failure at the right edge');
  await page.setViewportSize({ width: 900, height: 700 });
  await check('narrow window');
  await app.screenshot('timeline-label-narrow');
});
