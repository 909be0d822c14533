import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseTraceLog, type InnerSpan, type TraceModel } from '../../trace/index.ts';
import { barAt, layoutTimeline, SOLO_PX, visibleRuns, type BarRow } from './timeline-layout.ts';
import { fullWindow } from './time-scale.ts';

const text = (rel: string): string => gunzipSync(readFileSync(fileURLToPath(new URL(`../../../fixtures/${rel}`, import.meta.url)))).toString('utf8');

const FAILING_LOAD = 'loads/mismatch/e-7.2-footer__7.2__7.2__pc-i440fx-7.2-default.log.gz';
const SAVE = 'streams/7.2/pc-i440fx-7.2-default.save-trace.log.gz';

/** Stream order of pc-i440fx-7.2-default up to the damaged footer (analyze-migration.py's order). */
const STREAM_ORDER = [
  'configuration', 'ram#0', 'timer#0', 'slirp#0', 'cpu_common#0', 'cpu#0', 'kvm-tpr-opt#0', 'apic#0', 'fw_cfg#0', 'PCIHost#0', 'PCIBUS#0',
  '0000:00:00.0/I440FX#0', 'dma#0', 'dma#1', '0000:00:01.0/PIIX3#0', 'i8259#0', 'i8259#1', 'ioapic#0', '0000:00:02.0/vga#0', 'hpet#0', 'mc146818rtc#0',
];

describe('layoutTimeline on the failing load of pc-i440fx-7.2-default (footer byte flipped)', () => {
  const layout = layoutTimeline(parseTraceLog(text(FAILING_LOAD)));

  it('has one lane per section in stream order', () => {
    expect(layout.side).toBe('load');
    expect(layout.timeBase).toBe('us');
    expect(layout.lanes.map((l) => l.key)).toEqual(STREAM_ORDER);
    expect(layout.lanes.every((l) => !l.instanceInferred)).toBe(true);
  });

  it('puts the failure at mc146818rtc with QEMU’s message, after the section’s last event', () => {
    const f = layout.failure;
    expect(f?.message).toBe('Missing section footer for mc146818rtc');
    expect(f?.laneIndex).toBe(STREAM_ORDER.indexOf('mc146818rtc#0'));
    expect(f?.line).toBe(1413);
    const rtc = layout.lanes[f?.laneIndex ?? -1];
    expect(rtc?.failure).toBe(true);
    expect(rtc?.ok).toBe(false);
    // 01:40:16.891830 − the first event at .884637.
    expect(f?.at).toBe(7193);
    expect(f?.at).toBeGreaterThanOrEqual(rtc?.start ?? Infinity);
    expect(layout.lanes.filter((l) => l.failure).map((l) => l.idstr)).toEqual(['mc146818rtc']);
  });

  it('nests vmsds and fields under each section, times relative to the first event', () => {
    const rtc = layout.lanes.at(-1);
    expect(rtc?.rows[0]?.bars.map((b) => [b.kind, b.name])).toEqual([['section', 'mc146818rtc']]);
    expect(rtc?.rows[1]?.bars.map((b) => b.name)).toContain('mc146818rtc');
    expect(rtc?.rows[2]?.bars.map((b) => b.name)).toContain('cmos_index');
    expect(layout.lanes[0]?.start).toBe(0);
    // Room after the failure, none before the first event.
    expect(layout.bounds.start).toBe(0);
    expect(layout.bounds.end).toBeGreaterThan(layout.failure?.at ?? Infinity);
    expect(layout.focus.end).toBeGreaterThan(layout.failure?.at ?? Infinity);
    const cpu = layout.lanes.find((l) => l.idstr === 'cpu');
    for (const row of cpu?.rows ?? []) {
      for (const b of row.bars) {
        expect(b.start).toBeGreaterThanOrEqual(cpu?.start ?? 0);
        expect(b.end).toBeLessThanOrEqual(cpu?.end ?? 0);
      }
    }
    expect(layout.spans).toBeGreaterThan(500);
  });

  it('ram, loaded in three records, is one lane with three parts', () => {
    const ram = layout.lanes.find((l) => l.idstr === 'ram');
    expect(ram?.rows[0]?.bars.map((b) => b.name)).toEqual(['ram START', 'ram PART', 'ram END']);
  });
});

describe('layoutTimeline on the save side of the same VM', () => {
  const layout = layoutTimeline(parseTraceLog(text(SAVE)));

  it('infers instances the 7.2 save trace does not print, in the same order as the load', () => {
    expect(layout.side).toBe('save');
    expect(layout.failure).toBeUndefined();
    expect(layout.lanes.slice(0, STREAM_ORDER.length).map((l) => l.key)).toEqual(STREAM_ORDER);
    expect(layout.lanes.filter((l) => l.idstr === 'dma').map((l) => [l.instance, l.instanceInferred])).toEqual([
      [0, true],
      [1, true],
    ]);
    expect(layout.lanes.at(-1)?.idstr).toBe('globalstate');
  });
});

describe('the first view of a log that starts long before the migration', () => {
  it('shows the sections, not the seconds of boot before them', () => {
    const layout = layoutTimeline(parseTraceLog(text('streams/11.1/pc-q35-11.1-minimal.save-trace.log.gz')));
    const full = layout.bounds.end - layout.bounds.start;
    const first = Math.min(...layout.lanes.map((l) => l.start));
    expect(first).toBeGreaterThan(full / 2);
    expect(layout.focus.start).toBeGreaterThan(full / 2);
    expect(layout.focus.start).toBeLessThanOrEqual(first);
    expect(layout.focus.end).toBeGreaterThanOrEqual(Math.max(...layout.lanes.map((l) => l.end)));
  });
});

describe('logs without timestamps', () => {
  it('use line numbers as time', () => {
    // The same log as QEMU prints it without -msg timestamp=on: `event args`.
    const bare = text(FAILING_LOAD).replace(/^\d+@\d+\.\d+:/gm, '').replace(/^\S+Z (qemu-system)/gm, '$1');
    const layout = layoutTimeline(parseTraceLog(bare));
    expect(layout.timeBase).toBe('line');
    expect(layout.origin).toBe(0);
    expect(layout.failure?.at).toBe(1413);
    const rtc = layout.lanes.at(-1);
    expect(rtc?.start).toBe(rtc?.line);
    expect(layout.lanes.map((l) => l.key)).toEqual(STREAM_ORDER);
  });
});

describe('visibleRuns', () => {
  const layout = layoutTimeline(parseTraceLog(text(SAVE)));
  const all = layout.lanes.flatMap((l) => l.rows);

  it('keeps every visible bar, in runs, at any zoom', () => {
    for (const width of [50, 400, 5000, 500_000]) {
      for (const row of all) {
        const runs = visibleRuns(row, fullWindow(layout.bounds), width);
        expect(runs.reduce((n, r) => n + r.count, 0)).toBe(row.bars.length);
      }
    }
  });

  it('merges tiny bars per pixel column and leaves wide ones alone', () => {
    const cpu = layout.lanes.find((l) => l.idstr === 'cpu');
    const fields = cpu?.rows[2] as BarRow;
    const zoomedOut = visibleRuns(fields, fullWindow(layout.bounds), 400);
    expect(zoomedOut.length).toBeLessThan(fields.bars.length / 10);
    const win = { start: cpu?.start ?? 0, end: cpu?.end ?? 0 };
    const zoomedIn = visibleRuns(fields, win, 200_000);
    expect(zoomedIn.every((r) => r.count === 1)).toBe(true);
    const perPx = (win.end - win.start) / 400;
    for (const r of visibleRuns(fields, win, 400)) {
      if (r.count === 1) continue;
      expect(Math.floor((r.start - win.start) / perPx)).toBe(Math.floor(((fields.bars[r.first]?.start ?? 0) - win.start) / perPx));
    }
  });

  it('drops bars outside the window', () => {
    const rtc = layout.lanes.find((l) => l.idstr === 'mc146818rtc');
    const win = { start: rtc?.start ?? 0, end: rtc?.end ?? 0 };
    const cpu = layout.lanes.find((l) => l.idstr === 'cpu');
    for (const row of cpu?.rows ?? []) expect(visibleRuns(row, win, 1000)).toEqual([]);
  });

  it('100,000 spans draw as at most a few runs per pixel', () => {
    const model = syntheticModel(100_000);
    const started = performance.now();
    const big = layoutTimeline(model);
    const fields = big.lanes[0]?.rows[2] as BarRow;
    expect(fields.bars.length).toBe(100_000);
    const width = 1200;
    const runs = visibleRuns(fields, fullWindow(big.bounds), width);
    expect(runs.length).toBeLessThanOrEqual(width + 1);
    expect(runs.reduce((n, r) => n + r.count, 0)).toBe(100_000);
    // Loose: a layout plus a draw pass must stay interactive even on a slow CI machine.
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe('barAt', () => {
  const layout = layoutTimeline(parseTraceLog(text(FAILING_LOAD)));
  const rtc = layout.lanes.at(-1);

  it('finds the narrowest bar under a time', () => {
    const fields = rtc?.rows[2] as BarRow;
    const cmos = fields.bars.findIndex((b) => b.name === 'cmos_index');
    const bar = fields.bars[cmos];
    expect(barAt(fields, ((bar?.start ?? 0) + (bar?.end ?? 0)) / 2, 0)).toBe(cmos);
    expect(barAt(rtc?.rows[0] as BarRow, (rtc?.start ?? 0) + 1, 0)).toBe(0);
    expect(barAt(rtc?.rows[0] as BarRow, (rtc?.end ?? 0) + 1_000, 1)).toBeUndefined();
  });

  it('takes a bar within the slack when none is exactly there', () => {
    const top = rtc?.rows[0] as BarRow;
    expect(barAt(top, (rtc?.end ?? 0) + 2, 3)).toBe(0);
  });
});

function syntheticModel(fields: number): TraceModel {
  const children: InnerSpan[] = Array.from({ length: fields }, (_, i) => ({
    kind: 'field',
    name: `f${i}`,
    start: 1_000 + i * 3,
    end: 1_000 + i * 3 + 2,
    line: i + 3,
    endLine: i + 3,
    ok: true,
    children: [],
  }));
  const end = 1_000 + fields * 3;
  const vmsd: InnerSpan = { kind: 'vmsd', name: 'big', start: 1_000, end, line: 2, endLine: fields + 2, ok: true, children };
  return {
    format: 'pid-epoch',
    side: 'load',
    events: fields * 2,
    timeBase: 'us',
    migration: { start: 1_000, end, line: 1, endLine: fields + 3, marks: [] },
    sections: [{ kind: 'section', idstr: 'big', instance: 0, start: 1_000, end, line: 1, endLine: fields + 2, ok: true, parts: [{ start: 1_000, end, line: 1, endLine: fields + 2 }], children: [vmsd] }],
    skipped: [],
    downtime: [],
    messages: [],
  };
}

// SOLO_PX is part of the contract the component relies on when sizing bars.
it('draws bars of at least two pixels on their own', () => expect(SOLO_PX).toBe(2));
