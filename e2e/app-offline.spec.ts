/**
 * Nothing leaves the machine, whatever the user does: every sample set from the gallery,
 * every tab, the tour from start to end, the exports and Copy link make requests to this
 * page's own server only, and the Content-Security-Policy names no other origin.
 */
import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { repoPath } from './helpers/cli.ts';
import { Dashboard } from './helpers/dashboard.ts';
import { watchRequests } from './helpers/requests.ts';

const TABS = ['Stream', 'Timeline', 'Explain', 'Matrix', 'Tiers', 'Compat props', 'Hosts', 'Negotiate'] as const;

function isLocal(url: string): boolean {
  const u = new URL(url);
  if (u.protocol === 'data:') return true;
  // blob: URLs carry their creator's origin.
  const target = u.protocol === 'blob:' ? new URL(u.pathname) : u;
  return ['127.0.0.1', 'localhost', '[::1]'].includes(target.hostname);
}

test('the CSP allows this origin only', async () => {
  const html = await readFile(repoPath('index.html'), 'utf8');
  const csp = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1] ?? '';
  expect(csp).toContain("default-src 'self'");
  const sources = csp
    .split(';')
    .flatMap((d) => d.trim().split(/\s+/).slice(1))
    .filter((s) => !/^'(self|none|unsafe-inline)'$/.test(s) && s !== 'data:' && s !== 'blob:');
  // Only Vite's reload socket on this machine.
  expect(sources.every((s) => /^ws:\/\/(localhost|127\.0\.0\.1):\*$/.test(s)), sources.join(' ')).toBe(true);
  expect(csp).toContain("object-src 'none'");
  expect(csp).toContain("form-action 'none'");
});

test('every sample set, every tab, the tour, exports and Copy link: no request to another host', async ({ page, context }) => {
  test.setTimeout(180_000);
  const { requests, violations } = await watchRequests(page);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);

  const app = new Dashboard(page);
  await app.goto();
  await page.getByRole('button', { name: /Samples/ }).click();
  const sets = await page.getByRole('menuitemradio').count();
  expect(sets).toBeGreaterThanOrEqual(5);
  await page.keyboard.press('Escape');
  for (let i = 0; i < sets; i++) {
    await page.getByRole('button', { name: /Samples/ }).click();
    await page.getByRole('menuitemradio').nth(i).click();
    await app.waitForIdle();
    for (const tab of TABS) await app.openTab(tab);
  }

  // The tour, end to end, on the 11.1 sample.
  await page.getByRole('button', { name: /Samples/ }).click();
  await page.getByRole('menuitemradio', { name: /pc-q35-11\.1 on QEMU/ }).click();
  await app.waitForIdle();
  await page.getByRole('button', { name: 'Tour the format' }).click();
  const next = app.tour().getByRole('button', { name: 'Next' });
  while ((await next.count()) > 0) {
    await next.click();
    await app.waitForIdle();
  }
  await app.tour().getByRole('button', { name: 'Finish' }).click();

  // Exports and the link.
  await app.exportFile('Export the sections table', 'Sections (CSV)');
  await app.exportFile('Export the fields of the selected record', 'Fields (JSON)');
  await app.openTab('Timeline');
  await app.exportFile('Export the save side (source) timeline', 'Picture (PNG)');
  await page.getByRole('button', { name: 'Copy link' }).click();
  await expect(page.getByText('Link copied')).toBeVisible();
  await app.waitForIdle();

  expect(requests.length).toBeGreaterThan(0);
  const foreign = requests.filter((u) => !isLocal(u));
  expect(foreign, `requests to other hosts:\n${foreign.join('\n')}`).toEqual([]);
  expect(violations).toEqual([]);
});
