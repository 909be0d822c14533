import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { expect, test, type Page } from '@playwright/test';
import type { ExplainJson } from '../src/analysis/explain/index.ts';
import { repoPath } from './helpers/cli.ts';
import { Dashboard } from './helpers/dashboard.ts';
import { cliJson } from './helpers/views-cli.ts';

/**
 * Loads that fail in the destination's own load code, not on the layout (fixtures/real-runs):
 * the Explain view must tell the same story as `migscope explain` for the same inputs, point at
 * the same bytes, and take a stream the destination build saved ("Destination sample").
 */

/** The gallery's virtio-10.0-to-11.1 set, as the app loads it (public/samples/README.md). */
const VIRTIO = {
  stream: repoPath('public/samples/10.0__pc-q35-10.0-virtio.mig.gzip'),
  sample: repoPath('public/samples/11.1__pc-q35-10.0-virtio.mig.gzip'),
  log: repoPath('public/samples/10.0__11.1__pc-q35-10.0-virtio.log.gzip'),
  cmd: repoPath('public/samples/pc-q35-10.0-virtio.cmd'),
};

function failureOf(cli: ExplainJson): NonNullable<ExplainJson['failure']> & { readonly offset: number; readonly length: number } {
  const f = cli.failure;
  if (f === null || f.offset === null || f.length === null) throw new Error('the CLI names no failing bytes');
  return { ...f, offset: f.offset, length: f.length };
}

const hex = (n: number): string => `0x${n.toString(16)}`;

/** What the view shows of a failure, against what the CLI printed for the same inputs. */
async function expectFailure(page: Page, cli: ExplainJson): Promise<void> {
  const f = failureOf(cli);
  await expect(page.getByTestId('explain-verdict')).toHaveAttribute('data-verdict', cli.verdict);
  await expect(page.getByTestId('explain-verdict')).toHaveAttribute('data-basis', cli.basis);
  await expect(page.getByTestId('explain-cause')).toHaveText(f.cause);
  await expect(page.getByTestId('explain-message')).toHaveText(f.message);
  await expect(page.getByTestId('explain-offset')).toHaveAttribute('data-offset', String(f.offset));
  await expect(page.getByTestId('explain-offset')).toContainText(`${hex(f.offset)} (${f.length} bytes)`);
  if (f.field !== null) await expect(page.getByTestId('explain-field')).toHaveText(f.field);
  // Every value with its own name, value and offset.
  const rows = page.getByTestId('explain-values').locator('tbody tr');
  await expect(rows).toHaveCount(f.values.length);
  for (const v of f.values) {
    const row = rows.and(page.locator(`[data-name="${v.name}"][data-offset="${v.offset}"]`));
    await expect(row.locator('td')).toHaveText([v.name, v.value, hex(v.offset), String(v.length)]);
  }
}

test('the 10.0 virtio stream into 11.1, from the gallery: the log’s story, then predicted without and with a destination sample, and the failing bytes', async ({ page }) => {
  const fromLog = await cliJson<ExplainJson>(['explain', VIRTIO.stream, '--dest-log', VIRTIO.log, '--json']);
  const destination = ['--dest-machine', 'pc-q35-10.0', '--dest-version', '11.1', '--dest-cmdline', VIRTIO.cmd];
  const predicted = await cliJson<ExplainJson>(['explain', VIRTIO.stream, ...destination, '--json']);
  const withSample = await cliJson<ExplainJson>(['explain', VIRTIO.stream, ...destination, '--dest-sample', VIRTIO.sample, '--json']);
  for (const cli of [fromLog, predicted, withSample]) expect(cli.verdict).toBe('fails');
  const f = failureOf(withSample);
  // The same bytes whatever the inputs: queue 0's vring.num of virtio-net.
  expect(failureOf(fromLog).offset).toBe(f.offset);
  expect(failureOf(predicted).offset).toBe(f.offset);
  expect(f.length).toBe(4);
  // As `migscope explain 10.0__pc-q35-10.0-virtio.mig.gzip ... --json` gave it when this test was
  // written: queue 0's vring.num, 0x194 bytes into the virtio-net section at 0x174607.
  expect(f.offset).toBe(0x17479b);

  const app = new Dashboard(page);
  await app.goto('#samples=virtio-rings');
  await expect(app.tab('Explain')).toHaveAttribute('aria-selected', 'true');
  await expect(app.fileItem('10.0__pc-q35-10.0-virtio.mig.gz').getByRole('radio')).toBeChecked();

  // 1. The destination's log says what happened.
  await expectFailure(page, fromLog);
  const why = page.getByTestId('explain-why');
  await expect(why).toHaveText(failureOf(fromLog).explanation);
  await expect(page.getByTestId('explain-section')).toHaveAttribute('data-idstr', '0000:00:01.0/virtio-net');
  await expect(page.getByTestId('explain-message')).toContainText('VQ 0 vring.num 1024 exceeds allocated max 256');
  await expect(why).toContainText('virtio-net at 0000:00:01.0');
  await expect(why).toContainText('queue 0 (rx) with vring.num 1024');
  await expect(why).toContainText('QEMU 11.1 allocates 256 entries');
  await expect(why).toContainText('rx_queue_size=256');
  await expect(why).toContainText('QEMU 10.0.13');
  await app.screenshot('views-explain-runtime-virtio-log');

  // 2. Without the log: predicted from the destination's -machine, release and command line.
  await app.removeFile('10.0__11.1__pc-q35-10.0-virtio.log.gz');
  await setTyped(app, 'explain-input-machine', 'pc-q35-10.0');
  await setTyped(app, 'explain-input-version', '11.1');
  await page.getByTestId('explain-input-cmdline').selectOption({ label: 'pc-q35-10.0-virtio.cmd' });
  await app.waitForIdle();
  await expectFailure(page, predicted);
  await expect(why).toHaveText(failureOf(predicted).explanation);
  await expect(why).toContainText('virtio-net-pci at 0000:00:01.0');
  await expect(why).toContainText("rx_queue_size=256, virtio-net-pci's default");
  await expect(page.getByTestId('explain-fix')).toHaveText(failureOf(predicted).fix);
  // The assumption names the missing input as the Destination panel has it, not as a CLI option.
  await expect(page.getByTestId('explain-assumptions')).toContainText("pick the destination's -device NAME,help output as Device defaults");
  await expect(page.getByTestId('explain-report')).not.toContainText('--dest-');
  await expect(page.getByTestId('explain-sample-used')).toHaveCount(0);

  // 3. With the stream 11.1 saved of the same configuration: its queue 0 is the 256.
  const picker = page.getByTestId('explain-input-sample');
  await expect(picker.locator('option')).toHaveText(['none', '11.1__pc-q35-10.0-virtio.mig.gz']);
  await picker.selectOption({ label: '11.1__pc-q35-10.0-virtio.mig.gz' });
  await app.waitForIdle();
  await expectFailure(page, withSample);
  await expect(why).toHaveText(failureOf(withSample).explanation);
  await expect(why).toContainText("QEMU 11.1 allocates 256 entries for that queue (the destination sample's queue 0");
  await expect(page.getByTestId('explain-values').locator('tr[data-name="queue 0 vring.num"] td').nth(1)).toHaveText('1024');
  await expect(page.getByTestId('explain-sample-used')).toContainText('11.1__pc-q35-10.0-virtio.mig.gz');
  await app.screenshot('views-explain-runtime-virtio-sample');

  // The choice is in the link, by file name, like the rest of the Destination panel.
  const params = app.hashParams();
  expect(params.get('dsample')).toBe('11.1__pc-q35-10.0-virtio.mig.gz');
  expect(params.get('dmachine')).toBe('pc-q35-10.0');
  expect(params.get('drelease')).toBe('11.1');
  expect(params.get('dcmd')).toBe('pc-q35-10.0-virtio.cmd');

  // 4. "Show the failing bytes": the 4 bytes of queue 0's vring.num, and that node in the tree.
  await page.getByTestId('explain-show-in-stream').click();
  await app.waitForIdle();
  await expect(app.tab('Stream')).toHaveAttribute('aria-selected', 'true');
  const selected = app.fieldTree().locator('[role=treeitem][aria-selected=true]');
  await expect(selected).toHaveAttribute('data-name', 'vring.num');
  await expect(page.getByTestId('node-details')).toContainText('0000:00:01.0/virtio-net#0 › virtio › queues[0] › vring.num');
  for (let i = 0; i < 4; i++) await expect(app.hexByte(f.offset + i)).toHaveClass(/\bsel\b/);
  await expect(app.hexByte(f.offset + 4)).not.toHaveClass(/\bsel\b/);
  await expect(app.hexSelection()).toContainText(`${hex(f.offset)}–${hex(f.offset + 4)} · 4 bytes`);
  expect(app.hashParams().get('field')).toBe('virtio › queues[0] › vring.num');
  await app.screenshot('views-explain-runtime-virtio-bytes');
});

test('a link with a destination sample brings the Destination panel back as it was', async ({ page }) => {
  const app = new Dashboard(page);
  await app.goto('#sample=virtio-10.0-to-11.1&dmachine=pc-q35-10.0&drelease=11.1&dcmd=pc-q35-10.0-virtio.cmd&dsample=11.1__pc-q35-10.0-virtio.mig.gz');
  await expect(app.tab('Explain')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('explain-input-sample').locator('option:checked')).toHaveText('11.1__pc-q35-10.0-virtio.mig.gz');
  await expect(page.getByTestId('explain-input-cmdline').locator('option:checked')).toHaveText('pc-q35-10.0-virtio.cmd');
  await expect(page.getByTestId('explain-input-machine')).toHaveValue('pc-q35-10.0');
  await expect(page.getByTestId('explain-input-version')).toHaveValue('11.1');
  // The set's log is back too: it says what happened, the destination's inputs what they predict.
  await expect(page.getByTestId('explain-verdict')).toHaveAttribute('data-basis', 'log');
  await expect(page.getByTestId('explain-prediction')).toContainText("from the destination's inputs alone: fails");
  // Picking none again leaves the link.
  await page.getByTestId('explain-input-sample').selectOption('none');
  await app.waitForIdle();
  expect(app.hashParams().get('dsample')).toBeNull();
});

test('a -device NAME,help file is the destination’s device defaults', async ({ page }, testInfo) => {
  // Debian 11.1.3's own output, as fixtures/real-runs/versions/11.1/device-props.json.gz keeps it.
  const props = JSON.parse(gunzipSync(await readFile(repoPath('fixtures/real-runs/versions/11.1/device-props.json.gz'))).toString('utf8')) as { devices: Record<string, { output: string }> };
  const help = testInfo.outputPath('virtio-net-pci.help.txt');
  await writeFile(help, props.devices['virtio-net-pci']?.output ?? '');
  const cli = await cliJson<ExplainJson>(['explain', VIRTIO.stream, '--dest-machine', 'pc-q35-10.0', '--dest-version', '11.1', '--dest-cmdline', VIRTIO.cmd, '--dest-device-help', help, '--json']);

  const app = new Dashboard(page);
  await app.goto();
  await app.dropFiles(VIRTIO.cmd, help, VIRTIO.stream);
  await expect(app.fileItem('virtio-net-pci.help.txt')).toHaveAttribute('data-kind', 'device-properties');
  await expect(app.fileKind('virtio-net-pci.help.txt')).toHaveText('device defaults');
  await app.openTab('Explain');
  await setTyped(app, 'explain-input-machine', 'pc-q35-10.0');
  await setTyped(app, 'explain-input-version', '11.1');
  // The only one loaded, without a log: taken (auto), and said so.
  await expect(page.getByTestId('explain-input-deviceProps').locator('option:checked')).toHaveText('auto: virtio-net-pci.help.txt');
  await expectFailure(page, cli);
  await expect(page.getByTestId('explain-why')).toHaveText(failureOf(cli).explanation);
  // Debian's built-in defaults are no longer assumed.
  await expect(page.getByTestId('explain-assumptions')).not.toContainText('device property defaults');
});

/** fixtures/real-runs: cortex-a57 under TCG, saved by 7.2 (258 registers) and by 11.1 (274). */
const ARM = {
  stream: repoPath('fixtures/real-runs/streams/aarch64/7.2/virt-7.2-minimal.mig.gz'),
  sample: repoPath('fixtures/real-runs/streams/aarch64/11.1/virt-7.2-minimal.mig.gz'),
  cmd: repoPath('fixtures/real-runs/streams/aarch64/7.2/virt-7.2-minimal.cmd'),
};

test('aarch64 virt-7.2 saved by 7.2 into 11.1: at risk without a destination sample, the two registers named with one', async ({ page }, testInfo) => {
  // Both streams are called virt-7.2-minimal.mig.gz in fixtures/: used under their release's name
  // (the explanation names the sample's file).
  const dir = testInfo.outputPath('arm');
  await mkdir(dir, { recursive: true });
  const sample = `${dir}/11.1__virt-7.2-minimal.mig.gz`;
  const stream = `${dir}/7.2__virt-7.2-minimal.mig.gz`;
  await copyFile(ARM.sample, sample);
  await copyFile(ARM.stream, stream);

  const destination = ['--dest-version', '11.1', '--dest-cmdline', ARM.cmd];
  const atRisk = await cliJson<ExplainJson>(['explain', stream, ...destination, '--json']);
  const cli = await cliJson<ExplainJson>(['explain', stream, ...destination, '--dest-sample', sample, '--json']);
  expect(atRisk.verdict).toBe('at-risk');
  expect(cli.verdict).toBe('fails');
  const f = failureOf(cli);
  expect(f.values.map((v) => v.name)).toEqual(['cpreg p15_0_c7_c4_0 (AArch32, non-secure)', 'cpreg S3_0_C0_C6_0 ID_AA64ISAR0_EL1']);

  const app = new Dashboard(page);
  await app.goto();
  // The stream dropped last is the one explained.
  await app.dropFiles(sample, ARM.cmd, stream);
  await app.openTab('Explain');
  await setTyped(app, 'explain-input-version', '11.1');

  // Without a sample the destination's register list is unknown: at risk, saying what to pick.
  await expect(page.getByTestId('explain-verdict')).toHaveAttribute('data-verdict', 'at-risk');
  const risks = page.getByTestId('explain-risks');
  await expect(risks).toContainText('the stream carries 258 system registers');
  await expect(risks).toContainText('pick a destination sample (a stream the destination build saved with the same -cpu) to settle it');
  await expect(risks).toContainText('(Destination sample, in the Destination panel)');
  await expect(page.getByTestId('explain-report')).not.toContainText('--dest-sample');
  await app.screenshot('views-explain-runtime-arm-at-risk');

  await page.getByTestId('explain-input-sample').selectOption({ label: '11.1__virt-7.2-minimal.mig.gz' });
  await app.waitForIdle();
  await expectFailure(page, cli);
  const why = page.getByTestId('explain-why');
  await expect(why).toHaveText(f.explanation);
  await expect(why).toContainText('258 system registers, QEMU 11.1 has 274');
  await expect(why).toContainText('p15_0_c7_c4_0 (AArch32, non-secure)');
  await expect(why).toContainText('S3_0_C0_C6_0 ID_AA64ISAR0_EL1');
  await expect(page.getByTestId('explain-message')).toContainText('system register 0x200f3a00 in the incoming stream but unknown on the destination');
  await expect(page.getByTestId('explain-message')).toContainText('system register 0x1013c030 in the incoming stream but unknown on the destination');
  await expect(page.getByTestId('explain-sample-used')).toContainText('11.1__virt-7.2-minimal.mig.gz');
  await app.screenshot('views-explain-runtime-arm-sample');

  await page.getByTestId('explain-show-in-stream').click();
  await app.waitForIdle();
  await expect(app.fieldTree().locator('[role=treeitem][aria-selected=true]')).toHaveAttribute('data-name', f.field ?? '');
  for (let i = 0; i < f.length; i++) await expect(app.hexByte(f.offset + i)).toHaveClass(/\bsel\b/);
});

/** Types into a Destination panel field and commits it (Enter), as a user does. */
async function setTyped(app: Dashboard, testId: string, text: string): Promise<void> {
  const input = app.page.getByTestId(testId);
  await input.fill(text);
  await input.press('Enter');
  await app.waitForIdle();
}
