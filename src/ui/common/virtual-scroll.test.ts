import { describe, expect, it } from 'vitest';
import { MAX_SCROLL_PX, revealTop, rowWindow, scrollFromVirtualTop, spacerHeight, virtualTopFromScroll } from './virtual-scroll.ts';

describe('virtual scroll math', () => {
  const small = { count: 100, rowHeight: 20, viewportHeight: 200 };
  const huge = { count: 67_108_864, rowHeight: 18, viewportHeight: 600 };

  it('maps scroll pixels one to one for short lists', () => {
    expect(spacerHeight(small)).toBe(2000);
    expect(virtualTopFromScroll(small, 150)).toBe(150);
    expect(rowWindow(small, 150, 2)).toEqual({ first: 5, last: 20 });
  });

  it('scales the scrollbar for lists taller than the cap and reaches the last row', () => {
    expect(spacerHeight(huge)).toBe(MAX_SCROLL_PX);
    const end = virtualTopFromScroll(huge, MAX_SCROLL_PX - huge.viewportHeight);
    expect(rowWindow(huge, end, 0).last).toBe(huge.count);
    const mid = 40_000_000 * 18;
    expect(virtualTopFromScroll(huge, scrollFromVirtualTop(huge, mid))).toBeCloseTo(mid, 3);
  });

  it('reveals only rows that are out of view', () => {
    expect(revealTop(small, 0, 5, 'nearest')).toBeUndefined();
    expect(revealTop(small, 0, 30, 'nearest')).toBe(31 * 20 - 200);
    expect(revealTop(small, 400, 3, 'nearest', 2)).toBe(20);
    expect(revealTop(small, 0, 50, 'start', 2)).toBe(960);
    expect(revealTop(small, 0, 99, 'start')).toBe(1800);
    expect(revealTop(small, 0, 4, 'start-if-hidden', 2)).toBeUndefined();
    expect(revealTop(small, 0, 40, 'start-if-hidden', 2)).toBe(760);
  });
});
