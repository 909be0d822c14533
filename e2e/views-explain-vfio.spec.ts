/**
 * An assigned device's stream (fixtures/synthetic/vfio: built from hw/vfio/migration.c, no
 * hardware at hand): the Stream view lists its VFIO sections with the vendor data per phase, and
 * Explain says what `migscope explain` says about it.
 */
import { expect, test } from '@playwright/test';
import { repoPath } from './helpers/cli.ts';
import { Dashboard } from './helpers/dashboard.ts';
import { cliJson } from './helpers/views-cli.ts';

const STREAM = repoPath('fixtures/synthetic/vfio/pc-q35-7.2-vfio-v1.mig');

interface ExplainJson {
  readonly risks: readonly { readonly code: string; readonly text: string }[];
}

test('a VFIO stream: its sections in the Stream view, and Explain says its state loads only on the same vendor driver and mdev type', async ({ page }) => {
  const cli = await cliJson<ExplainJson>(['explain', STREAM, '--json']);
  const risk = cli.risks.find((r) => r.code === 'VFIO_VENDOR_STATE');
  expect(risk?.text).toContain('13312 bytes of vendor device state');
  const app = new Dashboard(page);
  await app.goto();
  await app.dropFiles(STREAM);
  await expect(app.sectionRow('0000:00:04.0/vfio').first()).toBeVisible();
  await app.openTab('Explain');
  const risks = page.getByTestId('explain-risks');
  await expect(risks).toContainText(risk?.text ?? 'no risk from the CLI');
  await app.screenshot('views-explain-vfio');
});
