/**
 * The built-in sample of another architecture (ppc64 pseries-7.2, QEMU 7.2) opens from a link,
 * decodes whole, and the guided tour walks it: every step selects its bytes in the hex view,
 * including the hash page table's own iterative section.
 */
import { expect, test } from '@playwright/test';
import { Dashboard } from './helpers/dashboard.ts';
import { walkTour, type TourStepBytes } from './helpers/tour.ts';

/** Steps on ppc64-pseries-7.2-minimal, with the decoder's offsets (src/ui/tour/tour-steps.test.ts). */
const STEPS: readonly TourStepBytes[] = [
  ['File header: magic and version', 0x0, 0x8],
  ['Configuration: the machine type', 0x8, 0x18],
  ['Section header: START ram', 0x18, 0x29],
  ['RAM setup record: the block list', 0x29, 0x4f],
  ['Another iterative section: spapr/htab', 0x54, 0x75],
  ['RAM PART: page records', 0x75, 0x17ffa0],
  ['Section header: FULL timer', 0x17ffe3, 0x17fff6],
  ['Device fields: timer', 0x17fff6, 0x18000e],
  ['Subsection: cpu/fpu', 0x19c2f6, 0x19c40b],
  ['Section footer: cpu', 0x19cb3a, 0x19cb3f],
  ['End of the device state: EOF', 0x3b0594, 0x3b0595],
  ['The vmdesc trailer', 0x3b0595, 0x3b1fa9],
];

test('the ppc64 sample decodes whole and the tour walks it', async ({ page }) => {
  const app = new Dashboard(page);
  await app.goto('#samples=ppc64-7.2');
  await expect(app.fileName()).toHaveText('ppc64-pseries-7.2-minimal.mig.gz');
  await expect(app.machineType()).toHaveText('pseries-7.2');
  for (const type of ['START', 'PART', 'END']) {
    await expect(app.sectionRow('spapr/htab', type)).toHaveCount(1);
    await expect(app.sectionRow('spapr/htab', type)).not.toContainText('opaque');
  }
  await expect(page.getByText('opaque', { exact: true })).toHaveCount(0);

  await page.getByRole('button', { name: 'Tour the format' }).click();
  const tour = app.tour();
  await walkTour(app, STEPS);
  await tour.getByRole('button', { name: 'Back' }).click();
  await expect(tour.getByRole('heading')).toHaveText('End of the device state: EOF');
});
