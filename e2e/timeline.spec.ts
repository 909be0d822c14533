import { readFile, writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { expect, test } from '@playwright/test';
import { cliDecode, repoPath } from './helpers/cli.ts';
import { Dashboard } from './helpers/dashboard.ts';

const STREAM = repoPath('fixtures/streams/7.2/pc-i440fx-7.2-default.mig.gz');
const SAVE_TRACE = repoPath('fixtures/streams/7.2/pc-i440fx-7.2-default.save-trace.log.gz');
const LOAD_LOG = repoPath('fixtures/loads/mismatch/e-7.2-footer__7.2__7.2__pc-i440fx-7.2-default.log.gz');

/** The stream the failing destination read: the real one with its mc146818rtc footer flipped (fixtures/loads/mismatch/derived-streams.json). */
async function flippedStream(dir: string, worker: number): Promise<string> {
  const raw = gunzipSync(await readFile(STREAM));
  expect(raw[0x165e88]).toBe(0x7e);
  raw[0x165e88] = 0x7f;
  const path = join(dir, `7.2__pc-i440fx-7.2-default.flip-footer-${worker}.mig`);
  await writeFile(path, raw);
  return path;
}

test('a failed load: lanes in stream order, the failure at mc146818rtc, hover, zoom, click to the stream', async ({ page }, testInfo) => {
  const dir = await mkdtemp(join(tmpdir(), 'migscope-e2e-'));
  const stream = await flippedStream(dir, testInfo.workerIndex);
  const cli = await cliDecode(stream);
  expect(cli.error?.message).toBe('Missing section footer for mc146818rtc');
  // Lanes are sections (idstr#instance) in the order the stream has them; ram's records share one.
  const streamOrder = ['configuration', ...new Set(cli.sections.map((s) => `${s.idstr}#${s.instanceId ?? 0}`))];
  expect(streamOrder.at(-1)).toBe('mc146818rtc#0');

  const app = new Dashboard(page);
  await app.goto();
  await app.dropFiles(stream, SAVE_TRACE, LOAD_LOG);
  await app.openTab('Timeline');

  // The save side of the same VM, above it, on the same rows: the stream's order, and more
  // sections after the one that broke the load (empty rows on the load side).
  const saveLanes = await app.laneKeys('save');
  expect(saveLanes.slice(0, streamOrder.length)).toEqual(streamOrder);
  expect(saveLanes.length).toBeGreaterThan(streamOrder.length);
  expect(await app.laneKeys('load')).toEqual(saveLanes);
  const loaded = await app.timeline('load').locator('[role=option]:not(.absent)').evaluateAll((els) => els.map((e) => e.getAttribute('data-lane')));
  expect(loaded).toEqual(streamOrder);
  await expect(app.lane('load', 'i8254#0')).toContainText('not in this log');
  await expect(app.timeline('save').getByTestId('failure-marker')).toHaveCount(0);

  const marker = app.timeline('load').getByTestId('failure-marker');
  await expect(marker).toHaveAttribute('data-lane', 'mc146818rtc#0');
  await expect(marker).toContainText('Missing section footer for mc146818rtc');
  await expect(app.timeline('load').getByTestId('timeline-failure')).toContainText('Missing section footer for mc146818rtc');
  await expect(app.lane('load', 'mc146818rtc#0')).toHaveAttribute('aria-label', 'mc146818rtc instance 0, failed here');
  await expect(app.timeline('load').getByTestId('timeline-axis-unit')).toHaveText('ms since each side’s first migration event');

  await app.screenshot('timeline');
  await page.emulateMedia({ colorScheme: 'dark' });
  await app.screenshot('timeline-dark');
  await page.emulateMedia({ colorScheme: 'light' });

  // Hover: the section bar of mc146818rtc shows the event that started it.
  const bar = app.lanePlot('load', 'mc146818rtc#0').locator('rect.bar.r0');
  await bar.hover();
  const tooltip = app.timeline('load').getByTestId('timeline-tooltip');
  await expect(tooltip).toContainText('qemu_loadvm_state_section_startfull');
  await expect(tooltip).toContainText('21(mc146818rtc) 0 3');
  await expect(tooltip).toContainText('lines 1381–1414');
  await expect(tooltip).toContainText('mc146818rtc#0');
  await app.screenshot('timeline-hover');

  // Zoom in with the keyboard: the axis shows other times.
  const before = await app.axisLabels('load');
  await app.timeline('load').getByTestId('lane-labels').focus();
  await page.keyboard.press('+');
  await page.keyboard.press('+');
  await expect.poll(() => app.axisLabels('load')).not.toEqual(before);
  const range = await app.timeline('load').getByTestId('timeline-range').textContent();
  // ... and with the wheel, around the pointer.
  const box = await app.lanePlot('load', 'mc146818rtc#0').boundingBox();
  if (box === null) throw new Error('no mc146818rtc lane');
  await page.mouse.move(box.x + box.width * 0.8, box.y + box.height / 2);
  await page.mouse.wheel(0, -600);
  await expect(app.timeline('load').getByTestId('timeline-range')).not.toHaveText(range ?? '');
  await page.keyboard.press('0');
  await expect.poll(() => app.axisLabels('load')).toEqual(before);

  // Arrow keys pick a lane; Enter (or a click) shows its section in the Stream view.
  await app.timeline('load').getByTestId('lane-labels').focus();
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await expect(app.lane('load', 'timer#0')).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Enter');
  await expect(app.tab('Stream')).toHaveAttribute('aria-selected', 'true');
  await expect(app.sectionRow('timer')).toHaveAttribute('aria-selected', 'true');

  await app.openTab('Timeline');
  await app.lane('load', 'mc146818rtc#0').click();
  await expect(app.tab('Stream')).toHaveAttribute('aria-selected', 'true');
  await app.waitForIdle();
  await expect(app.sectionRow('mc146818rtc')).toHaveAttribute('aria-selected', 'true');
  await expect(app.fileName()).toHaveText(`7.2__pc-i440fx-7.2-default.flip-footer-${testInfo.workerIndex}.mig`);

  // A second instance of one idstr: the save trace does not print instances, they are counted.
  await app.openTab('Timeline');
  await app.lanePlot('save', 'dma#1').locator('rect.bar.r0').click();
  await expect(app.tab('Stream')).toHaveAttribute('aria-selected', 'true');
  await expect(app.sectionsTable().locator('[role=row][aria-selected=true]')).toHaveAttribute('data-idstr', 'dma');
  await expect(app.sectionsTable().locator('[role=row][aria-selected=true] [role=gridcell]').nth(2)).toHaveText('1');
});

test('a log without timestamps runs on line numbers, and says so', async ({ page }, testInfo) => {
  const dir = await mkdtemp(join(tmpdir(), 'migscope-e2e-'));
  // What QEMU prints without -msg timestamp=on: `event args`, and error lines without a time.
  const bare = gunzipSync(await readFile(LOAD_LOG))
    .toString('utf8')
    .replace(/^\d+@\d+\.\d+:/gm, '')
    .replace(/^\S+Z (qemu-system)/gm, '$1');
  const path = join(dir, `bare-${testInfo.workerIndex}.log`);
  await writeFile(path, bare);

  const app = new Dashboard(page);
  await app.goto();
  await app.removeFile('pc-q35-11.1-minimal.mig.gz');
  await app.dropFiles(path);
  await expect(app.tab('Timeline')).toHaveAttribute('aria-selected', 'true');
  await expect(app.timeline('load').getByTestId('timeline-axis-unit')).toHaveText('log line (no timestamps in this log)');
  await expect(app.timeline('load').getByTestId('failure-marker')).toContainText('Missing section footer for mc146818rtc');
  const labels = await app.axisLabels('load');
  expect(labels.every((l) => /^\d+$/.test(l))).toBe(true);
  await app.screenshot('timeline-line-base');

  // Without a stream, opening a lane says what is missing instead of switching views.
  await app.lane('load', 'mc146818rtc#0').click();
  await expect(app.tab('Timeline')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('status')).toContainText('Load the migration stream too');
});

test('names from a log are shown as text, never as markup', async ({ page }, testInfo) => {
  const idstr = '<img src=x onerror="window.__pwned=1">';
  const log = [
    'vmstate_load_state configuration v0',
    'vmstate_load_state_end configuration end/0',
    'qemu_loadvm_state_section 1',
    `qemu_loadvm_state_section_startfull 2(${idstr}) 0 1`,
    `vmstate_load ${idstr}, ${idstr}`,
    `vmstate_load_state ${idstr} v1`,
    `vmstate_load_state_field ${idstr}:x`,
    'vmstate_n_elems x: 1',
    `vmstate_load_state_end ${idstr} end/0`,
    `qemu-system-x86_64: error while loading state for instance 0x0 of device '${idstr}'`,
    'qemu_loadvm_state_post_main -22',
    '',
  ].join('\n');
  const dir = await mkdtemp(join(tmpdir(), 'migscope-e2e-'));
  const path = join(dir, `hostile-${testInfo.workerIndex}.log`);
  await writeFile(path, log);

  const app = new Dashboard(page);
  await app.goto();
  await app.dropFiles(path);
  await expect(app.lane('load', `${idstr}#0`)).toContainText(idstr);
  await expect(app.timeline('load').getByTestId('failure-marker')).toContainText(idstr);
  await expect(page.locator('img')).toHaveCount(0);
  expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
});
