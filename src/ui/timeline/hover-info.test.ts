import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseTraceLog } from '../../trace/index.ts';
import { hoverInfo } from './hover-info.ts';
import { LogLines } from './log-lines.ts';
import { layoutTimeline, type TimelineLane } from './timeline-layout.ts';

const text = gunzipSync(readFileSync(fileURLToPath(new URL('../../../fixtures/loads/mismatch/e-7.2-footer__7.2__7.2__pc-i440fx-7.2-default.log.gz', import.meta.url)))).toString('utf8');

describe('LogLines', () => {
  it('returns lines by 1-based number', () => {
    const lines = new LogLines('a\nbb\r\n\nlast');
    expect([1, 2, 3, 4].map((n) => lines.line(n))).toEqual(['a', 'bb', '', 'last']);
    expect(lines.line(0)).toBeUndefined();
    expect(lines.line(5)).toBeUndefined();
    expect(new LogLines('x\n').count).toBe(1);
  });

  it('agrees with the trace parser’s line numbers on a real log', () => {
    const lines = new LogLines(text);
    expect(lines.line(1413)).toBe('2026-11-22T01:40:16.891830Z qemu-system-x86_64: Missing section footer for mc146818rtc');
  });
});

describe('hoverInfo', () => {
  const layout = layoutTimeline(parseTraceLog(text));
  const lines = new LogLines(text);
  const rtc = layout.lanes.at(-1) as TimelineLane;

  it('describes a field with the event that loaded it', () => {
    const bar = rtc.rows[2]?.bars.find((b) => b.name === 'cmos_index');
    if (bar === undefined) throw new Error('no cmos_index field');
    const info = hoverInfo(layout, rtc, bar, lines, 1);
    expect(info).toMatchObject({ lane: 'mc146818rtc#0', kind: 'field', name: 'cmos_index', event: { name: 'vmstate_load_state_field', args: 'mc146818rtc:cmos_index' } });
    expect(info.lines).toMatch(/^lines? \d+/);
    expect(info.at).toMatch(/^\+7\.\d{3} ms$/);
  });

  it('describes the failing section from its first event', () => {
    const bar = rtc.rows[0]?.bars[0];
    if (bar === undefined) throw new Error('no section bar');
    const info = hoverInfo(layout, rtc, bar, lines, 1);
    expect(info).toMatchObject({ kind: 'section', name: 'mc146818rtc', ok: false, lines: 'lines 1381–1414' });
    expect(info.event).toEqual({ name: 'qemu_loadvm_state_section_startfull', args: '21(mc146818rtc) 0 3' });
    expect(info.duration).toBe('148 µs');
  });
});
