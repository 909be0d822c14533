import { expect, test, type Page } from '@playwright/test';
import { repoPath } from './helpers/cli.ts';
import { Dashboard } from './helpers/dashboard.ts';
import { cliJson } from './helpers/views-cli.ts';

/**
 * The Hosts view with assigned devices: the VM's domain XML, its mdev's mdevctl config and the
 * hosts' mdev type listings (fixtures/mdev, written from mdevctl's and the kernel's docs) give
 * the same decisions and reasons as `migscope hosts --assigned/--vm-mdev/--src-mdev-types`.
 */

interface HostsJson {
  readonly hosts: readonly { readonly host: string; readonly decision: string; readonly reasons: readonly { readonly kind: string; readonly verdict: string; readonly message: string }[] }[];
}

const F = (p: string): string => repoPath(`fixtures/${p}`);
const M = (p: string): string => F(`mdev/${p}`);
const UUID = '4b20d080-1b54-4048-85b3-a6a62d165c01';
const STREAM = F('streams/7.2/pc-q35-7.2-minimal.mig.gz');
const HOST = (v: string, machine: string): string[] => [F(`versions/${v}/qmp-query-machines.json`), F(`versions/${v}/vmstate-${machine}.json.gz`)];

function hostsArgs(listing72: string, listing111: string): string[] {
  return [
    'hosts', '--stream', STREAM,
    '--assigned', M('vm-domain.xml'), '--vm-mdev', M(`mdevctl.d/0000:00:02.0/${UUID}`), '--src-mdev-types', M('source-host.mdevctl-types.json'),
    '--host', `QEMU 7.2:${[...HOST('7.2', 'pc-q35-7.2'), M(listing72)].join(',')}`,
    '--host', `QEMU 11.1:${[...HOST('11.1', 'pc-q35-11.1'), M(listing111)].join(',')}`,
    '--json',
  ];
}

async function expectHostCards(page: Page, cli: HostsJson): Promise<void> {
  for (const want of cli.hosts) {
    const card = page.getByTestId('host-card').and(page.locator(`[data-host="${want.host}"]`));
    await expect(card, want.host).toHaveAttribute('data-decision', want.decision);
    await expect(card.getByTestId('host-reasons').locator('li')).toHaveCount(want.reasons.length);
    for (const r of want.reasons) await expect(card.locator(`li[data-kind="${r.kind}"][data-verdict="${r.verdict}"]`).first()).toContainText(r.message.slice(0, 60));
  }
}

function listingSelect(page: Page, name: string) {
  return page.getByTestId('mdev-listing-file').and(page.locator(`[data-name="${name}"]`)).getByTestId('host-select');
}

test('assigned devices: a host without a free instance of the mdev type rejects, one matching by traits warns, as `migscope hosts --assigned` says', async ({ page }) => {
  const cli = await cliJson<HostsJson>(hostsArgs('host-same-type.mdevctl-types.json', 'host-full.sysfs.txt'));
  expect(cli.hosts.map((h) => [h.host, h.decision])).toEqual([['QEMU 7.2', 'accept'], ['QEMU 11.1', 'reject']]);

  const app = new Dashboard(page);
  await app.goto();
  await app.dropFiles(STREAM, ...HOST('7.2', 'pc-q35-7.2'), ...HOST('11.1', 'pc-q35-11.1'), M('vm-domain.xml'), M(`mdevctl.d/0000:00:02.0/${UUID}`), M('source-host.mdevctl-types.json'), M('host-same-type.mdevctl-types.json'), M('host-full.sysfs.txt'), M('host-traits.mdevctl-types.json'));
  await app.openTab('Hosts');
  await expect(page.getByTestId('hosts-vm-machine')).toHaveText('pc-q35-7.2');

  // The domain XML is the VM's (the first file that assigns a device); the mdev's type comes
  // from the config named by its uuid.
  await expect(page.getByTestId('assigned-vm-file')).toHaveValue(/.+/);
  const devices = page.getByTestId('assigned-devices').locator('li');
  await expect(devices).toHaveCount(2);
  await expect(devices.and(page.locator(`[data-id="${UUID}"]`))).toHaveAttribute('data-type', 'i915-GVTg_V5_4');
  await expect(devices.and(page.locator('[data-kind="pci"]'))).toHaveAttribute('data-id', '0000:65:00.1');

  // Listings name no release: until put in a host, no host has mdev types, so none can create the mdev.
  await app.waitForIdle();
  for (const card of await page.getByTestId('host-card').all()) {
    await expect(card.locator('li[data-kind="mdev-types-unchecked"][data-verdict="breaks"]')).toHaveCount(1);
  }

  await listingSelect(page, 'source-host.mdevctl-types.json').selectOption({ label: "the VM's source host" });
  await listingSelect(page, 'host-same-type.mdevctl-types.json').selectOption({ label: 'QEMU 7.2' });
  await listingSelect(page, 'host-full.sysfs.txt').selectOption({ label: 'QEMU 11.1' });
  await app.waitForIdle();
  await expect(devices.and(page.locator(`[data-id="${UUID}"]`))).toContainText('source traits');
  await expectHostCards(page, cli);
  await expect(page.getByTestId('host-card').and(page.locator('[data-host="QEMU 11.1"]')).locator('li[data-kind="mdev-no-instance"]')).toContainText('no free instance');
  await app.screenshot('views-hosts-assigned');

  // The 11.1 host with a type of the same vendor driver whose compatible_type traits cover the
  // source's: accepted with a warning (only the 2020 proposal's rule), as the CLI says.
  const traits = await cliJson<HostsJson>(hostsArgs('host-same-type.mdevctl-types.json', 'host-traits.mdevctl-types.json'));
  expect(traits.hosts.find((h) => h.host === 'QEMU 11.1')?.reasons.map((r) => r.kind)).toContain('mdev-compatible-by-traits');
  await listingSelect(page, 'host-full.sysfs.txt').selectOption({ label: 'not a candidate' });
  await listingSelect(page, 'host-traits.mdevctl-types.json').selectOption({ label: 'QEMU 11.1' });
  await app.waitForIdle();
  await expectHostCards(page, traits);

  // No assigned devices given: the cards lose every assigned-device reason.
  await page.getByTestId('assigned-vm-file').selectOption({ label: 'none given' });
  await app.waitForIdle();
  await expect(page.getByTestId('host-cards').locator('li[data-kind^="mdev-"], li[data-kind="pci-assigned-unchecked"]')).toHaveCount(0);
  await expect(page.getByTestId('host-card').first().getByTestId('host-reasons').locator('li')).not.toHaveCount(0);
});

test('the GVT-g sample: listings named by release sit in their hosts, the VM file and the mdev type are found by themselves, and the cards say what the CLI says', async ({ page }) => {
  const vfio = F('synthetic/vfio/pc-q35-7.2-vfio-v2.mig');
  const cli = await cliJson<HostsJson>([
    'hosts', '--stream', vfio,
    '--assigned', M('vm-domain.xml'), '--vm-mdev', M(`mdevctl.d/0000:00:02.0/${UUID}`),
    '--host', `QEMU 7.2:${[...HOST('7.2', 'pc-q35-7.2'), M('host-same-type.mdevctl-types.json')].join(',')}`,
    '--host', `QEMU 11.1:${[...HOST('11.1', 'pc-q35-11.1'), M('host-full.sysfs.txt')].join(',')}`,
    '--json',
  ]);
  expect(cli.hosts.map((h) => [h.host, h.decision])).toEqual([['QEMU 7.2', 'accept'], ['QEMU 11.1', 'reject']]);

  const app = new Dashboard(page);
  await app.goto('#samples=gvt-g');
  await expect(app.tab('Hosts')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('hosts-vm-machine')).toHaveText('pc-q35-7.2');
  await expect(listingSelect(page, 'qemu-7.2.mdevctl-types.json')).toHaveValue('QEMU 7.2');
  await expect(listingSelect(page, 'qemu-11.1.mdev-types.sysfs.txt')).toHaveValue('QEMU 11.1');
  await expect(page.getByTestId('assigned-devices').locator(`li[data-id="${UUID}"]`)).toHaveAttribute('data-type', 'i915-GVTg_V5_4');
  await expectHostCards(page, cli);
  await app.screenshot('views-hosts-gvt-g');
});
