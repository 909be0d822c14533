/**
 * File sets: the sample opens in a set of its own, the first file a person drops starts theirs
 * (the sample one click away, nothing lost), several sets side by side; inside a set a log is
 * read with a stream or another log only when they describe the same VM, and otherwise the
 * reason is shown with a choice. Real streams and logs: the 11.1 sample, the 10.0 → 11.1
 * virtio load log the issue paired with it, the 11.1 sample's own save trace.
 */
import { expect, test, type Locator } from '@playwright/test';
import { repoPath } from './helpers/cli.ts';
import { Dashboard } from './helpers/dashboard.ts';

const VIRTIO_LOAD = repoPath('fixtures/real-runs/loads/x86_64/10.0__11.1__pc-q35-10.0-virtio.log.gz');
const SAVE_111 = repoPath('fixtures/streams/11.1/pc-q35-11.1-minimal.save-trace.log.gz');
const STREAM_72 = repoPath('fixtures/streams/7.2/pc-i440fx-7.2-minimal.mig.gz');
const SAMPLE_FILES = ['pc-q35-11.1-minimal.mig.gz', 'pc-q35-11.1-minimal.save-trace.log.gz', '11.1__11.1__pc-q35-11.1-minimal.log.gz'];

function sets(app: Dashboard): Locator {
  return app.filesPanel().getByTestId('file-set');
}

async function setTitles(app: Dashboard): Promise<string[]> {
  return sets(app).evaluateAll((els) => els.map((e) => `${e.getAttribute('data-origin') ?? ''}:${e.getAttribute('data-title') ?? ''}`));
}

async function fileNames(app: Dashboard): Promise<string[]> {
  return app.filesPanel().getByTestId('file-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-name') ?? ''));
}

test('a dropped file starts the person’s own set; the sample stays whole, one click away', async ({ page }) => {
  const app = new Dashboard(page);
  await app.goto();
  expect(await setTitles(app)).toEqual(['sample:Sample: pc-q35-11.1 on QEMU 11.1']);
  expect(await fileNames(app)).toEqual(SAMPLE_FILES);

  // The case: a 10.0 virtio load log dropped on the 11.1 sample.
  await app.dropFiles(VIRTIO_LOAD);
  expect(await setTitles(app)).toEqual(['sample:Sample: pc-q35-11.1 on QEMU 11.1', 'user:Your files']);
  await expect(sets(app).nth(1).getByRole('button', { name: /^Your files \d+$/ })).toHaveAttribute('aria-current', 'true');
  expect(await fileNames(app)).toEqual(['10.0__11.1__pc-q35-10.0-virtio.log.gz']);
  // The timeline reads only that log: the sample's save trace is not taken for its source.
  await expect(app.tab('Timeline')).toHaveAttribute('aria-selected', 'true');
  await expect(app.timeline('load')).toBeVisible();
  await expect(app.timeline('save')).toHaveCount(0);
  await expect(page.getByTestId('pairing')).toHaveCount(0);
  await app.screenshot('sets-own');

  // The sample, one click away, as it was: its three files, its stream, its view.
  await sets(app).nth(0).getByRole('button').first().click();
  await app.waitForIdle();
  expect(await fileNames(app)).toEqual(SAMPLE_FILES);
  await expect(app.tab('Stream')).toHaveAttribute('aria-selected', 'true');
  await expect(app.machineType()).toHaveText('pc-q35-11.1');
  expect(app.hashParams().get('sample')).toBe('pc-q35-11.1-minimal.mig.gz');

  // A drop while the sample is on show starts another set; "New set" starts an empty one.
  await app.dropFiles(STREAM_72);
  expect(await setTitles(app)).toEqual(['sample:Sample: pc-q35-11.1 on QEMU 11.1', 'user:Your files', 'user:Your files 2']);
  await expect(app.machineType()).toHaveText('pc-i440fx-7.2');
  expect(app.hashParams().get('file')).toBe('pc-i440fx-7.2-minimal.mig.gz');
  await app.filesPanel().getByRole('button', { name: '+ New set' }).click();
  await expect(sets(app)).toHaveCount(4);
  expect(await fileNames(app)).toEqual([]);
  // No file of a person's ever shares the sample's set.
  await sets(app).nth(0).getByRole('button').first().click();
  await app.waitForIdle();
  expect(await fileNames(app)).toEqual(SAMPLE_FILES);
  // Closing one of theirs takes its files with it; the sample's set has nothing to close.
  await expect(sets(app).nth(0).getByRole('button', { name: /^Close/ })).toHaveCount(0);
  await sets(app).nth(3).getByRole('button', { name: /^Close/ }).click();
  await expect(sets(app)).toHaveCount(3);
});

test('a trace and a log of different VMs are not read together unless the person says so', async ({ page }) => {
  const app = new Dashboard(page);
  await app.goto();
  // Both into one set of one's own: the 11.1 minimal VM's save trace and the 10.0 virtio VM's load log.
  await app.dropFiles(SAVE_111, VIRTIO_LOAD);
  await app.openTab('Timeline');
  const note = page.getByRole('tabpanel').locator('[data-testid="pairing"][data-pair="save-load"]');
  await expect(note).toHaveAttribute('data-status', 'different');
  await expect(note).toHaveAttribute('data-paired', 'false');
  await expect(note).toContainText('do not describe the same VM: section 1: ram has section id 1 in the save trace, 2 in the load log');
  // Apart: each on its own axis and rows, nothing lined up.
  await expect(page.getByTestId('timeline-compare')).toHaveCount(0);
  await expect(app.timeline('save').getByTestId('timeline-axis-unit')).toHaveText('ms since the first event');
  expect(await app.laneKeys('load')).not.toEqual(await app.laneKeys('save'));
  await app.screenshot('sets-pairing-different');

  // The person's choice: read them together anyway, said as such; and undone.
  await note.getByRole('button', { name: 'Read them together anyway' }).click();
  await expect(note).toHaveAttribute('data-paired', 'true');
  await expect(note).toContainText('because you chose so');
  await expect(page.getByTestId('timeline-compare')).toBeVisible();
  expect(await app.laneKeys('load')).toEqual(await app.laneKeys('save'));
  await note.getByRole('button', { name: 'Undo' }).click();
  await expect(note).toHaveAttribute('data-paired', 'false');
  await expect(page.getByTestId('timeline-compare')).toHaveCount(0);
});

test('a stream and a load log of different VMs: Explain does not read the log, and says why', async ({ page }) => {
  const app = new Dashboard(page);
  await app.goto();
  await app.dropFiles(STREAM_72, VIRTIO_LOAD);
  await app.openTab('Explain');
  const note = page.getByRole('tabpanel').locator('[data-testid="pairing"][data-pair="stream-load"]');
  await expect(note).toHaveAttribute('data-status', 'different');
  await expect(note).toContainText('do not describe the same VM');
  // Without the log, no "VQ 0 vring.num" story is told about a 7.2 i440fx stream.
  await expect(page.getByTestId('explain-view')).not.toContainText('vring.num 1024 exceeds');
  await app.openTab('Stream');
  await expect(page.getByRole('tabpanel').locator('[data-testid="pairing"][data-pair="stream-load"]')).toBeVisible();
  await expect(page.getByTestId('explain-banner')).toHaveCount(0);
});
