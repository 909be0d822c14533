import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { repoPath } from './helpers/cli.ts';
import { Dashboard } from './helpers/dashboard.ts';

/**
 * A real `migscope run` folder (fixtures/runs/virtio-10.0-11.1: QEMU 10.0.13 and 11.1.3, seven
 * virtio devices, each alone and all together, both directions) dropped whole: the Matrix view
 * lists what QEMU did beside what migscope predicts from each stream, and every failed load
 * opens in Explain with its own stream and destination log.
 */
const RUN = repoPath('fixtures/runs/virtio-10.0-11.1');

test('a run folder: observed next to predicted, and each failed load explained from its own files', async ({ page }) => {
  test.setTimeout(180_000);
  const app = new Dashboard(page);
  await app.goto();
  await app.dropFiles(...readdirSync(RUN).map((f) => join(RUN, f)));
  await expect(app.fileItem('results.csv')).toHaveAttribute('data-kind', 'load-outcomes');
  // A results file is what the folder is about: the Matrix view opens.
  await expect(app.tab('Matrix')).toHaveAttribute('aria-selected', 'true');
  await app.waitForIdle(120_000);

  const panel = page.getByTestId('observed-loads');
  const rows = panel.getByTestId('observed-row');
  await expect(rows).toHaveCount(16);
  await expect(panel.getByTestId('observed-agreement')).toHaveText('16 right, 0 wrong, 0 unsure');
  await expect(panel.locator('[data-testid="observed-row"][data-outcome="SUCCEEDED"]')).toHaveCount(8);
  const failed = panel.locator('[data-testid="observed-row"][data-outcome="FAILED"]');
  await expect(failed).toHaveCount(8);
  for (const row of await rows.all()) await expect(row).toHaveAttribute('data-agreement', 'agree');

  const configs = await failed.locator('td:first-child').allTextContents();
  expect(configs).toEqual(['all', 'virtio-net-pci', 'virtio-blk-pci', 'virtio-scsi-pci', 'virtio-balloon-pci', 'virtio-serial-pci', 'virtio-gpu-pci', 'virtio-rng-pci']);
  for (const config of configs) {
    const row = failed.filter({ has: page.getByRole('cell', { name: config, exact: true }) });
    // What QEMU printed (the results file's first error line), and migscope predicting that very line.
    const line = (await row.locator('.observed-message').first().textContent()) ?? '';
    expect(line).toMatch(/^VQ 0 vring\.num 1024 exceeds allocated max \d+$/);
    await expect(row).toContainText('fails, as observedthe same line');

    await row.getByRole('button', { name: `Explain ${config}, 10.0 to 11.1 on pc-q35-10.0` }).click();
    await expect(app.tab('Explain')).toHaveAttribute('aria-selected', 'true');
    await app.waitForIdle();
    await expect(page.getByTestId('explain-verdict')).toHaveAttribute('data-verdict', 'fails');
    // Its own stream and its own log: the names say so, and the message is this device's.
    await expect(page.locator('.explain-basis')).toContainText(`10.0__pc-q35-10.0__${config}.mig.gz`);
    await expect(page.locator('.explain-basis')).toContainText(`10.0__11.1__pc-q35-10.0__${config}.log`);
    await expect(page.getByTestId('explain-message')).toContainText(line);
    await app.openTab('Matrix');
  }
});
