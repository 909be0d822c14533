import { expect, test, type Page } from '@playwright/test';
import { repoPath } from './helpers/cli.ts';
import { Dashboard } from './helpers/dashboard.ts';
import { cliJson } from './helpers/views-cli.ts';

const MACHINES = (v: string): string => repoPath(`fixtures/versions/${v}/qmp-query-machines.json`);
const VERSIONS = ['5.2', '7.2', '11.1'] as const;

interface TiersJson {
  readonly versions: readonly string[];
  readonly machines: readonly { readonly name: string; readonly tier: string; readonly cells: readonly { readonly version: string; readonly status: string }[] }[];
}

interface HostsJson {
  readonly hosts: readonly { readonly host: string; readonly decision: string; readonly reasons: readonly { readonly kind: string; readonly verdict: string }[] }[];
}

/** Each host card shows the decision and the reasons `migscope hosts --json` gives. */
async function expectHostCards(page: Page, cli: HostsJson): Promise<void> {
  for (const want of cli.hosts) {
    const card = page.getByTestId('host-card').and(page.locator(`[data-host="${want.host}"]`));
    await expect(card, want.host).toHaveAttribute('data-decision', want.decision);
    await expect(card.getByTestId('host-reasons').locator('li')).toHaveCount(want.reasons.length);
    for (const r of want.reasons) await expect(card.locator(`li[data-kind="${r.kind}"][data-verdict="${r.verdict}"]`).first()).toBeVisible();
  }
}

test('tiers of three builds: deprecated, absent and the tier, as `migscope tiers` says', async ({ page }) => {
  const cli = await cliJson<TiersJson>(['tiers', ...VERSIONS.map(MACHINES), '--json']);
  const status = (machine: string, version: string): string | undefined => cli.machines.find((m) => m.name === machine)?.cells.find((c) => c.version === version)?.status;
  expect(status('pc-i440fx-5.2', '11.1')).toBe('deprecated');
  expect(status('pc-q35-7.2', '5.2')).toBe('absent');

  const app = new Dashboard(page);
  await app.goto();
  await app.dropFiles(...VERSIONS.map(MACHINES));
  await app.openTab('Tiers');
  const grid = page.getByTestId('tiers-grid');
  await expect(grid.locator('thead th.tiers-version')).toHaveText(cli.versions.map((v) => `QEMU ${v}`));
  const cell = (machine: string, version: string) => grid.locator(`tr[data-machine="${machine}"] td[data-version="${version}"]`);
  await expect(cell('pc-i440fx-5.2', '11.1')).toHaveAttribute('data-status', 'deprecated');
  await expect(cell('pc-i440fx-5.2', '5.2')).toHaveAttribute('data-status', 'present');
  await expect(cell('pc-q35-7.2', '5.2')).toHaveAttribute('data-status', 'absent');
  await expect(cell('pc-q35-7.2', '7.2')).toHaveAttribute('data-status', status('pc-q35-7.2', '7.2') ?? '');
  await expect(page.locator('tr[data-machine]')).toHaveCount(cli.machines.length);

  // A row's tier and why.
  await grid.locator('tr[data-machine="pc-i440fx-5.2"]').click();
  const details = page.getByTestId('tier-details');
  await expect(details).toContainText(cli.machines.find((m) => m.name === 'pc-i440fx-5.2')?.tier ?? '?');
  await expect(details).toContainText('Deprecated in 11.1');

  // Filters narrow the board.
  await page.getByRole('searchbox', { name: 'Find machine types' }).fill('q35-7');
  await expect(page.locator('tr[data-machine]')).toHaveCount(3);
  await page.getByRole('searchbox', { name: 'Find machine types' }).fill('');
  await page.getByRole('radio', { name: 'Aliases' }).check();
  await expect(page.locator('tr[data-machine="q35"] td[data-version="11.1"]')).toContainText('pc-q35-11.1');
  await page.getByRole('radio', { name: 'All' }).check();
  await app.screenshot('views-tiers');
});

test('hosts for the 11.1 sample VM: the 7.2 host rejects its machine type, the 11.1 host accepts', async ({ page }) => {
  const stream = repoPath('fixtures/streams/11.1/pc-q35-11.1-minimal.mig.gz');
  const host72 = [MACHINES('7.2'), repoPath('fixtures/versions/7.2/vmstate-pc-q35-7.2.json.gz')];
  const host111 = [MACHINES('11.1'), repoPath('fixtures/versions/11.1/vmstate-pc-q35-11.1.json.gz')];
  const cli = await cliJson<HostsJson>(['hosts', '--stream', stream, '--host', `QEMU 7.2:${host72.join(',')}`, '--host', `QEMU 11.1:${host111.join(',')}`, '--json']);

  const app = new Dashboard(page);
  await app.goto();
  // The 11.1 VM (the default sample's stream, dropped into a set of one's own, where the sample's
  // files are not) and each host's machine list with its manifest.
  await app.dropFiles(stream, ...host72, ...host111);
  await app.openTab('Hosts');
  await expect(page.getByTestId('hosts-vm-machine')).toHaveText('pc-q35-11.1');

  await expectHostCards(page, cli);
  const rejected = page.getByTestId('host-card').and(page.locator('[data-host="QEMU 7.2"]'));
  await expect(rejected).toHaveAttribute('data-verdict', 'reject');
  await expect(rejected.locator('li[data-kind="machine-type-missing"]')).toContainText('does not offer machine type pc-q35-11.1');
  await expect(page.getByTestId('host-card').and(page.locator('[data-host="QEMU 11.1"]'))).toHaveAttribute('data-decision', 'accept');
  // Rejections first.
  await expect(page.getByTestId('host-card').first()).toHaveAttribute('data-host', 'QEMU 7.2');
  await app.screenshot('views-hosts');

  // Taking the 7.2 machine list out of its host leaves the machine type unchecked there.
  await page.getByTestId('versioned-file').and(page.locator('[data-version="7.2"]')).filter({ hasText: 'qmp-query-machines.json' }).getByTestId('host-select').selectOption({ label: 'not a candidate' });
  await app.waitForIdle();
  await expect(rejected.locator('li[data-kind="machine-type-unchecked"]')).toHaveCount(1);
});

interface NoVmstateJson {
  readonly noVmstate: readonly { readonly version: string; readonly devices: readonly { readonly name: string }[] }[];
}

test('the two-hosts sample: releases from the file names, devices that cannot migrate per build', async ({ page }) => {
  const sample = (name: string): string => repoPath(`public/samples/${name}`);
  const args = (['7.2', '11.1'] as const).flatMap((v) =>
    [`qemu-${v}.qmp-query-machines.json.gzip`, `qemu-${v}.devices.txt.gzip`, `qemu-${v}.vmstate-pc-i440fx-7.2.json.gzip`].map((f) => `${v}=${sample(f)}`),
  );
  const cli = await cliJson<NoVmstateJson>(['tiers', ...args, '--json']);

  const app = new Dashboard(page);
  await app.goto('#sample=hosts-7.2-11.1');
  await expect(app.tab('Tiers')).toHaveAttribute('aria-selected', 'true');
  for (const n of cli.noVmstate) {
    await expect(page.locator(`.tier-novmstate details[data-version="${n.version}"] summary`)).toContainText(`${n.devices.length} device types`);
  }
  await page.locator('.tier-novmstate details[data-version="11.1"] summary').click();
  await expect(page.locator('.tier-novmstate details[data-version="11.1"] li')).toHaveCount(cli.noVmstate.find((n) => n.version === '11.1')?.devices.length ?? -1);
  await app.screenshot('views-tiers-sample');

  // The set's VM (saved by 7.2 with pc-i440fx-7.2) goes to either build, as the real loads
  // 7.2 -> 7.2 and 7.2 -> 11.1 did (fixtures/loads/results.csv); 11.1 warns of the deprecation.
  const hostArgs = (['7.2', '11.1'] as const).flatMap((v) => ['--host', `QEMU ${v}:${sample(`qemu-${v}.qmp-query-machines.json.gzip`)},${sample(`qemu-${v}.vmstate-pc-i440fx-7.2.json.gzip`)}`]);
  const hosts = await cliJson<HostsJson>(['hosts', '--stream', sample('pc-i440fx-7.2-minimal.mig.gzip'), ...hostArgs, '--json']);
  expect(hosts.hosts.map((h) => h.decision)).toEqual(['accept', 'accept']);
  await app.openTab('Hosts');
  await expect(page.getByTestId('hosts-vm-machine')).toHaveText('pc-i440fx-7.2');
  await expectHostCards(page, hosts);
  await expect(page.getByTestId('host-card').and(page.locator('[data-host="QEMU 11.1"]'))).toContainText('marks it deprecated');
  await app.screenshot('views-hosts-sample');
});
