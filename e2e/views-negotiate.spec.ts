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

interface StreamPairJson extends PairJson {
  readonly summary: PairJson['summary'] & { readonly neverProduced: number };
  readonly rows: readonly (PairJson['rows'][number] & {
    readonly subsections?: { readonly sent: readonly string[]; readonly unknownToDest?: readonly string[] };
    readonly whitelist?: { readonly status: string };
  })[];
}

test('narrowed to a stream: the pairs from the build that saved it, its devices and the subsection combinations each destination never produced, as `migscope negotiate --stream --whitelist` says', async ({ page }) => {
  const R = 'fixtures/real-runs';
  const stream = repoPath(`${R}/streams/x86_64/10.0/pc-q35-7.2-virtio.mig.gz`);
  // The release-board sample's files: each build's manifest and reply (their releases are told from the replies).
  const of = (v: string): string[] => CLI_FILES.filter((f) => f.startsWith(`${v}=`));
  const dests = ['5.2', '7.2', '11.1'];
  const cli = await Promise.all(
    dests.map((d) => {
      const [srcManifest, ...srcRest] = of('10.0');
      const [destManifest, ...destRest] = of(d);
      return cliJson<StreamPairJson>(['negotiate', '--src', srcManifest ?? '', '--dest', destManifest ?? '', ...srcRest, ...destRest, '--stream', stream, '--whitelist', repoPath(`${R}/subsection-whitelist.json`), '--json']);
    }),
  );
  expect(cli.map((p) => p.summary.neverProduced)).toEqual([2, 0, 1]);

  const app = new Dashboard(page);
  await app.goto();
  await app.dropFiles(stream, ...CLI_FILES.map((f) => f.replace(/^[^=]*=/, '')));
  await app.openTab('Negotiate');
  const table = page.getByTestId('negotiate-pairs');
  await expect(table.locator('tbody tr')).toHaveCount(12);
  await page.getByTestId('negotiate-with-stream').check();
  await app.waitForIdle();
  // Nothing in the stream names the build that saved it (machine type pc-q35-7.2, saved by 10.0): the view asks, the person types it.
  await expect(page.getByTestId('negotiate-view')).toContainText('The build that saved pc-q35-7.2-virtio.mig.gz is not known');
  await page.getByTestId('files-panel').locator('[data-testid="file-item"][data-name="pc-q35-7.2-virtio.mig.gz"] [data-testid="release-chip"]').click();
  await page.getByTestId('release-chip-input').fill('10.0');
  await page.getByTestId('release-chip-input').press('Enter');
  await app.waitForIdle();
  await expect(page.getByTestId('negotiate-view')).toContainText('saved by 10.0');
  await expect(table.locator('tbody tr')).toHaveCount(3);
  for (const p of cli) {
    const row = table.locator(`tr[data-pair="${p.source}->${p.dest}"]`);
    await expect(row.locator('td').first(), `${p.source}->${p.dest}`).toHaveText(p.machine);
    await expect(row.locator('[data-cell="breaks"]')).toHaveText(String(p.summary.breaksToday));
    await expect(row.locator('[data-cell="fixed"]')).toHaveText(String(p.summary.fixedByNegotiation));
    await expect(row.locator('[data-cell="never-produced"]')).toHaveText(String(p.summary.neverProduced));
  }

  // 10.0 -> 5.2: every device the stream carries is a row; the combinations 5.2 never produced are at risk.
  const back = cli[0] as StreamPairJson;
  await table.locator('tr[data-pair="10.0->5.2"]').getByRole('button').click();
  const devices = page.getByTestId('negotiate-devices');
  await expect(devices).toHaveAttribute('data-pair', '10.0->5.2');
  await expect(devices.locator('tbody tr')).toHaveCount(back.rows.length);
  const risky = back.rows.filter((r) => r.whitelist?.status === 'never-produced');
  expect(risky).toHaveLength(2);
  for (const r of risky) {
    const cell = devices.locator(`tr[data-device="${r.device}"] [data-cell="subsections"]`);
    await expect(cell).toHaveAttribute('data-whitelist', 'never-produced');
    await expect(cell).toContainText("5.2's own streams never carried");
    for (const s of r.subsections?.sent ?? []) await expect(cell).toContainText(s);
  }
  await app.screenshot('views-negotiate-stream');
});
