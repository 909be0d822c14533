/** Walking the guided tour step by step, checking each step's title and highlighted bytes. */
import { expect } from '@playwright/test';
import type { Dashboard } from './dashboard.ts';

/** A step: its title and the bytes [start, end) it highlights. */
export type TourStepBytes = readonly [title: string, start: number, end: number];

const hex = (n: number): string => `0x${n.toString(16)}`;

/**
 * From the open tour's first step to its last with Next: each step's count, title and
 * selection in the hex view (and the byte before it not selected), and its number in the link.
 */
export async function walkTour(app: Dashboard, steps: readonly TourStepBytes[]): Promise<void> {
  const tour = app.tour();
  for (const [i, [title, start, end]] of steps.entries()) {
    await expect(tour.getByTestId('tour-count')).toHaveText(`Step ${i + 1} of ${steps.length}`);
    await expect(tour.getByRole('heading')).toHaveText(title);
    await app.waitForIdle();
    await expect(app.hexSelection()).toContainText(`selected ${hex(start)}–${hex(end)}`);
    await expect(app.hexByte(start)).toHaveClass(/\bsel-first\b/);
    if (start > 0) await expect(app.hexByte(start - 1)).not.toHaveClass(/\bsel\b/);
    expect(app.hashParams().get('tour')).toBe(String(i + 1));
    if (i < steps.length - 1) await tour.getByRole('button', { name: 'Next' }).click();
  }
}
