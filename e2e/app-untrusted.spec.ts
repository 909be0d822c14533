/**
 * Names in files are chosen by whoever made the VM or renamed the file. A stream whose idstr,
 * machine type, RAM block name, vmdesc field names and file name hold markup and control
 * characters, with a load log that names the same device, shows all of them as text in every
 * view, the tour and the exports: no element is injected and no script runs.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { stream } from '../src/format/test-support/stream-builder.ts';
import { Dashboard } from './helpers/dashboard.ts';

const IDSTR = '<img src=x onerror="window.__pwned=1">\u0007\u001b[2J';
const FORMULA_IDSTR = '=HYPERLINK("http://example.invalid","x")';
const MACHINE = '<script>window.__pwned=2</script>\u0001q35';
const BLOCK = '<b onmouseover="window.__pwned=3">pc.ram</b>';
const FIELD = '<svg onload="window.__pwned=4">';
const FIELD_2 = '"><iframe src="javascript:window.__pwned=5">';

function hostileStream(): Uint8Array {
  return stream()
    .config(MACHINE)
    .ram(1, BLOCK, ['page', 'zero'])
    .full(2, IDSTR, 0, 1, { [FIELD]: 7, [FIELD_2]: 8 })
    .full(3, FORMULA_IDSTR, 0, 1, { ok: 1 })
    .eof()
    .vmdesc()
    .bytes();
}

function hostileLoadLog(): string {
  return [
    'vmstate_load_state configuration v0',
    'vmstate_load_state_end configuration end/0',
    'qemu_loadvm_state_section 1',
    `qemu_loadvm_state_section_startfull 2(${IDSTR}) 0 1`,
    `vmstate_load ${IDSTR}, ${IDSTR}`,
    `vmstate_load_state ${IDSTR} v1`,
    `vmstate_load_state_field ${IDSTR}:${FIELD}`,
    'vmstate_n_elems x: 1',
    `vmstate_load_state_end ${IDSTR} end/0`,
    `qemu-system-x86_64: error while loading state for instance 0x0 of device '${IDSTR}'`,
    'qemu_loadvm_state_post_main -22',
    '',
  ].join('\n');
}

/** Elements a name could have smuggled in, and the flag any of their scripts would set. */
async function expectNothingInjected(page: Page): Promise<void> {
  const injected = await page.evaluate(
    () => document.querySelectorAll('#root img, #root script, #root iframe, #root svg[onload], #root b, #root [onerror], #root [onmouseover]').length,
  );
  expect(injected).toBe(0);
  expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
}

test('markup and control characters from a stream and a log stay text in every view', async ({ page }, testInfo) => {
  const dir = await mkdtemp(join(tmpdir(), 'migscope-e2e-'));
  // No '/' in a file name; everything else goes.
  const streamName = `hostile-<img src=x onerror=window.__pwned=6>${testInfo.workerIndex}&amp;.mig`;
  const logName = `hostile-<u>${testInfo.workerIndex}<u>.log`;
  await writeFile(join(dir, streamName), hostileStream());
  await writeFile(join(dir, logName), hostileLoadLog());

  const app = new Dashboard(page);
  await app.goto();
  await app.pickFiles(join(dir, streamName), join(dir, logName));

  // Files panel: the names as given.
  await expect(app.fileItem(streamName)).toHaveCount(1);
  expect(await app.fileItem(streamName).getAttribute('data-name')).toBe(streamName);
  await expect(app.fileItem(streamName)).toContainText(streamName.slice(-14));
  await expect(app.fileItem(logName)).toContainText('load log');

  // Stream view: header strip, sections table, field tree, details.
  await app.openTab('Stream');
  expect(await app.fileName().textContent()).toBe(streamName);
  expect(await app.machineType().textContent()).toBe(MACHINE);
  await expect(app.sectionRow(IDSTR)).toHaveCount(1);
  expect(await app.sectionRow(IDSTR).locator('.c-name').textContent()).toBe(IDSTR);
  await app.sectionRow(IDSTR).click();
  expect(await app.field(FIELD).locator('.tname').textContent()).toBe(FIELD);
  expect(await app.field(FIELD_2).locator('.tname').textContent()).toBe(FIELD_2);
  await app.field(FIELD).click();
  await expect(page.getByTestId('node-details')).toContainText(FIELD);
  await app.sectionRow('ram', 'START').click();
  expect(await app.field(BLOCK).locator('.tname').textContent()).toBe(BLOCK);
  await expectNothingInjected(page);

  // Timeline: the lane and the failure marker.
  await app.openTab('Timeline');
  await expect(app.lane('load', `${IDSTR}#0`)).toContainText('<img src=x onerror="window.__pwned=1">');
  await expect(app.timeline('load').getByTestId('failure-marker')).toContainText('<img src=x');
  await expectNothingInjected(page);

  // Every other view, and the tour, which quotes names in its text.
  for (const tab of ['Explain', 'Matrix', 'Tiers', 'Hosts'] as const) {
    await app.openTab(tab);
    await expectNothingInjected(page);
  }
  await page.getByRole('button', { name: 'Tour the format' }).click();
  await page.keyboard.press('ArrowRight');
  await expect(app.tour().getByRole('heading')).toHaveText('Configuration: the machine type');
  await expect(app.tour()).toContainText('<script>window.__pwned=2</script>');
  for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowRight');
  await expect(app.tour().getByRole('heading')).toContainText('<img src=x onerror=');
  await page.keyboard.press('Escape');
  await expectNothingInjected(page);

  // Exports: the CSV defuses the formula name, the JSON keeps every character.
  const csv = await app.exportFile('Export the sections table', 'Sections (CSV)');
  const text = csv.bytes.toString('utf8');
  expect(text).toContain(`FULL,"'=HYPERLINK(""http://example.invalid"",""x"")"`);
  expect(text).toContain(`"${IDSTR.replace(/"/g, '""')}"`);
  const json = await app.exportFile('Export the sections table', 'Sections (JSON)');
  const records = (JSON.parse(json.bytes.toString('utf8')) as { machineType: string; records: { name: string }[] });
  expect(records.machineType).toBe(MACHINE);
  expect(records.records.map((r) => r.name)).toContain(IDSTR);
  await expectNothingInjected(page);
});
