/**
 * Comparing two real logs on one axis: the failed sample's save trace and load log, and the
 * 11.1 minimal VM's save trace and load log (with downtime traced); where the failure label
 * goes; the downtime list.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseTraceLog, type TraceModel } from '../../trace/index.ts';
import { alignPoint, mergedLaneKeys, sharedAxis, withLaneOrder } from './compare-layout.ts';
import { defaultDowntimeSort, downtimeRows, sortDowntime } from './downtime.ts';
import { failureLabelPlacement } from './lane-geometry.ts';
import { layoutTimeline } from './timeline-layout.ts';

function model(rel: string): TraceModel {
  const b = readFileSync(new URL(`../../../${rel}`, import.meta.url));
  return parseTraceLog(new TextDecoder().decode(b[0] === 0x1f ? gunzipSync(b) : b));
}

const SAVE = model('public/samples/pc-i440fx-7.2-default.save-trace.log.gzip');
const LOAD = model('public/samples/e-7.2-footer__7.2__7.2__pc-i440fx-7.2-default.log.gzip');

describe('two logs on one axis', () => {
  it('one row per section on both sides, in stream order; the load’s failure on its row', () => {
    const save = layoutTimeline(SAVE);
    const load = layoutTimeline(LOAD);
    const keys = mergedLaneKeys(save.lanes, load.lanes);
    expect(keys.slice(0, 4)).toEqual(['configuration', 'ram#0', 'timer#0', 'slirp#0']);
    expect(keys).toHaveLength(save.lanes.length);
    const s = withLaneOrder(save, keys, load.lanes);
    const l = withLaneOrder(load, keys, save.lanes);
    expect(s.lanes.map((x) => x.key)).toEqual(l.lanes.map((x) => x.key));
    // The load stopped at mc146818rtc: the sections after it are empty rows on its side.
    const rtc = keys.indexOf('mc146818rtc#0');
    expect(l.failure?.laneIndex).toBe(rtc);
    expect(l.lanes.slice(rtc + 1).every((x) => x.absent === true)).toBe(true);
    expect(s.lanes.some((x) => x.absent === true)).toBe(false);
  });

  it('each side from its first migration event, or lined up at the first device section', () => {
    const save = layoutTimeline(SAVE);
    const load = layoutTimeline(LOAD);
    const start = sharedAxis(save, load, 'start');
    // Both sides' first sections start near 0; the whole migration fits in 30 ms.
    expect(start.focus.start).toBeLessThanOrEqual(0);
    expect(start.focus.start).toBeGreaterThan(-1_000);
    expect(start.focus.end).toBeLessThan(30_000);
    // The 11.1 save trace begins 3 s before its migration (block activation at boot): that is not its time 0.
    const save111 = layoutTimeline(model('fixtures/streams/11.1/pc-q35-11.1-minimal.save-trace.log.gz'));
    const load111 = layoutTimeline(model('fixtures/loads/11.1__11.1__pc-q35-11.1-minimal.log.gz'));
    const axis111 = sharedAxis(save111, load111, 'start');
    expect(axis111.focus.end - axis111.focus.start).toBeLessThan(200_000);
    const device = sharedAxis(save, load, 'device');
    const timer = (l: typeof save): number => l.lanes.find((x) => x.key === 'timer#0')?.start ?? Number.NaN;
    expect(timer(save) - device.shifts[0]).toBe(0);
    expect(timer(load) - device.shifts[1]).toBe(0);
    expect(alignPoint(load, 'device')).toBe(timer(load));
  });
});

describe('the failure label', () => {
  const measure = (s: string): number => s.length * 7;
  it('goes right of the line when there is room, left of the lane’s bars near the right edge', () => {
    const right = failureLabelPlacement(400, [[300, 400]], 1000, 'Missing section footer', measure);
    expect(right).toMatchObject({ anchor: 'start', x: 407 });
    const left = failureLabelPlacement(990, [[900, 990]], 1000, 'Missing section footer', measure);
    expect(left).toMatchObject({ anchor: 'end', x: 894 });
    for (const p of [right, left]) {
      const [a, b] = p?.extent ?? [0, 0];
      expect(b <= 300 || a >= 400 || p === left).toBe(true);
    }
    expect((left?.extent[1] ?? 1000) <= 900).toBe(true);
  });

  it('is cut to fit, or left out when nothing fits', () => {
    const cut = failureLabelPlacement(100, [[20, 100]], 230, 'Missing section footer for mc146818rtc', measure);
    expect(cut?.text.endsWith('…')).toBe(true);
    expect((cut?.extent[1] ?? 999) <= 230).toBe(true);
    expect(failureLabelPlacement(50, [[0, 50]], 80, 'Missing section footer', measure)).toBeUndefined();
  });
});

describe('downtime per device', () => {
  const save = model('fixtures/streams/11.1/pc-q35-11.1-minimal.save-trace.log.gz');
  const load = model('fixtures/loads/11.1__11.1__pc-q35-11.1-minimal.log.gz');
  it('both sides per device, ram’s two entries summed, longest load first', () => {
    const rows = downtimeRows(save, load);
    const apic = rows.find((r) => r.key === 'apic#0');
    expect(apic).toMatchObject({ save: 118, load: 120 });
    expect(rows.find((r) => r.key === 'ram#0')?.save).toBe(42);
    const sort = defaultDowntimeSort(rows);
    expect(sort).toEqual({ column: 'load', descending: true });
    const sorted = sortDowntime(rows, sort);
    const loads = sorted.map((r) => r.load).filter((x) => x !== undefined);
    expect(loads).toEqual([...loads].sort((a, b) => b - a));
    expect(sorted[0]?.load).toBe(Math.max(...loads));
    const byName = sortDowntime(rows, { column: 'device', descending: false }).map((r) => r.idstr);
    expect(byName).toEqual([...byName].sort());
  });
});
