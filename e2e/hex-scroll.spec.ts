/**
 * Scrolling the hex view of the failed sample's 1.7 MiB stream (1,781,476 bytes). What keeps it
 * under a frame is asserted by structure, which does not move with the machine's load: only the
 * rows on screen exist, and each row is a few runs of bytes drawn alike, not a box per byte.
 * The time itself (longest main-thread task by CPU and wall, target 16 ms) is a benchmark figure:
 * printed here and by `npm run bench` (a loaded CI machine once measured 20.6 ms CPU).
 */
import { expect, test } from '@playwright/test';
import { Dashboard } from './helpers/dashboard.ts';
import { measureHexScroll, scrollCostLine } from './helpers/scroll-cost.ts';

test('scrolling a 1.7 MiB stream draws only the rows on screen, each a few runs of bytes', async ({ page, browser }, testInfo) => {
  const app = new Dashboard(page);
  await app.goto('#sample=e-7.2-footer&view=stream');
  await expect(page.getByRole('region', { name: 'Hex view' })).toContainText('1,781,476 bytes');
  const cost = await measureHexScroll(browser, page);
  const line = scrollCostLine(cost);
  testInfo.annotations.push({ type: 'hex scroll', description: line });
  console.log(line);
  expect(cost.tasks).toBeGreaterThan(50);
  const perRow = await page.locator('.hex-row').evaluateAll((rows) => rows.map((r) => r.querySelectorAll('*').length));
  expect(perRow.length).toBeGreaterThan(10);
  expect(perRow.length).toBeLessThan(100);
  // 16 bytes in hex and ASCII were 32+ elements a row before runs; the sample's rows are 6-9.
  expect(Math.max(...perRow)).toBeLessThan(24);
  // The rows at the end of the stream were drawn: the jumps really went there.
  await expect(page.locator('.hex-row[data-row-offset="1781472"]')).toBeVisible();
});
