/**
 * One truth for byte ranges: for every sample with a stream, the Sections table, the field
 * details, the hex view's selection, the Timeline's lanes and Explain give a section (and a
 * field) the same bytes, all taken from the same decoded node. On the failed sample that is
 * mc146818rtc at 0x165d7a-0x165e89 (271 bytes, cut at the damaged footer byte), where Explain
 * once said 315,754 bytes.
 */
import { expect, test, type Page } from '@playwright/test';
import { Dashboard } from './helpers/dashboard.ts';

interface Range {
  readonly start: number;
  readonly end: number;
}

interface Row extends Range {
  readonly idstr: string;
  readonly type: string;
  readonly index: number;
}

const hex = (n: number): string => `0x${n.toString(16)}`;

/** Every row of the (virtualised) Sections table, scrolled through from top to bottom. */
async function tableRows(page: Page): Promise<Row[]> {
  const grid = page.getByRole('grid', { name: 'Sections and other records' });
  const seen = new Map<number, Row>();
  await grid.evaluate((el) => {
    el.scrollTop = 0;
  });
  for (;;) {
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    const rows = await grid.locator('[role=row][data-idstr]').evaluateAll((els) =>
      els.map((e) => {
        const size = e.querySelector('.c-size');
        return {
          index: Number(e.getAttribute('aria-rowindex')),
          idstr: e.getAttribute('data-idstr') ?? '',
          type: e.getAttribute('data-type') ?? '',
          start: Number(size?.getAttribute('data-start')),
          end: Number(size?.getAttribute('data-end')),
        };
      }),
    );
    for (const r of rows) seen.set(r.index, r);
    const done = await grid.evaluate((el) => {
      if (el.scrollTop + el.clientHeight >= el.scrollHeight - 1) return true;
      el.scrollTop += el.clientHeight - 40;
      return false;
    });
    if (done) break;
  }
  return [...seen.values()].sort((a, b) => a.index - b.index);
}

/** The START/FULL record of each section by `idstr#instance` (instances counted in table order). */
function sectionRanges(rows: readonly Row[]): Map<string, Range> {
  const out = new Map<string, Range>();
  const count = new Map<string, number>();
  for (const r of rows) {
    if (r.type === 'CONF') out.set('configuration', r);
    if (r.type !== 'START' && r.type !== 'FULL') continue;
    const n = count.get(r.idstr) ?? 0;
    count.set(r.idstr, n + 1);
    out.set(`${r.idstr}#${n}`, r);
  }
  return out;
}

async function shown(app: Dashboard): Promise<Range> {
  const el = app.page.getByTestId('node-bytes');
  return { start: Number(await el.getAttribute('data-start')), end: Number(await el.getAttribute('data-end')) };
}

/** Selecting a row: the details and the hex view give the table's bytes; then the same for its first field. */
async function checkRow(app: Dashboard, row: Row): Promise<void> {
  const what = `${row.type} ${row.idstr}`;
  const grid = app.page.getByRole('grid', { name: 'Sections and other records' });
  // Rows are drawn only near the view (20 px each, the header is row 1): scroll there first.
  await grid.evaluate((el, i) => {
    el.scrollTop = Math.max(0, (i - 2) * 20 - el.clientHeight / 2);
  }, row.index);
  await grid.locator(`[role=row][aria-rowindex="${row.index}"]`).click();
  await app.waitForIdle();
  expect(await shown(app), what).toEqual({ start: row.start, end: row.end });
  await expect(app.hexSelection(), what).toContainText(`selected ${hex(row.start)}–${hex(row.end)} · `);
  const field = app.fieldTree().locator('[role=treeitem][aria-level="2"]:not([data-name="header"])').first();
  if ((await field.count()) === 0) return;
  await field.click();
  await app.waitForIdle();
  const f = await shown(app);
  expect(f.start, `${what} field`).toBeGreaterThanOrEqual(row.start);
  expect(f.end, `${what} field`).toBeLessThanOrEqual(row.end);
  await expect(app.hexSelection(), `${what} field`).toContainText(`selected ${hex(f.start)}–${hex(f.end)} · `);
}

const SAMPLES: readonly { readonly id: string; readonly explain?: string; readonly timeline: boolean }[] = [
  { id: 'pc-q35-11.1-minimal.mig.gz', timeline: true },
  { id: 'pc-i440fx-7.2-minimal.mig.gz', timeline: true },
  { id: 'pc-i440fx-5.2-minimal.mig.gz', timeline: true },
  { id: 'e-7.2-footer', explain: 'mc146818rtc', timeline: true },
  { id: 'virtio-10.0-to-11.1', explain: '0000:00:01.0/virtio-net', timeline: true },
  { id: 'hosts-7.2-11.1', timeline: false },
];

test.describe.configure({ timeout: 120_000 });

for (const sample of SAMPLES) {
  test(`${sample.id}: every view gives a section the same bytes`, async ({ page }) => {
    const app = new Dashboard(page);
    await app.goto(`#sample=${encodeURIComponent(sample.id)}&view=stream`);
    const rows = await tableRows(page);
    expect(rows.length).toBeGreaterThan(10);
    const sections = sectionRanges(rows);

    // Selections: the first device, the one decoding stopped in (if any), the last record.
    const firstDevice = rows.find((r) => r.type === 'FULL');
    const cut = rows.find((r) => r.end - r.start > 0 && r.idstr === sample.explain);
    for (const row of [firstDevice, cut, rows.at(-1)]) if (row !== undefined) await checkRow(app, row);

    if (sample.timeline) {
      await app.openTab('Timeline');
      const lanes = await page
        .getByRole('tabpanel')
        .locator('[role=option][data-lane][data-start]')
        .evaluateAll((els) => els.map((e) => ({ key: e.getAttribute('data-lane') ?? '', start: Number(e.getAttribute('data-start')), end: Number(e.getAttribute('data-end')) })));
      expect(lanes.length, 'lanes with bytes').toBeGreaterThan(10);
      for (const lane of lanes) expect({ start: lane.start, end: lane.end }, lane.key).toEqual(pick(sections.get(lane.key)));
    }

    if (sample.explain !== undefined) {
      await app.openTab('Explain');
      const section = page.getByTestId('explain-section');
      await expect(section).toHaveAttribute('data-idstr', sample.explain);
      const range = { start: Number(await section.getAttribute('data-start')), end: Number(await section.getAttribute('data-end')) };
      const instance = Number(await section.getAttribute('data-instance'));
      expect(range, 'Explain').toEqual(pick(sections.get(`${sample.explain}#${instance}`)));
      await expect(section).toContainText(`${hex(range.start)}..${hex(range.end)} (${(range.end - range.start).toLocaleString('en')} bytes)`);
      if (sample.id === 'e-7.2-footer') expect(range).toEqual({ start: 0x165d7a, end: 0x165e89 });
    }
  });
}

function pick(r: Range | undefined): Range | undefined {
  return r === undefined ? undefined : { start: r.start, end: r.end };
}
