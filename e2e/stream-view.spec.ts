import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { expect, test } from '@playwright/test';
import { cliDecode, repoPath } from './helpers/cli.ts';
import { Dashboard } from './helpers/dashboard.ts';
import { watchRequests } from './helpers/requests.ts';

const STREAM_72 = repoPath('fixtures/streams/7.2/pc-i440fx-7.2-minimal.mig.gz');
const STREAM_52 = repoPath('fixtures/streams/5.2/pc-i440fx-5.2-minimal.mig.gz');

test('opens with the 11.1 sample decoded', async ({ page }) => {
  const app = new Dashboard(page);
  await app.goto();
  await expect(app.fileName()).toHaveText('pc-q35-11.1-minimal.mig.gz');
  await expect(app.machineType()).toHaveText('pc-q35-11.1');
  await expect(page.getByTestId('stream-header')).toContainText('gzip');
  await expect(app.sectionRow('0000:00:1f.2/ich9_ahci')).toHaveCount(1);
  await expect(app.sectionRow('ram', 'START')).toHaveCount(1);
  await expect(app.sectionRow('apic')).toHaveAttribute('aria-selected', 'true');
  await app.screenshot('stream-view-start');
  await page.emulateMedia({ colorScheme: 'dark' });
  await app.screenshot('stream-view-start-dark');
  await page.emulateMedia({ colorScheme: 'light' });

  // Arrow keys move the selection in the sections table.
  await app.sectionRow('apic').click();
  await page.keyboard.press('ArrowDown');
  await expect(app.sectionRow('timer')).toHaveAttribute('aria-selected', 'true');
  await expect(app.field('cpu_ticks_offset')).toBeVisible();
});

test('a dropped stream: field values, field → bytes and bytes → field', async ({ page }) => {
  const cli = await cliDecode(STREAM_72);
  const timer = cli.devices?.find((d) => d.idstr === 'timer');
  const ticks = timer?.fields.find((f) => f.name === 'cpu_ticks_offset');
  const clock = timer?.fields.find((f) => f.name === 'cpu_clock_offset');
  if (ticks === undefined || clock === undefined) throw new Error('the CLI shows no timer fields');
  expect(ticks.value).toBe('7840935476');

  const app = new Dashboard(page);
  await app.goto();
  await app.dropFiles(STREAM_72);
  await expect(app.machineType()).toHaveText('pc-i440fx-7.2');

  await app.sectionRow('timer').click();
  const ticksRow = app.field('cpu_ticks_offset');
  await expect(ticksRow).toContainText('7840935476');
  await expect(ticksRow).toContainText('0x1d35b2e34');
  await expect(ticksRow).toContainText('int64');

  await ticksRow.click();
  await expect(ticksRow).toHaveAttribute('aria-selected', 'true');
  await app.waitForIdle();
  await expect(app.hexByte(ticks.start)).toHaveClass(/\bsel-first\b/);
  await expect(app.hexByte(ticks.end - 1)).toHaveClass(/\bsel-last\b/);
  await expect(app.hexByte(ticks.start - 1)).not.toHaveClass(/\bsel\b/);
  await expect(page.getByTestId('hex-selection')).toContainText(`0x${ticks.start.toString(16)}–0x${ticks.end.toString(16)}`);
  await app.screenshot('stream-view-field-selected');

  // Arrow keys walk the field tree, and the hex highlight follows.
  await page.keyboard.press('ArrowDown');
  await expect(app.field('unused')).toHaveAttribute('aria-selected', 'true');
  await expect(app.hexByte(ticks.end)).toHaveClass(/\bsel-first\b/);
  await page.keyboard.press('ArrowUp');
  await expect(ticksRow).toHaveAttribute('aria-selected', 'true');

  // The other direction: a byte in the middle of another field selects that field.
  await app.clickHexByte(clock.start + 3);
  await expect(app.field('cpu_clock_offset')).toHaveAttribute('aria-selected', 'true');
  await expect(ticksRow).toHaveAttribute('aria-selected', 'false');
  await expect(app.hexByte(clock.start)).toHaveClass(/\bsel-first\b/);

  // A byte in another section selects that section's field and row.
  const cpu = cli.devices?.find((d) => d.idstr === 'cpu');
  const eip = cpu?.fields.find((f) => f.name === 'env.eip');
  if (eip === undefined) throw new Error('the CLI shows no cpu env.eip');
  await page.getByLabel('Go to offset').fill(`0x${(eip.start + 2).toString(16)}`);
  await page.getByLabel('Go to offset').press('Enter');
  await expect(app.sectionRow('cpu')).toHaveAttribute('aria-selected', 'true');
  await expect(app.field('env.eip')).toHaveAttribute('aria-selected', 'true');
});

test('a truncated stream: the error, its offset, and the sections before it', async ({ page }, testInfo) => {
  const raw = gunzipSync(await readFile(STREAM_52));
  const cut = raw.subarray(0, Math.floor(raw.length / 2));
  expect(cut.length).toBe(357908);
  const dir = await mkdtemp(join(tmpdir(), 'migscope-e2e-'));
  const path = join(dir, `pc-i440fx-5.2-minimal.trunc50-${testInfo.workerIndex}.mig`);
  await writeFile(path, cut);
  const cli = await cliDecode(path);
  const error = cli.error;
  if (error === undefined) throw new Error('the CLI decoded the truncated stream without error');
  expect(error.code).toBe('UNEXPECTED_EOF');
  const offsetText = `0x${error.offset.toString(16)}`;

  const app = new Dashboard(page);
  await app.goto();
  await app.pickFiles(path);

  const alert = app.errorPanel();
  await expect(alert).toContainText('UNEXPECTED_EOF');
  await expect(alert).toContainText('cut short');
  await expect(alert).toContainText(error.path.join(' › '));
  await expect(alert.getByRole('button', { name: offsetText })).toBeVisible();
  await expect(page.getByTestId('stream-header')).toContainText('raw');

  // Every section the CLI decoded before the error is listed and can be browsed.
  for (const s of cli.sections) await expect(app.sectionRow(s.idstr, s.type)).toHaveCount(1);
  await app.sectionRow('ram', 'START').click();
  await expect(app.field('pc.ram')).toBeVisible();
  await expect(app.hexByte(error.offset)).toHaveCount(0);

  await alert.getByRole('button', { name: offsetText }).click();
  await app.waitForIdle();
  await expect(app.hexByte(error.offset)).toBeVisible();
  await expect(app.hexByte(error.offset)).toHaveClass(/\bmarker\b/);
  await expect(page.locator(`.hex-row[data-row-offset="${error.offset - (error.offset % 16)}"]`)).toBeVisible();
  await app.screenshot('stream-view-truncated');
});

test('no request leaves the machine', async ({ page }) => {
  const { requests, violations } = await watchRequests(page);

  const app = new Dashboard(page);
  await app.goto();
  await page.getByRole('button', { name: /Samples/ }).click();
  await page.getByRole('menuitemradio', { name: /pc-i440fx-5\.2-minimal/ }).click();
  await expect(app.machineType()).toHaveText('pc-i440fx-5.2');
  await app.waitForIdle();
  await app.dropFiles(STREAM_72);
  await app.sectionRow('cpu').click();
  await app.waitForIdle();

  expect(requests.length).toBeGreaterThan(0);
  const foreign = requests.filter((u) => !isLocal(u));
  expect(foreign, `requests to other hosts:\n${foreign.join('\n')}`).toEqual([]);
  expect(violations).toEqual([]);
});

test('the samples menu and #sample= choose the sample', async ({ page }) => {
  const app = new Dashboard(page);
  await app.goto('#sample=pc-i440fx-7.2-minimal.mig.gz');
  await expect(app.fileName()).toHaveText('pc-i440fx-7.2-minimal.mig.gz');
  await expect(app.machineType()).toHaveText('pc-i440fx-7.2');

  await page.getByRole('button', { name: /Samples/ }).click();
  // Four healthy streams (one of them ppc64), two failed loads (the footer and the 10.0 -> 11.1
  // ring size), two sets of hosts' files (two builds; a GVT-g VM's assigned devices), the release board.
  await expect(page.getByRole('menuitemradio')).toHaveCount(9);
  await page.getByRole('menuitemradio', { name: /pc-q35-11\.1-minimal/ }).click();
  await expect(app.machineType()).toHaveText('pc-q35-11.1');
  await app.waitForIdle();
  expect(new URL(page.url()).hash).toBe('#sample=pc-q35-11.1-minimal.mig.gz');
});

test('names from the stream are shown as text, never as markup', async ({ page }, testInfo) => {
  const idstr = '<img src=x onerror="window.__pwned=1">';
  const dir = await mkdtemp(join(tmpdir(), 'migscope-e2e-'));
  const path = join(dir, `hostile-${testInfo.workerIndex}.mig`);
  await writeFile(path, hostileStream(idstr));

  const app = new Dashboard(page);
  await app.goto();
  await app.pickFiles(path);
  await expect(app.sectionRow(idstr)).toHaveCount(1);
  await expect(app.sectionRow(idstr)).toContainText(idstr);
  await expect(page.locator('img')).toHaveCount(0);
  expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
});

function isLocal(url: string): boolean {
  const u = new URL(url);
  if (u.protocol === 'data:') return true;
  // blob: URLs carry their creator's origin.
  const target = u.protocol === 'blob:' ? new URL(u.pathname) : u;
  return ['127.0.0.1', 'localhost', '[::1]'].includes(target.hostname);
}

/** Header, one FULL section without a vmdesc (an opaque body found by its footer), EOF. */
function hostileStream(idstr: string): Buffer {
  const name = Buffer.from(idstr, 'latin1');
  const be32 = (n: number): Buffer => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  return Buffer.concat([
    Buffer.from('QEVM', 'latin1'),
    be32(3),
    Buffer.from([0x04]),
    be32(7),
    Buffer.from([name.length]),
    name,
    be32(0),
    be32(1),
    Buffer.from([1, 2, 3, 4]),
    Buffer.from([0x7e]),
    be32(7),
    Buffer.from([0x01]),
  ]);
}
