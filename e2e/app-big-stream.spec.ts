/**
 * A 2 GiB stream in the browser: picked by path (nothing is copied), decoded in the worker
 * with a progress bar that moves, the page usable meanwhile, and the RAM page counts right at
 * the end. The stream is written once into bench-data/ by the benchmark's writer.
 */
import { expect, test } from '@playwright/test';
import { bigStream } from './helpers/big-stream.ts';
import { Dashboard } from './helpers/dashboard.ts';

const grouped = (n: number): string => n.toLocaleString('en-US');

test('a 2 GiB stream: progress, a responsive page, the right page counts', async ({ page }) => {
  test.setTimeout(240_000);
  const big = await bigStream(2);
  expect(big.size).toBeGreaterThanOrEqual(2 * 2 ** 30);

  const app = new Dashboard(page);
  // Picked while Explain is open: that view reads the same decode, and the Stream view must
  // still get its progress.
  await app.goto('#view=explain');
  await expect(app.tab('Explain')).toHaveAttribute('aria-selected', 'true');
  const name = big.path.replace(/^.*\//, '');
  await page.locator('input[type=file]').first().setInputFiles(big.path);
  await expect(app.fileKind(name)).toHaveText('stream');
  await app.tab('Stream').click();

  // The bar advances: a percentage strictly between the ends shows at some point.
  const percent = (): Promise<number> =>
    page.evaluate(() => Number.parseInt(document.querySelector('[data-testid="decode-percent"]')?.textContent ?? '', 10));
  await page.waitForFunction(
    () => {
      const n = Number.parseInt(document.querySelector('[data-testid="decode-percent"]')?.textContent ?? '', 10);
      return n >= 1 && n <= 50;
    },
    undefined,
    { polling: 'raf', timeout: 60_000 },
  );
  const early = await percent();
  expect(early).toBeGreaterThanOrEqual(1);
  expect(early).toBeLessThanOrEqual(99);
  await expect(page.getByRole('progressbar', { name: 'Decode progress' })).toBeVisible();

  // The page answers while the worker decodes: the tabs switch, and the decode is still running.
  await app.tab('Timeline').click();
  await expect(app.tab('Timeline')).toHaveAttribute('aria-selected', 'true');
  expect(await page.locator('[data-app-state="decoding"]').count()).toBe(1);
  await app.tab('Stream').click();
  await expect(app.tab('Stream')).toHaveAttribute('aria-selected', 'true');
  const later = await percent();
  if (!Number.isNaN(later)) expect(later).toBeGreaterThanOrEqual(early);

  await app.waitForIdle(180_000);
  await expect(app.fileName()).toHaveText(name);
  const header = page.getByTestId('stream-header');
  await expect(header).toContainText(`${grouped(big.normal)} normal · ${grouped(big.zero)} zero`);
  await expect(header).toContainText('complete');
  await expect(app.sectionRow('ram', 'PART')).toHaveCount(1);
  await expect(app.sectionRow('timer')).toHaveCount(1);
});
