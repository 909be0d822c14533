import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { repoPath } from './helpers/cli.ts';
import { Dashboard } from './helpers/dashboard.ts';
import { cliJson } from './helpers/views-cli.ts';

const VERSIONS = ['5.2', '7.2', '11.1'] as const;
const MANIFEST = (v: string): string => repoPath(`fixtures/versions/${v}/vmstate-pc-q35-5.2.json.gz`);
const MACHINES = (v: string): string => repoPath(`fixtures/versions/${v}/qmp-query-machines.json`);

interface MatrixJson {
  readonly machine: string;
  readonly versions: readonly string[];
  readonly cells: readonly { readonly device: string; readonly source: string; readonly dest: string; readonly verdict: string; readonly findings: readonly { readonly path: string; readonly verdict: string }[] }[];
}

/**
 * Cells worth checking (rows are QOM types): a break (isa-vga's section was renamed in 11.1), a
 * break the other way, a device the manifests cannot show (nvme has no fields before 11.1: at
 * risk), an at-risk subsection.
 */
const PICKS = [
  { device: 'isa-vga', source: '5.2', dest: '11.1' },
  { device: 'isa-vga', source: '11.1', dest: '7.2' },
  { device: 'nvme', source: '5.2', dest: '11.1' },
  { device: 'PIIX4_PM', source: '5.2', dest: '7.2' },
] as const;

test('the matrix of three releases says what `migscope matrix` says, cell by cell', async ({ page }) => {
  const cli = await cliJson<MatrixJson>(['matrix', ...VERSIONS.map(MANIFEST), ...VERSIONS.map(MACHINES), '--json']);
  const cliCell = (device: string, source: string, dest: string) => {
    const c = cli.cells.find((x) => x.device === device && x.source === source && x.dest === dest);
    if (c === undefined) throw new Error(`the CLI has no cell ${device} ${source}->${dest}`);
    return c;
  };

  const app = new Dashboard(page);
  await app.goto();
  // Each manifest next to the query-machines reply that names its release (the file names are all alike).
  await app.dropFiles(...VERSIONS.flatMap((v) => [MANIFEST(v), MACHINES(v)]));
  await app.openTab('Matrix');
  await page.getByRole('radio', { name: 'One machine type' }).check();
  for (const v of VERSIONS) await expect(page.getByTestId('versioned-file').filter({ hasText: 'vmstate' }).and(page.locator(`[data-version="${v}"]`))).toHaveCount(1);

  const grid = page.getByTestId('matrix-grid');
  await expect(grid).toBeVisible();
  await expect(page.getByTestId('matrix-machine')).toContainText(`auto: ${cli.machine}`);
  for (const p of PICKS) {
    const want = cliCell(p.device, p.source, p.dest);
    await expect(grid.locator(`[role=gridcell][data-row="${p.device}"][data-col="${p.source}->${p.dest}"]`), `${p.device} ${p.source}->${p.dest}`).toHaveAttribute('data-verdict', want.verdict);
  }
  await app.screenshot('views-matrix');
  await page.emulateMedia({ colorScheme: 'dark' });
  await app.screenshot('views-matrix-dark');
  await page.emulateMedia({ colorScheme: 'light' });

  // A click opens the cell's findings, the CLI's findings.
  const pick = PICKS[0];
  const want = cliCell(pick.device, pick.source, pick.dest);
  await grid.locator(`[role=gridcell][data-row="${pick.device}"][data-col="${pick.source}->${pick.dest}"]`).click();
  const panel = page.getByTestId('matrix-cell-panel');
  await expect(panel).toHaveAttribute('data-row', pick.device);
  await expect(panel.getByTestId('matrix-cell-verdict')).toHaveText(want.verdict === 'at-risk' ? 'at risk' : want.verdict);
  await expect(panel.getByTestId('matrix-findings').locator('li')).toHaveCount(want.findings.length);
  const breaking = want.findings.find((f) => f.verdict === 'breaks');
  if (breaking !== undefined) await expect(panel.getByTestId('matrix-findings')).toContainText(breaking.path);
  await app.screenshot('views-matrix-cell');

  // The keyboard: the focus moves from the open cell (5.2 → 11.1) to 7.2 → 11.1, Enter opens it.
  await grid.focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Enter');
  await expect(panel).toHaveAttribute('data-row', pick.device);
  await expect(panel).toHaveAttribute('data-source', '7.2');
  await page.keyboard.press('Escape');
  await expect(panel).toHaveCount(0);

  // Backward only: no forward column is left.
  await page.getByRole('radio', { name: 'Backward' }).check();
  await app.waitForIdle();
  await expect(grid.locator('[role=columnheader][data-col="5.2->7.2"]')).toHaveCount(0);
  await expect(grid.locator('[role=columnheader][data-col="7.2->5.2"]')).toHaveCount(1);
  await page.getByRole('radio', { name: 'Both' }).check();

  // The JSON export is the CLI's JSON.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    (async () => {
      await page.getByRole('button', { name: 'Export the matrix' }).click();
      await page.getByRole('menuitem', { name: 'Whole matrix (JSON)' }).click();
    })(),
  ]);
  const path = await download.path();
  const exported = JSON.parse(await readFile(path, 'utf8')) as MatrixJson;
  expect(exported.machine).toBe(cli.machine);
  expect(exported.versions).toEqual(cli.versions);
  expect(exported.cells.map((c) => `${c.device} ${c.source}->${c.dest} ${c.verdict}`)).toEqual(cli.cells.map((c) => `${c.device} ${c.source}->${c.dest} ${c.verdict}`));

  // The heat map as SVG (names as text, fills inlined) and as PNG.
  const exportAs = async (label: string): Promise<Buffer> => {
    const [file] = await Promise.all([
      page.waitForEvent('download'),
      (async () => {
        await page.getByRole('button', { name: 'Export the matrix' }).click();
        await page.getByRole('menuitem', { name: label }).click();
      })(),
    ]);
    return readFile(await file.path());
  };
  const svg = (await exportAs('Heat map (SVG)')).toString('utf8');
  expect(svg).toMatch(/^<\?xml|^<svg/);
  expect(svg).toContain('>isa-vga<');
  expect(svg).toMatch(/fill:\s*rgb/);
  const png = await exportAs('Heat map (PNG)');
  expect([...png.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
});

test('a release typed by hand puts an unnamed manifest in the matrix', async ({ page }) => {
  const app = new Dashboard(page);
  await app.goto();
  await app.dropFiles(MANIFEST('5.2'));
  await app.dropFiles(MANIFEST('11.1'));
  await app.openTab('Matrix');
  await page.getByRole('radio', { name: 'One machine type' }).check();
  await expect(page.getByTestId('matrix-grid')).toHaveCount(0);
  const inputs = page.getByTestId('versioned-file').getByTestId('version-input');
  await inputs.nth(0).fill('5.2');
  await inputs.nth(0).press('Enter');
  await inputs.nth(1).fill('11.1');
  await inputs.nth(1).press('Enter');
  await app.waitForIdle();
  await expect(page.getByTestId('matrix-grid').locator('[role=gridcell][data-row="isa-vga"][data-col="5.2->11.1"]')).toHaveAttribute('data-verdict', 'breaks');
});

test('the open cell is in the link: a shared link opens the same findings', async ({ page }) => {
  const app = new Dashboard(page);
  // The failing-load sample carries the pc-i440fx-7.2 manifests of 7.2 and 11.1.
  await app.goto(`#sample=e-7.2-footer&view=matrix&mrow=nvme&mcol=${encodeURIComponent('7.2->11.1')}`);
  await expect(app.tab('Matrix')).toHaveAttribute('aria-selected', 'true');
  const panel = page.getByTestId('matrix-cell-panel');
  await expect(panel).toHaveAttribute('data-row', 'nvme');
  await expect(panel).toHaveAttribute('data-source', '7.2');
  await expect(page.getByTestId('matrix-grid').locator('[role=gridcell][data-row="nvme"][data-col="7.2->11.1"]')).toHaveAttribute('aria-selected', 'true');

  await page.getByTestId('matrix-grid').locator('[role=gridcell][data-row="isa-vga"][data-col="11.1->7.2"]').click();
  await app.waitForIdle();
  const params = new URLSearchParams(new URL(page.url()).hash.slice(1));
  expect([params.get('mlayout'), params.get('mrow'), params.get('mcol')]).toEqual(['machine', 'isa-vga', '11.1->7.2']);
});
