/**
 * The guided tour on the 11.1 sample: every step selects and highlights its bytes in the hex
 * view, the keyboard moves it, and the step is in the link.
 */
import { expect, test } from '@playwright/test';
import { Dashboard } from './helpers/dashboard.ts';
import { walkTour, type TourStepBytes } from './helpers/tour.ts';

/** Steps on pc-q35-11.1-minimal, with the bytes stream-format.md gives for them. */
const STEPS: readonly TourStepBytes[] = [
  ['File header: magic and version', 0x0, 0x8],
  ['Configuration: the machine type', 0x8, 0x18],
  ['Section header: START ram', 0x18, 0x29],
  ['RAM setup record: the block list', 0x29, 0xbd],
  ['RAM PART: page records', 0xc2, 0x97542],
  ['Command: SWITCHOVER_START', 0x9b580, 0x9b585],
  ['Section header: FULL timer', 0x9b663, 0x9b676],
  ['Device fields: timer', 0x9b676, 0x9b68e],
  ['Subsection: fw_cfg/dma', 0x9bef0, 0x9bf08],
  ['Section footer: fw_cfg', 0x9bf34, 0x9bf39],
  ['Versions and negotiation: mc146818rtc', 0x9c1a3, 0x9c1a7],
  ['End of the device state: EOF', 0xa34b8, 0xa34b9],
  ['The vmdesc trailer', 0xa34b9, 0xae2b6],
];

test('every step highlights its bytes; Next, Back, arrows and Esc', async ({ page }) => {
  const app = new Dashboard(page);
  await app.goto();
  await page.getByRole('button', { name: 'Tour the format' }).click();
  const tour = app.tour();
  await expect(tour).toBeVisible();
  await expect(tour).toBeFocused();

  await walkTour(app, STEPS);

  // The keyboard: ← back, → on, Esc closes and gives focus back to the Tour button.
  await page.keyboard.press('ArrowLeft');
  await expect(tour.getByTestId('tour-count')).toHaveText(`Step ${STEPS.length - 1} of ${STEPS.length}`);
  await page.keyboard.press('ArrowRight');
  await expect(tour.getByRole('heading')).toHaveText('The vmdesc trailer');
  await tour.getByRole('button', { name: 'Back' }).click();
  await expect(tour.getByRole('heading')).toHaveText('End of the device state: EOF');
  await page.keyboard.press('Escape');
  await expect(tour).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Tour the format' })).toBeFocused();
  expect(app.hashParams().get('tour')).toBeNull();
});

test('a step’s parts select their own bytes; arrows in the table stay the table’s', async ({ page }) => {
  const app = new Dashboard(page);
  await app.goto('#tour=3');
  const tour = app.tour();
  await expect(tour.getByRole('heading')).toHaveText('Section header: START ram');
  await expect(tour).toContainText('section id as a 32-bit number (1)');
  await tour.getByRole('button', { name: /idstr/ }).click();
  await app.waitForIdle();
  await expect(app.field('idstr')).toHaveAttribute('aria-selected', 'true');
  await expect(app.hexSelection()).toContainText('selected 0x1d–0x21');

  // Arrow keys in the sections grid move its rows, not the tour.
  await app.sectionRow('timer').click();
  await page.keyboard.press('ArrowDown');
  await expect(app.sectionRow('cpu_common')).toHaveAttribute('aria-selected', 'true');
  await expect(tour.getByTestId('tour-count')).toHaveText('Step 3 of 13');
});

test('a link to a step opens the tour there', async ({ page }) => {
  const app = new Dashboard(page);
  await app.goto('#sample=pc-q35-11.1-minimal.mig.gz&tour=6');
  await expect(app.tour().getByRole('heading')).toHaveText('Command: SWITCHOVER_START');
  await expect(app.tour()).toContainText('MIG_CMD 0xb unknown');
  await expect(app.sectionRow('SWITCHOVER_START')).toHaveAttribute('aria-selected', 'true');
  await expect(app.hexByte(0x9b580)).toHaveClass(/\bsel-first\b/);
  await expect(app.hexByte(0x9b584)).toHaveClass(/\bsel-last\b/);

  // The 7.2 stream has no SWITCHOVER_START: the same step number is the next record there.
  await page.goto('about:blank');
  await app.goto('#sample=pc-i440fx-7.2-minimal.mig.gz&tour=6');
  await expect(app.tour().getByTestId('tour-count')).toHaveText('Step 6 of 12');
  await expect(app.tour().getByRole('heading')).toHaveText('Section header: FULL timer');
  await expect(app.hexSelection()).toContainText('selected 0x9355f–0x93572');
});
