/**
 * The README's screenshots, one per view, taken from the real samples at 1280×800. They are
 * written to docs/screenshots/ only with UPDATE_SCREENSHOTS=1 (CI must not rewrite tracked
 * files); otherwise to test-results/, so that every run still drives each view to its picture.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { repoPath } from './helpers/cli.ts';
import { Dashboard } from './helpers/dashboard.ts';

const OUT = process.env['UPDATE_SCREENSHOTS'] === '1' ? repoPath('docs/screenshots') : repoPath('test-results/screenshots');

interface Shot {
  readonly file: string;
  readonly hash: string;
  readonly scheme?: 'light' | 'dark';
  /** Brings the view to what the picture should show. */
  readonly prepare?: (app: Dashboard, page: Page) => Promise<void>;
}

const SHOTS: readonly Shot[] = [
  {
    file: 'stream.png',
    hash: '#sample=pc-q35-11.1-minimal.mig.gz&sec=timer%230&field=cpu_ticks_offset&at=0x9b676',
    prepare: async (app) => {
      await expect(app.field('cpu_ticks_offset')).toHaveAttribute('aria-selected', 'true');
    },
  },
  {
    file: 'stream-dark.png',
    hash: '#sample=pc-q35-11.1-minimal.mig.gz&sec=fw_cfg%230&field=fw_cfg%2Fdma&at=0x9bef0',
    scheme: 'dark',
    prepare: async (app) => {
      await expect(app.field('fw_cfg/dma')).toHaveAttribute('aria-selected', 'true');
    },
  },
  {
    file: 'timeline.png',
    hash: '#sample=e-7.2-footer',
    prepare: async (app) => {
      await expect(app.timeline('load').getByTestId('failure-marker')).toBeVisible();
    },
  },
  {
    file: 'explain.png',
    hash: '#sample=virtio-10.0-to-11.1&dmachine=pc-q35-10.0&drelease=11.1&dcmd=pc-q35-10.0-virtio.cmd&dsample=11.1__pc-q35-10.0-virtio.mig.gz',
    prepare: async (_app, page) => {
      await expect(page.getByTestId('explain-sample-used')).toContainText('11.1__pc-q35-10.0-virtio.mig.gz');
    },
  },
  {
    file: 'timeline-compare.png',
    hash: '#sample=pc-q35-11.1-minimal.mig.gz&view=timeline',
    prepare: async (app, page) => {
      await page.getByRole('combobox', { name: 'Where the two sides line up' }).selectOption('device');
      await expect(app.timeline('load').getByTestId('timeline-axis-unit')).toHaveText('ms since each side’s first device section');
      await app.timeline('save').getByRole('button', { name: 'Zoom in' }).click();
      await expect(page.getByTestId('downtime')).toBeVisible();
    },
  },
  {
    file: 'sets.png',
    hash: '',
    prepare: async (app, page) => {
      await app.dropFiles(repoPath('fixtures/streams/11.1/pc-q35-11.1-minimal.save-trace.log.gz'), repoPath('fixtures/real-runs/loads/x86_64/10.0__11.1__pc-q35-10.0-virtio.log.gz'));
      await app.openTab('Timeline');
      await expect(page.getByRole('tabpanel').locator('[data-testid="pairing"][data-pair="save-load"]')).toHaveAttribute('data-status', 'different');
    },
  },
  {
    file: 'matrix.png',
    hash: `#sample=release-board&mlayout=board&mrow=*observed*&mcol=${encodeURIComponent('pc-q35-7.2@10.0->11.1')}`,
    prepare: async (_app, page) => {
      await expect(page.getByTestId('board-marks')).toBeVisible();
    },
  },
  { file: 'matrix-pivot.png', hash: `#sample=release-board&mlayout=pivot&mrow=pc-q35-7.2&mcol=${encodeURIComponent('7.2->10.0')}` },
  {
    file: 'tiers.png',
    hash: '#sample=release-board&view=tiers',
    prepare: async (_app, page) => {
      await page.locator('tr[data-machine="pc-q35-7.2"]').click();
      await expect(page.getByTestId('tier-breaks')).toBeVisible();
    },
  },
  { file: 'compat.png', hash: '#sample=release-board&view=compat' },
  { file: 'hosts.png', hash: '#sample=hosts-7.2-11.1&view=hosts' },
  { file: 'hosts-assigned.png', hash: '#sample=assigned-gvt-g&view=hosts' },
  {
    file: 'negotiate.png',
    hash: '#sample=release-board&view=negotiate',
    prepare: async (_app, page) => {
      await expect(page.getByTestId('negotiate-devices')).toHaveAttribute('data-pair', '5.2->10.0');
    },
  },
  {
    file: 'tour.png',
    hash: '#sample=pc-q35-11.1-minimal.mig.gz&tour=9',
    prepare: async (app) => {
      await expect(app.tour().getByRole('heading')).toHaveText('Subsection: fw_cfg/dma');
    },
  },
  {
    file: 'tour-virtio.png',
    hash: '#sample=virtio-10.0-to-11.1&view=stream&tour=12',
    prepare: async (app) => {
      await expect(app.tour().getByRole('heading')).toHaveText('Virtio queues: 0000:00:01.0/virtio-net');
    },
  },
  {
    file: 'samples.png',
    hash: '#sample=e-7.2-footer',
    prepare: async (_app, page) => {
      await page.getByRole('button', { name: /Samples/ }).click();
      await expect(page.getByRole('menuitemradio', { name: /Missing section footer/ })).toBeFocused();
    },
  },
];

for (const shot of SHOTS) {
  test(`screenshot ${shot.file}`, async ({ page }) => {
    await mkdir(OUT, { recursive: true });
    await page.emulateMedia({ colorScheme: shot.scheme ?? 'light' });
    const app = new Dashboard(page);
    await app.goto(shot.hash);
    await shot.prepare?.(app, page);
    await app.waitForIdle();
    // No caret or hover left from driving the page.
    await page.mouse.move(0, 0);
    await page.screenshot({ path: join(OUT, shot.file), animations: 'disabled', caret: 'hide' });
  });
}
