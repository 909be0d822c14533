/**
 * The release manager's board on the files of Debian's four QEMU builds (5.2, 7.2, 10.0, 11.1),
 * dropped build by build with the names they have on disk (every build has a
 * `qmp-query-machines.json`, most a `vmstate-pc-q35-5.2.json.gz`): labels from content, every
 * machine type at once, the tiers that hold, compat properties, device manifests through the
 * host chooser, and the real loads laid over the predictions. Each answer is checked against
 * what `migscope` prints for the same files.
 */
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { repoPath } from './helpers/cli.ts';
import { Dashboard } from './helpers/dashboard.ts';
import { cliJson } from './helpers/views-cli.ts';

const BUILDS = ['5.2', '7.2', '10.0', '11.1'] as const;
type Build = (typeof BUILDS)[number];

/** One build's folder as a release manager has it, in a file manager's order. */
function buildDrop(v: Build): string[] {
  switch (v) {
    case '5.2':
      return ['devices.txt', 'qmp-query-machines.json', 'vmstate-pc-i440fx-5.2.json.gz', 'vmstate-pc-q35-5.2.json.gz'].map((f) => repoPath(`fixtures/versions/5.2/${f}`));
    case '7.2':
      return ['devices.txt', 'qmp-query-machines.json', 'vmstate-pc-q35-5.2.json.gz', 'vmstate-pc-q35-7.2.json.gz'].map((f) => repoPath(`fixtures/versions/7.2/${f}`));
    case '10.0':
      return ['devices.txt.gz', 'qmp-query-machines-compat-props.json.gz', 'qmp-query-machines.json', 'vmstate-pc-q35-10.0.json.gz', 'vmstate-pc-q35-5.2.json.gz'].map((f) => repoPath(`fixtures/real-runs/versions/10.0/${f}`));
    case '11.1':
      return [repoPath('fixtures/versions/11.1/devices.txt'), repoPath('fixtures/versions-extra/11.1/qmp-query-machines-compat-props.json.gz'), repoPath('fixtures/versions/11.1/qmp-query-machines.json'), repoPath('fixtures/versions/11.1/vmstate-pc-q35-11.1.json.gz'), repoPath('fixtures/versions/11.1/vmstate-pc-q35-5.2.json.gz')];
  }
}

/** What the CLI is given for the same builds: a manifest and the richest reply of each. */
const CLI_FILES = BUILDS.flatMap((v) => {
  const files = buildDrop(v);
  return [files.find((f) => f.includes('vmstate-')) ?? '', files.find((f) => f.includes('compat-props')) ?? files.find((f) => f.includes('qmp-query-machines')) ?? ''];
});

const RESULTS = repoPath('fixtures/real-runs/results.csv');

async function dropAllBuilds(app: Dashboard): Promise<void> {
  // Newest first: the order a guess from the drop would get wrong.
  for (const v of [...BUILDS].reverse()) await app.dropFiles(...buildDrop(v));
}

const baseName = (p: string): string => p.split('/').pop() ?? p;

/** The release chip of every file of one build's drop says that build. */
async function expectChips(page: Page, v: string, names: readonly string[]): Promise<void> {
  for (const name of names) {
    const chips = page.getByTestId('files-panel').locator(`[data-testid="file-item"][data-name="${name}"] [data-testid="release-chip"]`);
    await expect(chips.and(page.locator(`[data-version="${v}"]`)), `${name} of ${v}`).toHaveCount(1);
  }
}

interface BoardJson {
  readonly builds: readonly string[];
  readonly machineTypes: readonly { readonly name: string; readonly pairs: readonly string[] }[];
  readonly cells: readonly { readonly qomType: string; readonly source: string; readonly dest: string; readonly verdict: string; readonly comparable: boolean }[];
  readonly observed?: { readonly counts: Readonly<Record<string, number>>; readonly loads: readonly { readonly machine: string; readonly source: string; readonly dest: string; readonly config: string; readonly agreement: string; readonly runtimeCheck?: { readonly family: string } }[] };
}

test('four builds dropped with their own names: every file labelled, every machine type on one board, as `migscope matrix --all-machines`', async ({ page }) => {
  const cli = await cliJson<BoardJson>(['matrix', ...CLI_FILES, '--all-machines', '--json']);
  const cliCell = (q: string, s: string, d: string) => cli.cells.find((c) => c.qomType === q && c.source === s && c.dest === d);
  const app = new Dashboard(page);
  await app.goto();
  await dropAllBuilds(app);
  for (const v of BUILDS) await expectChips(page, v, buildDrop(v).map(baseName));
  // Same-named files of different builds are listed apart; none claims another's build.
  await expect(page.getByTestId('file-item').and(page.locator('[data-name="qmp-query-machines.json"]'))).toHaveCount(4);
  await expect(page.locator('[data-testid="release-chip"][data-flags*="clash"]')).toHaveCount(0);
  await expect(page.locator('[data-testid="file-item"][data-name="vmstate-pc-q35-5.2.json.gz"] [data-testid="release-chip"][data-source="manifest content"]')).toHaveCount(4);

  await app.openTab('Matrix');
  await expect(page.getByTestId('matrix-view')).toHaveAttribute('data-layout', 'board');
  const grid = page.getByTestId('board-grid');
  await expect(grid).toBeVisible();
  const caption = page.getByTestId('board-caption');
  await expect(caption).toContainText(`Builds ${cli.builds.join(', ')}`);
  await expect(caption).toContainText(`${cli.machineTypes.filter((m) => m.pairs.length > 0).length} machine types`);

  // Cells as the CLI judged them, for machine types of every kind of group.
  const cell = (q: string, group: string, pair: string) => grid.locator(`td[data-row="${q}"][data-col="${group}@${pair}"]`);
  const picks = [
    ['isa-vga', 'pc-q35-10.0', '10.0', '11.1'],
    ['isa-vga', 'pc-q35-7.2', '11.1', '7.2'],
    ['am53c974', 'pc-q35-7.2', '7.2', '10.0'],
    ['nvme', 'pc-q35-10.0', '10.0', '11.1'],
    ['virtio-net-device', 'pc-i440fx-5.2', '10.0', '11.1'],
  ] as const;
  for (const [q, group, s, d] of picks) {
    const want = cliCell(q, s, d);
    await expect(cell(q, group, `${s}->${d}`), `${q} ${group} ${s}->${d}`).toHaveAttribute('data-verdict', want?.verdict ?? '?');
    await expect(cell(q, group, `${s}->${d}`)).toHaveAttribute('data-comparable', want?.comparable === true ? 'yes' : 'no');
  }
  // Only isa-vga was renamed into 11.1; PCI VGA loads (and is fine, so hidden by default).
  await expect(cell('isa-vga', 'pc-q35-10.0', '10.0->11.1')).toHaveAttribute('data-verdict', 'breaks');
  await expect(cell('nvme', 'pc-q35-10.0', '10.0->11.1')).toHaveAttribute('data-verdict', 'at-risk');
  await expect(grid.locator('tr[data-row="VGA"]')).toHaveCount(0);
  await app.screenshot('views-board');

  // A cell opens its findings; a device without fields says why it is only at risk.
  await cell('nvme', 'pc-q35-10.0', '10.0->11.1').click();
  await expect(page.getByTestId('board-panel')).toHaveAttribute('data-row', 'nvme');
  await expect(page.getByTestId('matrix-not-comparable')).toContainText('has no fields');
  await page.getByRole('button', { name: 'Close the findings' }).click();

  // The board scrolls sideways: the last column is reachable and its header stays on top.
  const scroller = page.getByTestId('board-scroll');
  await scroller.evaluate((el) => el.scrollTo(el.scrollWidth, 0));
  const lastHeader = grid.locator('.board-pairs th').last();
  await expect(lastHeader).toBeInViewport();

  // Exports: the whole board as the CLI prints it (JSON and CSV), the board on show as SVG and PNG.
  const json = JSON.parse((await app.exportFile('Export the board', 'Whole board (JSON)')).bytes.toString('utf8')) as BoardJson;
  expect(json.builds).toEqual(cli.builds);
  expect(json.machineTypes.map((m) => `${m.name} ${m.pairs.join(' ')}`)).toEqual(cli.machineTypes.map((m) => `${m.name} ${m.pairs.join(' ')}`));
  expect(json.cells.map((c) => `${c.qomType} ${c.source}->${c.dest} ${c.verdict}`)).toEqual(cli.cells.map((c) => `${c.qomType} ${c.source}->${c.dest} ${c.verdict}`));
  const csvCli = await cliText(['matrix', ...CLI_FILES, '--all-machines', '--csv']);
  const csv = (await app.exportFile('Export the board', 'Whole board (CSV)')).bytes.toString('utf8').replace(/^\uFEFF/, '');
  expect(csv).toBe(csvCli);
  const svg = (await app.exportFile('Export the board', 'Board on show (SVG)')).bytes.toString('utf8');
  expect(svg).toMatch(/^<\?xml/);
  expect(svg).toContain('>isa-vga<');
  const png = (await app.exportFile('Export the board', 'Board on show (PNG)')).bytes;
  expect([...png.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);

  // The pivot: machine types down, pairs across, breaking devices counted.
  await page.getByRole('radio', { name: 'Pivot' }).check();
  await app.waitForIdle();
  const pivot = page.getByTestId('board-pivot');
  await expect(pivot.locator('td[data-machine="pc-q35-10.0"][data-col="10.0->11.1"]')).toHaveAttribute('data-breaks', '1');
  await expect(pivot.locator('td[data-machine="pc-q35-7.2"][data-col="7.2->10.0"]')).toHaveAttribute('data-breaks', '3');
  await app.screenshot('views-board-pivot');
});

test('predicted against observed: the real loads on the board, the 10.0 → 11.1 ring failures marked and explained', async ({ page }) => {
  const cli = await cliJson<BoardJson>(['matrix', ...CLI_FILES, '--all-machines', '--observed', RESULTS, '--json']);
  const app = new Dashboard(page);
  await app.goto();
  await dropAllBuilds(app);
  await app.dropFiles(RESULTS);
  await expect(app.fileKind('results.csv')).toHaveText('load outcomes');
  await app.openTab('Matrix');
  const summary = page.getByTestId('board-observed-summary');
  const counts = cli.observed?.counts ?? {};
  await expect(summary).toContainText(`${counts.agree ?? 0} as predicted`);
  await expect(summary).toContainText(`${counts['observed fail, manifests said fine'] ?? 0} observed fail, manifests said fine`);

  // Every column with a load the CLI says disagreed shows it; every other observed column agrees.
  const disagreeing = new Map<string, number>();
  for (const l of cli.observed?.loads ?? []) {
    if (l.agreement !== 'observed fail, manifests said fine') continue;
    disagreeing.set(`${l.machine} ${l.source}->${l.dest}`, (disagreeing.get(`${l.machine} ${l.source}->${l.dest}`) ?? 0) + 1);
  }
  expect([...disagreeing.keys()].every((k) => k.endsWith('10.0->11.1'))).toBe(true);
  const heads = page.getByTestId('board-observed');
  const bad = heads.and(page.locator('.disagree'));
  await expect(bad.first()).toBeVisible();
  const badTotal = await bad.evaluateAll((els) => els.reduce((n, e) => n + Number(e.getAttribute('data-disagree')), 0));
  expect(badTotal).toBe(counts['observed fail, manifests said fine']);
  await expect(heads.and(page.locator('[data-col$="@10.0->11.1"].agree'))).toHaveCount(0);

  // The pc-q35-7.2 column of 10.0 → 11.1: its two failures, and the runtime check that explains them.
  const col = page.locator('[data-testid="board-observed"][data-col="pc-q35-7.2@10.0->11.1"]');
  await col.getByRole('button').click();
  const marks = page.getByTestId('board-marks');
  await expect(marks.locator('li[data-agreement="observed fail, manifests said fine"]')).toHaveCount(disagreeing.get('pc-q35-7.2 10.0->11.1') ?? -1);
  await expect(marks.getByTestId('board-runtime-check').first()).toContainText('virtio-rings runtime check');
  await expect(marks).toContainText('VQ 0 vring.num 1024 exceeds allocated max 256');

  // None of these loads' streams is loaded: the list under the board starts folded, and the
  // board keeps most of the view.
  const list = page.getByTestId('observed-loads');
  await expect(list.getByText('Show the 250 loads one by one')).toBeVisible();
  await expect(list.getByTestId('observed-row').first()).toBeHidden();
  const boardBox = await page.locator('.board-grid').boundingBox();
  const listBox = await list.boundingBox();
  expect(boardBox !== null && listBox !== null && listBox.height < boardBox.height).toBe(true);
  await app.screenshot('views-board-observed');
});

interface TiersJson {
  readonly machines: readonly { readonly name: string; readonly label: string; readonly standing: string; readonly breaks: readonly { readonly qomType: string; readonly source: string; readonly dest: string }[] }[];
  readonly devices: readonly { readonly qomType: string; readonly standing: string }[];
}

test('tiers that hold: ended, broken (device and pair) and kept, as `migscope tiers` says for the same files', async ({ page }) => {
  const files = BUILDS.flatMap((v) => {
    const d = buildDrop(v);
    return [d.find((f) => f.includes('vmstate-')) ?? '', d.find((f) => f.includes('compat-props')) ?? d.find((f) => f.includes('qmp-query-machines')) ?? '', d.find((f) => f.includes('devices.txt')) ?? ''];
  });
  const cli = await cliJson<TiersJson>(['tiers', ...files, '--json']);
  const app = new Dashboard(page);
  await app.goto();
  await dropAllBuilds(app);
  await app.openTab('Tiers');
  const label = (m: string) => page.locator(`tr[data-machine="${m}"] [data-testid="tier-label"]`);
  for (const m of ['pc-q35-5.1', 'pc-q35-9.0', 'pc-q35-7.2', 'pc-q35-11.1', 'pc-1.0', 'microvm']) {
    const want = cli.machines.find((x) => x.name === m);
    await expect(label(m), m).toHaveText(want?.label ?? '?');
  }
  await expect(label('pc-q35-5.1')).toHaveText('promise ended: removed in 11.1, deprecated since 10.0');
  await page.locator('tr[data-machine="pc-q35-9.0"]').click();
  const breaks = page.getByTestId('tier-breaks');
  const want = cli.machines.find((x) => x.name === 'pc-q35-9.0')?.breaks ?? [];
  await expect(breaks.locator('li')).toHaveCount(want.length);
  await expect(breaks.locator('li[data-device="isa-vga"][data-pair="10.0->11.1"]')).toBeVisible();
  const deviceTiers = page.getByTestId('device-tiers');
  for (const d of cli.devices.filter((x) => x.standing === 'broken')) await expect(deviceTiers.locator(`tr[data-device="${d.qomType}"]`)).toHaveAttribute('data-standing', 'broken');
  await app.screenshot('views-tiers-hold');
});

interface CompatJson {
  readonly columns: readonly { readonly key: string }[];
  readonly rows: readonly { readonly driver: string; readonly property: string; readonly values: readonly (string | null)[] }[];
}

test('compat properties of 10.0 and 11.1 side by side, row for row with `migscope compat-props`, linked to the board', async ({ page }) => {
  const replies = [repoPath('fixtures/real-runs/versions/10.0/qmp-query-machines-compat-props.json.gz'), repoPath('fixtures/versions-extra/11.1/qmp-query-machines-compat-props.json.gz')];
  const machines = ['pc-q35-7.2', 'pc-q35-10.0', 'pc-q35-11.1'];
  const cli = await cliJson<CompatJson>(['compat-props', ...replies, ...machines.flatMap((m) => ['--machine', m]), '--json']);
  const app = new Dashboard(page);
  await app.goto();
  await dropAllBuilds(app);
  await app.openTab('Compat props');
  const table = page.getByTestId('compat-table');
  await expect(table.locator('.compat-col')).toHaveText(cli.columns.map((c) => c.key.split(' ')[1] ?? ''));
  await expect(table.locator('tbody tr')).toHaveCount(cli.rows.length);
  const shown = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-driver'), tr.getAttribute('data-property'), ...[...tr.querySelectorAll('td')].map((td) => (td.classList.contains('unset') ? null : td.textContent))]));
  expect(shown).toEqual(cli.rows.map((r) => [r.driver, r.property, ...r.values]));
  await app.screenshot('views-compat');

  // x-scanout-vmstate-version changes virtio-gpu's state: it leads to the board's row, its cells marked.
  const gpu = table.locator('tr[data-driver="virtio-gpu-device"][data-property="x-scanout-vmstate-version"]');
  await expect(gpu).toHaveAttribute('data-relevance', 'device state');
  await gpu.getByTestId('compat-to-board').click();
  await expect(app.tab('Matrix')).toHaveAttribute('aria-selected', 'true');
  await app.waitForIdle();
  const marked = page.locator('td[data-row="virtio-gpu-device"][data-col="pc-q35-7.2@11.1->10.0"]');
  await expect(marked).toHaveClass(/\bcompat\b/);
  await marked.click();
  await expect(page.getByTestId('board-compat')).toContainText('x-scanout-vmstate-version=1');
});

interface HostsJson {
  readonly hosts: readonly { readonly host: string; readonly decision: string; readonly reasons: readonly { readonly kind: string; readonly message: string }[] }[];
}

test('device manifests: exported per build as `migscope device-manifest` writes them, and read back by the host chooser', async ({ page }) => {
  const m10 = repoPath('fixtures/real-runs/versions/10.0/vmstate-pc-q35-10.0.json.gz');
  const q10 = repoPath('fixtures/real-runs/versions/10.0/qmp-query-machines-compat-props.json.gz');
  const m11 = repoPath('fixtures/versions/11.1/vmstate-pc-q35-11.1.json.gz');
  const q11 = repoPath('fixtures/versions-extra/11.1/qmp-query-machines-compat-props.json.gz');
  const app = new Dashboard(page);
  await app.goto();
  await app.dropFiles(q10, m10);
  await app.dropFiles(q11, m11);
  await app.openTab('Tiers');
  const host10 = await app.exportFile('Export the tiers', 'Device manifest of 10.0 (JSON)');
  const vm11 = await app.exportFile('Export the tiers', 'What a VM of 11.1 sends (JSON)');
  expect(JSON.parse(host10.bytes.toString('utf8'))).toEqual(await cliJson(['device-manifest', m10, '--compat-props', q10, '--json']));
  expect(JSON.parse(vm11.bytes.toString('utf8'))).toEqual(await cliJson(['device-manifest', m11, '--vm', '--json']));

  // Back in: the host's manifest joins QEMU 10.0 by its name; the VM's needs are what the VM needs.
  const dir = tmpdir();
  const hostPath = join(dir, host10.name);
  const vmPath = join(dir, vm11.name);
  await writeFile(hostPath, host10.bytes);
  await writeFile(vmPath, vm11.bytes);
  await app.dropFiles(hostPath, vmPath);
  await expect(app.fileKind(host10.name)).toHaveText('device models');
  await app.openTab('Hosts');
  await page.getByRole('radio', { name: 'VM from a manifest' }).check();
  const select = (name: string) => page.getByTestId('versioned-file').and(page.locator(`[data-name="${name}"]`)).getByTestId('host-select');
  await select('vmstate-pc-q35-11.1.json.gz').selectOption({ label: "the VM's source" });
  await select(vm11.name).selectOption({ label: 'what the VM needs' });
  await page.getByLabel("The VM's machine type").fill('pc-q35-10.0');
  await page.getByLabel("The VM's machine type").press('Enter');
  await app.waitForIdle();

  const cli = await cliJson<HostsJson>(['hosts', '--src-manifest', m11, '--machine', 'pc-q35-10.0', '--models', vmPath, '--host', `QEMU 10.0:${m10},${q10},${hostPath}`, '--json']);
  const want = cli.hosts[0];
  const card = page.getByTestId('host-card').and(page.locator('[data-host="QEMU 10.0"]'));
  await expect(card).toHaveAttribute('data-decision', want?.decision ?? '?');
  const modelReasons = want?.reasons.filter((r) => r.kind === 'model-params-missing') ?? [];
  expect(modelReasons.map((r) => r.message)).toContain('Device model qemu:device/nvme on QEMU 10.0: version nvme:1 unknown on the host.');
  await expect(card.locator('li[data-kind="model-params-missing"]')).toHaveCount(modelReasons.length);
  await app.screenshot('views-hosts-device-manifest');
});

/** `migscope ARGS` as text (CSV output). */
async function cliText(args: readonly string[]): Promise<string> {
  const { execFile } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['bin/migscope.mjs', ...args], { cwd: repoPath(''), maxBuffer: 256 << 20 }, (err, stdout, stderr) => (err !== null ? reject(new Error(stderr)) : resolve(stdout)));
  });
}

