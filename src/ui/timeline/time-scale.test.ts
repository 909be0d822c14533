import { describe, expect, it } from 'vitest';
import {
  axisTicks,
  axisUnit,
  boundsOf,
  clampWindow,
  formatDuration,
  formatTime,
  fullWindow,
  panBy,
  panByPx,
  pxToTime,
  timeToPx,
  zoomAround,
  type TimeBounds,
  type TimeWindow,
} from './time-scale.ts';

const bounds: TimeBounds = { start: 0, end: 10_000, minSpan: 10 };
const full: TimeWindow = fullWindow(bounds);

describe('time ↔ pixels', () => {
  it('maps the window onto the width and back', () => {
    expect(timeToPx(full, 1000, 0)).toBe(0);
    expect(timeToPx(full, 1000, 10_000)).toBe(1000);
    expect(timeToPx(full, 1000, 2_500)).toBe(250);
    expect(pxToTime(full, 1000, 250)).toBe(2_500);
    const win = { start: 1234, end: 5678 };
    for (const t of [1234, 2000, 5678]) expect(pxToTime(win, 777, timeToPx(win, 777, t))).toBeCloseTo(t, 9);
  });

  it('survives a zero width (a hidden tab)', () => {
    expect(Number.isFinite(timeToPx(full, 0, 5_000))).toBe(true);
  });
});

describe('zoom', () => {
  it('keeps the anchor under the pointer', () => {
    const anchor = 7_000;
    const before = timeToPx(full, 1000, anchor);
    const zoomed = zoomAround(full, bounds, 4, anchor);
    expect(zoomed.end - zoomed.start).toBe(2_500);
    expect(timeToPx(zoomed, 1000, anchor)).toBeCloseTo(before, 9);
  });

  it('stops at the narrowest span and at the whole log', () => {
    let win = full;
    for (let i = 0; i < 50; i++) win = zoomAround(win, bounds, 2, 5_000);
    expect(win.end - win.start).toBe(10);
    for (let i = 0; i < 50; i++) win = zoomAround(win, bounds, 0.5, 5_000);
    expect(win).toEqual(full);
  });

  it('zooming out near an edge stays inside the log', () => {
    const win = zoomAround({ start: 9_000, end: 10_000 }, bounds, 0.25, 9_900);
    expect(win.end).toBe(10_000);
    expect(win.start).toBe(6_000);
  });
});

describe('pan and clamp', () => {
  it('pans by time and by pixels, never past the ends', () => {
    const win = { start: 2_000, end: 4_000 };
    expect(panBy(win, bounds, 1_000)).toEqual({ start: 3_000, end: 5_000 });
    expect(panBy(win, bounds, -5_000)).toEqual({ start: 0, end: 2_000 });
    expect(panBy(win, bounds, 50_000)).toEqual({ start: 8_000, end: 10_000 });
    // Dragging right by a tenth of the width shows earlier times.
    expect(panByPx(win, bounds, 1000, 100)).toEqual({ start: 1_800, end: 3_800 });
  });

  it('clamp narrows nothing that fits and widens what is too narrow', () => {
    expect(clampWindow({ start: -50, end: 50 }, bounds)).toEqual({ start: 0, end: 100 });
    expect(clampWindow({ start: 500, end: 501 }, bounds)).toEqual({ start: 500, end: 510 });
    expect(clampWindow({ start: -1, end: 20_000 }, bounds)).toEqual(full);
  });

  it('a log of one instant still has room to draw', () => {
    expect(boundsOf(100, 100, 10)).toEqual({ start: 95, end: 105, minSpan: 10 });
  });
});

describe('axis', () => {
  it('picks the unit from the visible span', () => {
    expect(axisUnit({ start: 0, end: 1_500 }, 'us').name).toBe('µs');
    expect(axisUnit({ start: 0, end: 23_000 }, 'us').name).toBe('ms');
    expect(axisUnit({ start: 0, end: 5_000_000 }, 'us').name).toBe('s');
    expect(axisUnit({ start: 0, end: 5_000_000 }, 'line').name).toBe('line');
  });

  it('labels change when zooming in', () => {
    const wide = axisTicks({ start: 0, end: 23_000 }, 900, 'us').map((t) => t.label);
    expect(wide).toEqual(['0', '2', '4', '6', '8', '10', '12', '14', '16', '18', '20', '22']);
    const narrow = axisTicks({ start: 7_100, end: 7_300 }, 900, 'us').map((t) => t.label);
    expect(narrow).toContain('7200');
    expect(narrow).not.toEqual(wide);
    const mid = axisTicks({ start: 7_000, end: 9_500 }, 900, 'us').map((t) => t.label);
    expect(mid).toContain('7.4');
  });

  it('line axes tick on whole lines only', () => {
    const ticks = axisTicks({ start: 10, end: 14 }, 900, 'line');
    expect(ticks.map((t) => t.label)).toEqual(['10', '11', '12', '13', '14']);
  });

  it('formats times and durations for tooltips', () => {
    expect(formatTime(7_121, 'us')).toBe('+7.121 ms');
    expect(formatTime(1_381, 'line')).toBe('line 1381');
    expect(formatTime(-48_978, 'us')).toBe('−48.98 ms');
    expect(formatDuration(148)).toBe('148 µs');
    expect(formatDuration(23_529)).toBe('23.53 ms');
    expect(formatDuration(2_500_000)).toBe('2.500 s');
  });
});
