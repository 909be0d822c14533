/**
 * axe-core on every tab with the samples loaded: no serious or critical violation. Each tab is
 * checked with the files it reads (a stream, logs, manifests, hosts' files), and with the
 * tour open, in the light and the dark colour scheme.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { Dashboard } from './helpers/dashboard.ts';

// axe walks the whole DOM several times per test; on a busy 2-core machine that can pass a minute.
test.describe.configure({ timeout: 240_000 });

interface Finding {
  readonly id: string;
  readonly impact: string;
  readonly help: string;
  readonly targets: readonly string[];
}

async function seriousViolations(page: Page, include?: string): Promise<Finding[]> {
  let builder = new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']);
  if (include !== undefined) builder = builder.include(include);
  const results = await builder.analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact ?? '', help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
}

function report(findings: readonly Finding[]): string {
  return findings.map((f) => `${f.impact} ${f.id}: ${f.help}\n    ${f.targets.join('\n    ')}`).join('\n');
}

const TABS: readonly { readonly tab: string; readonly sample: string }[] = [
  { tab: 'Stream', sample: 'pc-q35-11.1-minimal.mig.gz' },
  { tab: 'Timeline', sample: 'e-7.2-footer' },
  { tab: 'Explain', sample: 'e-7.2-footer' },
  { tab: 'Matrix', sample: 'e-7.2-footer' },
  { tab: 'Tiers', sample: 'release-board' },
  { tab: 'Compat props', sample: 'release-board' },
  { tab: 'Hosts', sample: 'hosts-7.2-11.1' },
  { tab: 'Hosts', sample: 'assigned-gvt-g' },
  { tab: 'Negotiate', sample: 'release-board' },
];

for (const scheme of ['light', 'dark'] as const) {
  for (const { tab, sample } of TABS) {
    test(`${tab} tab on ${sample} (${scheme}): no serious or critical axe violation`, async ({ page }) => {
      await page.emulateMedia({ colorScheme: scheme });
      const app = new Dashboard(page);
      await app.goto(`#sample=${encodeURIComponent(sample)}`);
      await app.openTab(tab);
      const findings = await seriousViolations(page);
      expect(findings, report(findings)).toEqual([]);
    });
  }
}

test('the release board of four builds, narrowed to a few devices: no serious or critical axe violation', async ({ page }) => {
  // The whole board is some 13 000 cells: axe takes minutes on it, so a filter keeps the same
  // structure (groups, pairs, observed loads, hatched and marked cells) at a few rows.
  const app = new Dashboard(page);
  await app.goto('#sample=release-board');
  await page.getByTestId('board-row-filter').fill('vga');
  await app.waitForIdle();
  await expect(page.getByTestId('board-grid').locator('tbody tr')).not.toHaveCount(0);
  const findings = await seriousViolations(page);
  expect(findings, report(findings)).toEqual([]);
});

test('the tour and the open menus: no serious or critical axe violation', async ({ page }) => {
  const app = new Dashboard(page);
  await app.goto('#tour=4');
  await expect(page.getByTestId('tour')).toBeVisible();
  let findings = await seriousViolations(page);
  expect(findings, report(findings)).toEqual([]);

  await page.getByRole('button', { name: /Samples/ }).click();
  findings = await seriousViolations(page);
  expect(findings, report(findings)).toEqual([]);
  await page.keyboard.press('Escape');

  await page.getByRole('button', { name: 'Export the sections table' }).click();
  findings = await seriousViolations(page);
  expect(findings, report(findings)).toEqual([]);
});
