import { copyFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { repoPath } from './helpers/cli.ts';
import { Dashboard } from './helpers/dashboard.ts';

const STREAM = repoPath('fixtures/streams/7.2/pc-i440fx-7.2-minimal.mig.gz');
const MANIFEST = repoPath('fixtures/versions/7.2/vmstate-pc-i440fx-7.2.json.gz');
const MACHINES = repoPath('fixtures/versions/11.1/qmp-query-machines.json');
const LOAD_LOG = repoPath('fixtures/loads/mismatch/e-7.2-footer__7.2__7.2__pc-i440fx-7.2-default.log.gz');
const SAVE_TRACE = repoPath('fixtures/streams/7.2/pc-i440fx-7.2-default.save-trace.log.gz');
const DEVICES = repoPath('fixtures/versions/7.2/devices.txt');
const COMMAND = repoPath('fixtures/streams/7.2/pc-i440fx-7.2-default.cmd');

test('one drop of every kind: each file listed with what it is, removable', async ({ page }) => {
  const app = new Dashboard(page);
  await app.goto();
  await expect(app.fileKind('pc-q35-11.1-minimal.mig.gz')).toHaveText('stream');

  await app.dropFiles(STREAM, MANIFEST, MACHINES, LOAD_LOG, DEVICES, SAVE_TRACE, COMMAND);
  const expected: Record<string, string> = {
    'pc-i440fx-7.2-minimal.mig.gz': 'stream',
    'vmstate-pc-i440fx-7.2.json.gz': 'vmstate manifest',
    'qmp-query-machines.json': 'query-machines',
    'e-7.2-footer__7.2__7.2__pc-i440fx-7.2-default.log.gz': 'load log',
    'devices.txt': 'device list',
    'pc-i440fx-7.2-default.save-trace.log.gz': 'save trace',
    'pc-i440fx-7.2-default.cmd': 'command line',
  };
  for (const [name, kind] of Object.entries(expected)) await expect(app.fileKind(name), name).toHaveText(kind);
  // The drop started a set of its own: the sample's three files are not in it.
  await expect(app.filesPanel().getByTestId('file-item')).toHaveCount(7);
  await expect(app.fileItem('pc-q35-11.1-minimal.mig.gz')).toHaveCount(0);
  await expect(app.fileItem('pc-i440fx-7.2-minimal.mig.gz')).toContainText('gzip');

  // The dropped stream is the one shown.
  await expect(app.fileName()).toHaveText('pc-i440fx-7.2-minimal.mig.gz');
  await expect(app.machineType()).toHaveText('pc-i440fx-7.2');
  await app.screenshot('workspace');
  await page.emulateMedia({ colorScheme: 'dark' });
  await app.screenshot('workspace-dark');
  await page.emulateMedia({ colorScheme: 'light' });

  // A second stream of one's own: the radio picks which one the views show.
  await app.dropFiles(repoPath('fixtures/streams/11.1/pc-q35-11.1-minimal.mig.gz'));
  await expect(app.machineType()).toHaveText('pc-q35-11.1');
  await page.getByRole('radio', { name: /Show pc-i440fx-7\.2-minimal\.mig\.gz as the stream/ }).check();
  await app.waitForIdle();
  await expect(app.machineType()).toHaveText('pc-i440fx-7.2');

  await app.removeFile('vmstate-pc-i440fx-7.2.json.gz');
  await expect(app.fileItem('vmstate-pc-i440fx-7.2.json.gz')).toHaveCount(0);
  await expect(app.filesPanel().getByTestId('file-item')).toHaveCount(7);

  // Removing the stream on show falls back to the other one.
  await app.removeFile('pc-i440fx-7.2-minimal.mig.gz');
  await expect(app.fileName()).toHaveText('pc-q35-11.1-minimal.mig.gz');
});

test('files are recognised by content, not by name', async ({ page }, testInfo) => {
  const dir = await mkdtemp(join(tmpdir(), 'migscope-e2e-'));
  const disguised = {
    manifest: join(dir, `notes-${testInfo.workerIndex}.txt`),
    stream: join(dir, `trace-${testInfo.workerIndex}.log`),
    log: join(dir, `machines-${testInfo.workerIndex}.json`),
  };
  await copyFile(MANIFEST, disguised.manifest);
  await copyFile(STREAM, disguised.stream);
  await copyFile(LOAD_LOG, disguised.log);

  const app = new Dashboard(page);
  await app.goto();
  await app.pickFiles(disguised.manifest, disguised.stream, disguised.log);
  await expect(app.fileKind(`notes-${testInfo.workerIndex}.txt`)).toHaveText('vmstate manifest');
  await expect(app.fileKind(`trace-${testInfo.workerIndex}.log`)).toHaveText('stream');
  await expect(app.fileKind(`machines-${testInfo.workerIndex}.json`)).toHaveText('load log');
  await expect(app.machineType()).toHaveText('pc-i440fx-7.2');
});

test('view tabs: keyboard, and placeholders that say what they need', async ({ page }) => {
  const app = new Dashboard(page);
  await app.goto();
  await app.dropFiles(MANIFEST, MACHINES);

  await app.tab('Stream').focus();
  await page.keyboard.press('ArrowRight');
  await expect(app.tab('Timeline')).toHaveAttribute('aria-selected', 'true');
  await expect(app.tab('Timeline')).toBeFocused();
  await page.keyboard.press('End');
  await expect(app.tab('Negotiate')).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('ArrowRight');
  await expect(app.tab('Stream')).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('ArrowLeft');
  await expect(app.tab('Negotiate')).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Home');
  await expect(app.tab('Stream')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('tabpanel')).toHaveCount(1);

  // The views list what they read (and what is missing) until they have enough.
  await app.openTab('Matrix');
  const matrix = page.getByTestId('matrix-view');
  await expect(matrix).toContainText('No board yet');
  await expect(matrix.getByTestId('versioned-file').filter({ hasText: 'vmstate-pc-i440fx-7.2.json.gz' })).toHaveCount(1);
  await expect(matrix.getByTestId('versioned-file').filter({ hasText: 'qmp-query-machines.json' })).toHaveCount(1);
  // The drop is a set of its own: no stream in it (the sample's is in the sample's set), so Explain says what it needs.
  await app.openTab('Explain');
  const explain = page.getByTestId('placeholder-explain');
  await expect(explain.locator('tr[data-kind="stream"]')).toHaveClass(/missing/);
  await app.screenshot('placeholder-explain');
});

test('the sample gallery opens a whole set: a failed load with its logs', async ({ page }) => {
  const app = new Dashboard(page);
  await app.goto();
  await page.getByRole('button', { name: /Samples/ }).click();
  await page.getByRole('menuitemradio', { name: /Missing section footer/ }).click();
  await app.waitForIdle();
  expect(new URL(page.url()).hash).toBe('#sample=e-7.2-footer');
  // The previous sample's files are replaced by the set's, in the sample's set.
  await expect(app.fileItem('pc-q35-11.1-minimal.mig.gz')).toHaveCount(0);
  await expect(app.filesPanel().getByTestId('file-item')).toHaveCount(6);
  await expect(app.fileKind('7.2__pc-i440fx-7.2-default.flip-footer.mig.gz')).toHaveText('stream');
  await expect(app.fileKind('pc-i440fx-7.2-default.save-trace.log.gz')).toHaveText('save trace');
  await expect(app.fileKind('e-7.2-footer__7.2__7.2__pc-i440fx-7.2-default.log.gz')).toHaveText('load log');
  await expect(app.fileKind('qemu-7.2.vmstate-pc-i440fx-7.2.json.gz')).toHaveText('vmstate manifest');
  await expect(app.tab('Timeline')).toHaveAttribute('aria-selected', 'true');
  await expect(app.timeline('load').getByTestId('failure-marker')).toContainText('Missing section footer for mc146818rtc');

  await app.openTab('Stream');
  await expect(app.errorPanel()).toContainText('SECTION_FOOTER_MISMATCH');
  await expect(app.sectionRow('mc146818rtc')).toHaveAttribute('aria-selected', 'true');

  await page.getByRole('button', { name: /Samples/ }).click();
  await expect(page.getByRole('menuitemradio', { name: /Missing section footer/ })).toHaveAttribute('aria-checked', 'true');
  await app.screenshot('sample-gallery');

  // The hosts set: what two builds offer, and a VM to place.
  await page.getByRole('menuitemradio', { name: /Two hosts/ }).click();
  await app.waitForIdle();
  await expect(app.tab('Tiers')).toHaveAttribute('aria-selected', 'true');
  await expect(app.filesPanel().getByTestId('file-item')).toHaveCount(7);
  await expect(app.fileKind('qemu-11.1.devices.txt.gz')).toHaveText('device list');
  await expect(page.getByTestId('tiers-view').getByTestId('versioned-file').filter({ hasText: 'qemu-7.2.qmp-query-machines.json.gz' })).toHaveCount(1);
  // Without its stream, the Stream view says what the workspace holds instead.
  await app.removeFile('pc-i440fx-7.2-minimal.mig.gz');
  await app.openTab('Stream');
  await expect(page.getByText('No migration stream among the 6 loaded files')).toBeVisible();
  await app.openTab('Timeline');
  await expect(page.getByRole('heading', { name: 'No trace log loaded' })).toBeVisible();
  await app.screenshot('timeline-empty');
});
