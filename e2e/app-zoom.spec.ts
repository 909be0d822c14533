/**
 * A projector: a 1280×800 screen at 150 % zoom leaves an 853×533 CSS-pixel page. Nothing of
 * the shell, the Stream view (bytes included) or the Timeline may be cut off at the right; the
 * Stream view stacks the bytes under the table and the tree and scrolls as a whole.
 */
import { expect, test, type Page } from '@playwright/test';
import { Dashboard } from './helpers/dashboard.ts';

test.use({ viewport: { width: 853, height: 533 }, deviceScaleFactor: 1.5 });

async function overflowX(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

test('at 150 % zoom the Stream view, the tour and the Timeline fit the width', async ({ page }) => {
  const app = new Dashboard(page);
  await app.goto('#sample=pc-q35-11.1-minimal.mig.gz&sec=timer%230&field=cpu_ticks_offset&at=0x9b676');
  expect(await overflowX(page)).toBeLessThanOrEqual(0);
  for (const label of ['Copy link', 'Tour the format']) {
    const box = await page.getByRole('button', { name: label }).boundingBox();
    expect(box !== null && box.x + box.width <= 853).toBe(true);
  }
  // The bytes are below, whole: the ascii column's right edge inside the window.
  const hexPane = page.getByRole('region', { name: 'Hex view' });
  await hexPane.scrollIntoViewIfNeeded();
  await expect(app.hexByte(0x9b676)).toBeVisible();
  const ascii = await page.locator('.hex-pane .hex-colhead .hex-ascii').boundingBox();
  expect(ascii !== null && ascii.x + ascii.width <= 853).toBe(true);
  await page.screenshot({ path: 'test-results/zoom-150-stream.png' });

  await page.getByRole('button', { name: 'Tour the format' }).click();
  await expect(app.tour()).toBeVisible();
  expect(await overflowX(page)).toBeLessThanOrEqual(0);
  const next = await app.tour().getByRole('button', { name: 'Next' }).boundingBox();
  expect(next !== null && next.x + next.width <= 853).toBe(true);
  await page.keyboard.press('Escape');

  await page.goto('about:blank');
  await app.goto('#sample=e-7.2-footer');
  await expect(app.timeline('load').getByTestId('failure-marker')).toBeVisible();
  expect(await overflowX(page)).toBeLessThanOrEqual(0);
  await page.screenshot({ path: 'test-results/zoom-150-timeline.png' });
});
