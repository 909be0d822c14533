/**
 * Exports: what the Stream view and the Timeline give as files, read back and checked against
 * what the decoder and the CLI say. Downloads are Blobs made in the page: no request is made.
 */
import { expect, test } from '@playwright/test';
import { cliDecode, repoPath } from './helpers/cli.ts';
import { Dashboard } from './helpers/dashboard.ts';

const STREAM_111 = repoPath('fixtures/streams/11.1/pc-q35-11.1-minimal.mig.gz');

test('Stream view: the sections table as CSV and JSON, a record’s fields as JSON', async ({ page }) => {
  const cli = await cliDecode(STREAM_111);
  const app = new Dashboard(page);
  await app.goto();

  const csv = await app.exportFile('Export the sections table', 'Sections (CSV)');
  expect(csv.name).toBe('pc-q35-11.1-minimal-sections.csv');
  const text = csv.bytes.toString('utf8').replace(/^\uFEFF/, '');
  const lines = text.split('\r\n');
  expect(lines[0]).toBe('type,idstr,instance_id,version_id,section_id,offset,offset_hex,size,body');
  expect(lines.at(-1)).toBe('');
  // One line per record of the table: the sections the CLI lists, and header, configuration, command, EOF, vmdesc.
  expect(lines.length - 2).toBe(cli.sections.length + 5);
  const timer = cli.sections.find((s) => s.idstr === 'timer');
  expect(lines).toContain(`FULL,timer,0,2,0,${timer?.offset},0x${timer?.offset.toString(16)},48,vmdesc`);
  expect(lines).toContain('CMD,SWITCHOVER_START,,,,636288,0x9b580,5,');

  const json = await app.exportFile('Export the sections table', 'Sections (JSON)');
  const sections = JSON.parse(json.bytes.toString('utf8')) as { file: string; machineType: string; records: { type: string; name: string; offset: number }[] };
  expect(sections.machineType).toBe('pc-q35-11.1');
  expect(sections.records.filter((r) => r.type === 'FULL').map((r) => [r.name, r.offset])).toEqual(
    cli.sections.filter((s) => s.type === 'FULL').map((s) => [s.idstr, s.offset]),
  );

  await app.sectionRow('timer').click();
  const fields = await app.exportFile('Export the fields of the selected record', 'Fields (JSON)');
  expect(fields.name).toBe('pc-q35-11.1-minimal-timer-fields.json');
  const tree = JSON.parse(fields.bytes.toString('utf8')) as { name: string; children: { name: string; start: number; end: number; value?: unknown }[] };
  expect(tree.name).toBe('FULL timer');
  const cliTimer = cli.devices?.find((d) => d.idstr === 'timer');
  const ticks = tree.children.find((c) => c.name === 'cpu_ticks_offset');
  const cliTicks = cliTimer?.fields.find((f) => f.name === 'cpu_ticks_offset');
  expect([ticks?.start, ticks?.end]).toEqual([cliTicks?.start, cliTicks?.end]);
  expect(String(ticks?.value)).toBe(String(cliTicks?.value));
});

test('Timeline: a standalone SVG, a PNG and the lanes as JSON', async ({ page }) => {
  const app = new Dashboard(page);
  await app.goto('#sample=e-7.2-footer');
  await expect(app.tab('Timeline')).toHaveAttribute('aria-selected', 'true');
  const menu = 'Export the load side (destination) timeline';

  const svg = await app.exportFile(menu, 'Picture (SVG)');
  expect(svg.name).toBe('e-7.2-footer__7.2__7.2__pc-i440fx-7.2-default-timeline.svg');
  const text = svg.bytes.toString('utf8');
  expect(text.startsWith('<?xml')).toBe(true);
  expect(text).toContain('xmlns="http://www.w3.org/2000/svg"');
  // Standalone: styles inlined, no class left for a stylesheet that is not there.
  expect(text).not.toContain('class=');
  expect(text).not.toContain('var(--');
  expect(text).toContain('mc146818rtc #0');
  expect(text).toContain('Missing section footer for mc146818rtc');
  // It is an SVG document a browser can show on its own.
  const shown = await page.evaluate(async (doc) => {
    const img = new Image();
    img.src = `data:image/svg+xml;base64,${btoa(unescape(encodeURIComponent(doc)))}`;
    await img.decode();
    return { w: img.naturalWidth, h: img.naturalHeight };
  }, text);
  expect(shown.w).toBeGreaterThan(600);
  expect(shown.h).toBeGreaterThan(300);

  const png = await app.exportFile(menu, 'Picture (PNG)');
  expect(png.name.endsWith('.png')).toBe(true);
  expect(png.bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(png.bytes.readUInt32BE(16)).toBeGreaterThanOrEqual(shown.w);
  expect(png.bytes.readUInt32BE(20)).toBeGreaterThanOrEqual(shown.h);

  const json = await app.exportFile(menu, 'Lanes (JSON)');
  const lanes = JSON.parse(json.bytes.toString('utf8')) as { side: string; failure: { message: string }; lanes: { key: string; failure: boolean }[] };
  expect(lanes.side).toBe('load');
  expect(lanes.failure.message).toContain('Missing section footer for mc146818rtc');
  expect(lanes.lanes.find((l) => l.failure)?.key).toBe('mc146818rtc#0');
});

test('the export menu works from the keyboard', async ({ page }) => {
  const app = new Dashboard(page);
  await app.goto();
  const button = page.getByRole('button', { name: 'Export the sections table' });
  await button.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('menuitem', { name: 'Sections (CSV)' })).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByRole('menuitem', { name: 'Sections (JSON)' })).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByRole('menuitem', { name: 'Sections (CSV)' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('menu')).toHaveCount(0);
  await expect(button).toBeFocused();
  const [download] = await Promise.all([page.waitForEvent('download'), (async () => {
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
  })()]);
  expect(download.suggestedFilename()).toBe('pc-q35-11.1-minimal-sections.json');
});
