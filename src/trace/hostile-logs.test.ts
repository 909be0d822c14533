/**
 * Logs no QEMU writes, shaped to make a parser super-linear (issue 18): vmsds that never close,
 * giant lines, sections searched by name. Each must parse to a bounded model that says what it
 * left unread; scripts/hostile-cli.ts times the same shapes at 10 MB through the CLI.
 */
import { describe, expect, it } from 'vitest';
import { MAX_LINE_LENGTH, parseTraceLog, type InnerSpan, type SectionSpan } from './index.ts';
import { MAX_CHILDREN, MAX_SECTIONS, MAX_SPAN_DEPTH } from './spans.ts';

function depth(nodes: readonly (SectionSpan | InnerSpan)[]): number {
  let deepest = 0;
  // Iterative: the point is that no reader has to recurse through an unbounded tree.
  const todo: [SectionSpan | InnerSpan, number][] = nodes.map((n) => [n, 1]);
  for (let next = todo.pop(); next !== undefined; next = todo.pop()) {
    const [n, d] = next;
    deepest = Math.max(deepest, d);
    for (const c of n.children) todo.push([c, d + 1]);
  }
  return deepest;
}

const lines = (n: number, make: (i: number) => string): string => Array.from({ length: n }, (_, i) => make(i)).join('\n');

describe('hostile trace logs stay linear and bounded', () => {
  it('300,000 vmstate_load_state events that never close: nesting stops at the limit and says so', () => {
    const m = parseTraceLog(lines(300_000, (i) => `vmstate_load_state dev${i % 50} v1`));
    expect(m.events).toBe(300_000);
    // The section (from the first vmsd) plus MAX_SPAN_DEPTH vmsds inside it.
    expect(depth(m.sections)).toBe(MAX_SPAN_DEPTH + 1);
    expect(m.unread).toEqual([{ what: 'deep-nesting', count: 300_000 - MAX_SPAN_DEPTH, firstLine: MAX_SPAN_DEPTH + 1, limit: MAX_SPAN_DEPTH }]);
    // The section still ends at the last line: what is unread is not what is ignored.
    expect(m.sections[0]?.endLine).toBe(300_000);
  });

  it('the save side too (vmstate_save_state_top has no end event)', () => {
    const m = parseTraceLog(lines(20_000, (i) => `vmstate_save_state_top dev${i}`));
    expect(depth(m.sections)).toBe(MAX_SPAN_DEPTH + 1);
    expect(m.unread?.[0]?.count).toBe(20_000 - MAX_SPAN_DEPTH);
  });

  it('a line over the limit is counted unread, and the lines around it still parse', () => {
    const text = ['loadvm_state_setup ', `qemu-system-x86_64: ${'A'.repeat(MAX_LINE_LENGTH)}`, 'qemu-system-x86_64: load of migration failed: Invalid argument'].join('\n');
    const m = parseTraceLog(text);
    expect(m.unread).toEqual([{ what: 'long-lines', count: 1, firstLine: 2, limit: MAX_LINE_LENGTH }]);
    expect(m.messages.map((x) => [x.line, x.text])).toEqual([[3, 'load of migration failed: Invalid argument']]);
    // A line just under the limit is still a line like any other.
    const near = parseTraceLog(`qemu-system-x86_64: ${'A'.repeat(MAX_LINE_LENGTH - 20)}`);
    expect(near.unread).toBeUndefined();
    expect(near.messages[0]?.text.length).toBe(MAX_LINE_LENGTH - 20);
  });

  it('sections past the limit are followed but left out of the model, and counted', () => {
    const n = MAX_SECTIONS + 500;
    const m = parseTraceLog(lines(n, (i) => `qemu_loadvm_state_section_startfull ${i}(s${i}) 0 1`));
    expect(m.sections).toHaveLength(MAX_SECTIONS);
    expect(m.sections.at(-1)?.idstr).toBe(`s${MAX_SECTIONS - 1}`);
    expect(m.unread).toEqual([{ what: 'many-sections', count: 500, firstLine: MAX_SECTIONS + 1, limit: MAX_SECTIONS }]);
  });

  it('fields past the limit inside one vmsd are followed but left out, and counted', () => {
    const n = MAX_CHILDREN + 100;
    const m = parseTraceLog(['vmstate_load_state d v1', ...Array.from({ length: n }, (_, i) => `vmstate_load_state_field d:f${i}`), 'vmstate_load_state_end d end/0'].join('\n'));
    const d = m.sections[0]?.children[0];
    expect(d?.children).toHaveLength(MAX_CHILDREN);
    // The vmsd still closes on its end event: the fields left out did not lose it.
    expect(d?.status).toBe('end');
    expect(d?.endLine).toBe(n + 2);
    expect(m.unread).toEqual([{ what: 'many-children', count: 100, firstLine: MAX_CHILDREN + 2, limit: MAX_CHILDREN }]);
  });

  it('downtime lines find their section by idstr and instance without searching every section', () => {
    const text = [
      ...Array.from({ length: 3 }, (_, i) => `qemu_loadvm_state_section_startfull ${i + 1}(cpu) ${i} 1`),
      'vmstate_downtime_load type=non-iterable idstr=cpu instance_id=1 downtime=7',
      'vmstate_downtime_load type=non-iterable idstr=cpu instance_id=9 downtime=8',
      'vmstate_downtime_load type=non-iterable idstr=nowhere instance_id=0 downtime=9',
    ].join('\n');
    const m = parseTraceLog(text);
    expect(m.sections.map((s) => (s.downtime ?? []).map((d) => d.us))).toEqual([[], [7], []]);
    expect(m.downtime).toHaveLength(3);
  });

  it('a subsection-loop line of slashes splits without trying every prefix against the rest', () => {
    const m = parseTraceLog(['vmstate_save_state_top cpu', `vmstate_subsection_save_loop ${'/'.repeat(60_000)}`, 'vmstate_subsection_save_loop cpu/cpu/sub'].join('\n'));
    expect(m.events).toBe(3);
    expect(m.unread).toBeUndefined();
  });
});
