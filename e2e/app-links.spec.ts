/**
 * Sharing what you found: the hash names the sample set, the file, the view, the selection,
 * the matrix cell and the tour step; opening the link reproduces them, and Copy link copies it.
 */
import { expect, test } from '@playwright/test';
import { cliDecode, repoPath } from './helpers/cli.ts';
import { Dashboard } from './helpers/dashboard.ts';

const STREAM_72 = repoPath('fixtures/streams/7.2/pc-i440fx-7.2-minimal.mig.gz');
const STREAM_111 = repoPath('fixtures/streams/11.1/pc-q35-11.1-minimal.mig.gz');

test('a selected field is in the link, and the link selects it again', async ({ page, context }) => {
  const cli = await cliDecode(STREAM_111);
  const ticks = cli.devices?.find((d) => d.idstr === 'timer')?.fields.find((f) => f.name === 'cpu_ticks_offset');
  if (ticks === undefined) throw new Error('the CLI shows no timer fields');

  const app = new Dashboard(page);
  await app.goto();
  // The app's own first selection is not news: a fresh sample is just its name.
  expect(new URL(page.url()).hash).toBe('#sample=pc-q35-11.1-minimal.mig.gz');
  await app.sectionRow('timer').click();
  await app.field('cpu_ticks_offset').click();
  await app.waitForIdle();
  const params = app.hashParams();
  expect(params.get('sample')).toBe('pc-q35-11.1-minimal.mig.gz');
  expect(params.get('sec')).toBe('timer#0');
  expect(params.get('field')).toBe('cpu_ticks_offset');
  expect(params.get('at')).toBe(`0x${ticks.start.toString(16)}`);

  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByRole('button', { name: 'Copy link' }).click();
  await expect(page.getByText('Link copied')).toBeVisible();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(link).toBe(page.url());

  const other = await context.newPage();
  const app2 = new Dashboard(other);
  await other.goto(link);
  await app2.waitForIdle();
  await expect(app2.sectionRow('timer')).toHaveAttribute('aria-selected', 'true');
  await expect(app2.field('cpu_ticks_offset')).toHaveAttribute('aria-selected', 'true');
  await expect(app2.hexByte(ticks.start)).toHaveClass(/\bsel-first\b/);
  await expect(app2.hexSelection()).toContainText(`0x${ticks.start.toString(16)}–0x${ticks.end.toString(16)}`);
  expect(new URL(other.url()).hash).toBe(new URL(link).hash);
});

test('a byte picked in the hex view is the link’s offset', async ({ page }) => {
  const cli = await cliDecode(STREAM_111);
  const clock = cli.devices?.find((d) => d.idstr === 'timer')?.fields.find((f) => f.name === 'cpu_clock_offset');
  if (clock === undefined) throw new Error('the CLI shows no timer fields');
  const app = new Dashboard(page);
  await app.goto();
  await app.sectionRow('timer').click();
  await app.waitForIdle();
  await app.clickHexByte(clock.start + 3);
  await app.waitForIdle();
  expect(app.hashParams().get('field')).toBe('cpu_clock_offset');
  expect(app.hashParams().get('at')).toBe(`0x${(clock.start + 3).toString(16)}`);

  await page.reload();
  await app.waitForIdle();
  await expect(app.field('cpu_clock_offset')).toHaveAttribute('aria-selected', 'true');
  await expect(app.hexByte(clock.start + 3)).toHaveClass(/\bcursor\b/);
});

test('a sample-set link loads the set and opens the view it names', async ({ page }) => {
  const app = new Dashboard(page);
  await app.goto('#samples=failing-load&view=explain');
  await expect(app.tab('Explain')).toHaveAttribute('aria-selected', 'true');
  await expect(app.filesPanel().getByTestId('file-item')).toHaveCount(6);
  await expect(app.fileKind('e-7.2-footer__7.2__7.2__pc-i440fx-7.2-default.log.gz')).toHaveText('load log');
  // The link is rewritten in its canonical form, and keeps the view.
  expect(app.hashParams().get('sample')).toBe('e-7.2-footer');
  expect(app.hashParams().get('view')).toBe('explain');

  // A section picked in the failing stream, shared while another tab is open.
  await app.openTab('Stream');
  await app.sectionRow('fw_cfg').click();
  await app.openTab('Timeline');
  await app.waitForIdle();
  const hash = new URL(page.url()).hash;
  expect(app.hashParams().get('sec')).toBe('fw_cfg#0');
  // Timeline is this set's own view: the link does not need to say it.
  expect(app.hashParams().get('view')).toBeNull();

  await page.goto('about:blank');
  await page.goto(`/${hash}`);
  await app.waitForIdle();
  await expect(app.tab('Timeline')).toHaveAttribute('aria-selected', 'true');
  await app.openTab('Stream');
  await expect(app.sectionRow('fw_cfg')).toHaveAttribute('aria-selected', 'true');
});

test('a link to a file of one’s own waits for that file, then selects', async ({ page }) => {
  const cli = await cliDecode(STREAM_72);
  const ticks = cli.devices?.find((d) => d.idstr === 'timer')?.fields.find((f) => f.name === 'cpu_ticks_offset');
  if (ticks === undefined) throw new Error('the CLI shows no timer fields');
  const app = new Dashboard(page);
  await app.goto(`#file=pc-i440fx-7.2-minimal.mig.gz&sec=timer%230&field=cpu_ticks_offset&at=0x${ticks.start.toString(16)}`);
  // The default sample opened meanwhile; nothing of the link applied to it.
  await expect(app.machineType()).toHaveText('pc-q35-11.1');
  await expect(app.sectionRow('apic')).toHaveAttribute('aria-selected', 'true');

  await app.dropFiles(STREAM_72);
  await expect(app.machineType()).toHaveText('pc-i440fx-7.2');
  await expect(app.field('cpu_ticks_offset')).toHaveAttribute('aria-selected', 'true');
  await expect(app.hexByte(ticks.start)).toHaveClass(/\bsel-first\b/);
  expect(app.hashParams().get('file')).toBe('pc-i440fx-7.2-minimal.mig.gz');
});

test('the matrix cell and the tour step are in the link; malformed links are ignored', async ({ page }) => {
  const app = new Dashboard(page);
  await app.goto('#sample=e-7.2-footer&view=matrix&mrow=fw_cfg&mcol=7.2%E2%86%9211.1');
  await expect(app.tab('Matrix')).toHaveAttribute('aria-selected', 'true');
  expect(app.hashParams().get('mrow')).toBe('fw_cfg');
  expect(app.hashParams().get('mcol')).toBe('7.2→11.1');
  expect(await page.evaluate(() => window.location.hash)).toContain('mrow=fw_cfg');

  await page.evaluate(() => {
    window.location.hash = '#sample=pc-i440fx-5.2-minimal.mig.gz&tour=3';
  });
  await app.waitForIdle();
  await expect(app.machineType()).toHaveText('pc-i440fx-5.2');
  await expect(app.tour().getByTestId('tour-count')).toHaveText('Step 3 of 12');

  await page.goto('about:blank');
  await app.goto('#view=nope&tour=zz&at=-1&sec=%00&sample=none');
  await expect(app.machineType()).toHaveText('pc-q35-11.1');
  await expect(app.tab('Stream')).toHaveAttribute('aria-selected', 'true');
  await expect(app.tour()).toHaveCount(0);
  expect(new URL(page.url()).hash).toBe('#sample=pc-q35-11.1-minimal.mig.gz');
});
