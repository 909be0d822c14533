import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { markLoads, parseLoadOutcomes } from '../../../analysis/observed-loads.ts';
import { fourBuildBoard } from '../../../analysis/test-support/four-builds.ts';
import { FIXTURES } from '../../../format/test-support/fixtures.ts';
import { boardView, pivotView, type BoardOptions } from './board-layout.ts';
import { boardSvg } from './board-svg.ts';

const board = fourBuildBoard('x86_64');
const base: BoardOptions = { direction: 'both', hideFine: true, hideOpaqueOnly: false, machineFilter: '', rowFilter: '', group: true, scheme: 'light' };
const parsed = parseLoadOutcomes(readFileSync(join(FIXTURES, 'real-runs', 'results.csv'), 'utf8'));
const observed = parsed.ok ? markLoads(board, parsed.loads) : undefined;

describe('the board view of the four builds', () => {
  const view = boardView(board, observed, base);

  it('groups machine types whose columns are the same, and leaves out those only one build offers', () => {
    const q35 = view.groups.find((g) => g.key === 'pc-q35-10.0');
    expect(q35?.machines.map((m) => m.name)).toEqual(['pc-q35-10.0', 'pc-q35-9.2', 'pc-q35-9.1', 'pc-q35-9.0', 'pc-q35-8.2']);
    expect(q35?.label).toBe('pc-q35 8.2–10.0');
    expect(q35?.columns.map((c) => c.pair.key)).toEqual(['10.0->11.1', '11.1->10.0']);
    expect(view.machinesWithoutPair).toContain('pc-q35-11.1');
    const ungrouped = boardView(board, observed, { ...base, group: false });
    expect(ungrouped.groups.length).toBe(view.machinesShown);
    expect(ungrouped.columns.length).toBe(board.machines.reduce((n, m) => n + m.pairs.length, 0));
  });

  it('puts breaking rows first and hides fine ones; a filter narrows rows and machine types', () => {
    expect(view.rows.slice(0, 4).map((r) => r.verdict)).toEqual(['breaks', 'breaks', 'breaks', 'breaks']);
    expect(view.rows.every((r) => r.verdict !== 'fine')).toBe(true);
    const vga = boardView(board, observed, { ...base, rowFilter: 'vga', machineFilter: 'pc-q35-10' });
    expect(vga.rows.map((r) => r.qomType)).toEqual(['isa-vga']);
    expect(vga.groups.map((g) => g.key)).toEqual(['pc-q35-10.0']);
    const opaque = boardView(board, observed, { ...base, hideOpaqueOnly: true });
    expect(opaque.rows.length).toBeLessThan(view.rows.length);
    expect(opaque.rows.some((r) => r.qomType === 'virtio-net-device')).toBe(false);
  });

  it('draws a count only where findings are, hatches what the manifests cannot show, marks pinned devices', () => {
    const nvme = view.cells.get('nvme')?.get('pc-q35-10.0@10.0->11.1');
    expect(nvme).toMatchObject({ verdict: 'at-risk', comparable: false, count: 0 });
    const vga = view.cells.get('isa-vga')?.get('pc-q35-10.0@10.0->11.1');
    expect(vga).toMatchObject({ verdict: 'breaks', comparable: true, count: 1 });
    const gpu = view.cells.get('virtio-gpu-device')?.get('pc-q35-7.2@11.1->10.0');
    expect(gpu?.pins.map((p) => p.machine)).toEqual(['pc-q35-7.2', 'pc-q35-7.1']);
    expect(gpu?.compat).toBe('10.0: virtio-gpu-device.x-scanout-vmstate-version=1; 11.1: virtio-gpu-device.x-scanout-vmstate-version=1');
  });

  it('puts the real loads on their columns: only 10.0 → 11.1 disagrees', () => {
    const bad = view.columns.filter((c) => (c.observed?.disagree ?? 0) > 0);
    expect(new Set(bad.map((c) => c.pair.key))).toEqual(new Set(['10.0->11.1']));
    expect(bad.reduce((n, c) => n + (c.observed?.disagree ?? 0), 0)).toBe(12);
  });

  it('pivots: a row per group, a cell per pair its builds offer, breaking devices counted', () => {
    const pivot = pivotView(view, board, base);
    expect(pivot.pairs).toHaveLength(12);
    const q35 = pivot.rows.find((r) => r.key === 'pc-q35-7.2');
    expect(q35?.cells.get('7.2->10.0')?.breaks).toBe(3);
    expect(q35?.cells.get('10.0->11.1')?.observed?.disagree).toBe(2);
    expect(q35?.cells.has('5.2->7.2')).toBe(false);
  });

  it('exports what is on show as an SVG document with the names escaped', () => {
    const svg = boardSvg(boardView(board, observed, { ...base, rowFilter: 'vga' }), 'a <board> & more', false);
    expect(svg.text).toMatch(/^<\?xml/);
    expect(svg.text).toContain('<title>a &lt;board&gt; &amp; more</title>');
    expect(svg.text).toContain('>isa-vga<');
    expect(svg.width).toBeGreaterThan(200);
  });
});
