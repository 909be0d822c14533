/**
 * The Negotiate tab on the release-board sample (Debian's 5.2, 7.2, 10.0 and 11.1): every
 * ordered pair's counts and one pair's devices are what `migscope negotiate` prints for the
 * files the sample was copied from.
 */
import { expect, test } from '@playwright/test';
import { repoPath } from './helpers/cli.ts';
import { Dashboard } from './helpers/dashboard.ts';
import { cliJson } from './helpers/views-cli.ts';

interface PairJson {
  readonly source: string;
  readonly dest: string;
  readonly machine: string;
  readonly summary: { readonly breaksToday: number; readonly fixedByNegotiation: number; readonly noCommonVersion: number; readonly meaningChanged: number; readonly pinned: number };
  readonly rows: readonly { readonly device: string; readonly today: string; readonly outcome: string; readonly pinnedBy: readonly unknown[] }[];
}

/** The sample's files (public/samples/README.md): a manifest and the richest reply per build. */
const CLI_FILES = [
  '5.2=fixtures/versions/5.2/vmstate-pc-q35-5.2.json.gz',
  '5.2=fixtures/versions/5.2/qmp-query-machines.json',
  '7.2=fixtures/versions/7.2/vmstate-pc-q35-7.2.json.gz',
  '7.2=fixtures/versions/7.2/qmp-query-machines.json',
  '10.0=fixtures/real-runs/versions/10.0/vmstate-pc-q35-10.0.json.gz',
  '10.0=fixtures/real-runs/versions/10.0/qmp-query-machines-compat-props.json.gz',
  '11.1=fixtures/versions/11.1/vmstate-pc-q35-11.1.json.gz',
  '11.1=fixtures/versions-extra/11.1/qmp-query-machines-compat-props.json.gz',
].map((a) => {
  const [v, f] = a.split('=');
  return `${v}=${repoPath(f ?? '')}`;
});

test('every pair of the four builds: breaks today and what negotiation fixes, as `migscope negotiate` says', async ({ page }) => {
  const cli = await cliJson<PairJson[]>(['negotiate', ...CLI_FILES, '--json']);
  expect(cli).toHaveLength(12);
  const app = new Dashboard(page);
  // With a stream only, the tab says what it needs.
  await app.goto();
  await app.openTab('Negotiate');
  await expect(page.getByTestId('placeholder-negotiate')).toContainText('vmstate');
  await page.goto('about:blank');
  await app.goto('#sample=release-board');
  await app.waitForIdle();
  await app.openTab('Negotiate');
  const view = page.getByTestId('negotiate-view');
  await expect(view).toHaveAttribute('data-app-state', 'ready');
  const table = page.getByTestId('negotiate-pairs');
  await expect(table.locator('tbody tr')).toHaveCount(12);
  for (const p of cli) {
    const row = table.locator(`tr[data-pair="${p.source}->${p.dest}"]`);
    await expect(row.locator('td').first(), `${p.source}->${p.dest}`).toHaveText(p.machine);
    await expect(row.locator('[data-cell="breaks"]')).toHaveText(String(p.summary.breaksToday));
    await expect(row.locator('[data-cell="fixed"]')).toHaveText(String(p.summary.fixedByNegotiation));
    await expect(row.locator('[data-cell="changed"]')).toHaveText(String(p.summary.meaningChanged));
    await expect(row.locator('[data-cell="pinned"]')).toHaveText(String(p.summary.pinned));
  }

  // 7.2 -> 5.2: the ESP controllers send pciespscsi version 2; at the common version 1 they load.
  const back = cli.find((p) => p.source === '7.2' && p.dest === '5.2');
  expect(back?.summary.fixedByNegotiation).toBeGreaterThan(0);
  await table.locator('tr[data-pair="7.2->5.2"]').getByRole('button').click();
  const devices = page.getByTestId('negotiate-devices');
  await expect(devices).toHaveAttribute('data-pair', '7.2->5.2');
  const shown = (back?.rows ?? []).filter((r) => r.today === 'breaks' || r.pinnedBy.length > 0);
  await expect(devices.locator('tbody tr')).toHaveCount(shown.length);
  for (const r of shown) await expect(devices.locator(`tr[data-device="${r.device}"]`)).toHaveAttribute('data-outcome', r.outcome);
  await expect(devices.locator('tr[data-device="am53c974"]')).toContainText('fixed by negotiation');
  await app.screenshot('views-negotiate');
});
