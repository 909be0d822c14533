import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { compatMatrix, type CompatMatrix } from '../../analysis/compat-matrix.ts';
import { parseQueryMachines, parseVmstateManifest } from '../../manifest/index.ts';
import { CELL_HEIGHT, cellAt, heatMap, moveFocus, pairsOf, positionOf } from './matrix-layout.ts';

const fixture = (rel: string): string => {
  const bytes = readFileSync(fileURLToPath(new URL(`../../../fixtures/${rel}`, import.meta.url)));
  return (rel.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
};

const VERSIONS = ['5.2', '7.2', '11.1'];

function q35Matrix(): CompatMatrix {
  const manifests = VERSIONS.map((version) => {
    const r = parseVmstateManifest(fixture(`versions/${version}/vmstate-pc-q35-5.2.json.gz`), 'm');
    if (!r.ok) throw new Error(r.error.message);
    return { version, manifest: r.value };
  });
  const machines = VERSIONS.map((version) => {
    const r = parseQueryMachines(fixture(`versions/${version}/qmp-query-machines.json`), 'q');
    if (!r.ok) throw new Error(r.error.message);
    return { version, machines: r.value };
  });
  const m = compatMatrix(manifests, [], machines, {});
  if (!m.ok) throw new Error(m.error.message);
  return m.value;
}

describe('heatMap on the pc-q35-5.2 manifests of 5.2, 7.2 and 11.1', () => {
  const matrix = q35Matrix();

  it('shows forward pairs first, worst rows first, and hides fine rows when asked', () => {
    const all = heatMap(matrix, { direction: 'both', hideFine: false, scheme: 'light' });
    expect(all.columns.map((c) => c.key)).toEqual(['5.2->7.2', '5.2->11.1', '7.2->11.1', '7.2->5.2', '11.1->5.2', '11.1->7.2']);
    expect(all.rows.length).toBe(matrix.devices.length);
    expect(all.cells.length).toBe(all.rows.length * all.columns.length);
    expect(all.rows[0]?.verdict).toBe('breaks');

    const hidden = heatMap(matrix, { direction: 'both', hideFine: true, scheme: 'light' });
    expect(hidden.rows.every((r) => r.verdict !== 'fine')).toBe(true);
    expect(hidden.hiddenRows).toBe(matrix.devices.length - hidden.rows.length);
    expect(hidden.rows.map((r) => r.key)).toContain('nvme');
  });

  it('keeps the verdicts of the analysis for each cell (isa-vga breaks 5.2 → 11.1, nvme at risk)', () => {
    const map = heatMap(matrix, { direction: 'both', hideFine: true, scheme: 'light' });
    const find = (row: string, col: string) => map.cells.find((c) => c.rowKey === row && c.columnKey === col);
    expect(find('isa-vga', '5.2->11.1')?.verdict).toBe('breaks');
    expect(find('isa-vga', '5.2->7.2')?.verdict).toBe('fine');
    expect(find('nvme', '5.2->11.1')?.verdict).toBe('at-risk');
    const breaks = find('isa-vga', '5.2->11.1');
    expect(breaks?.count).toBeGreaterThan(0);
    expect(breaks?.fill).not.toBe(find('piix4_pm', '5.2->7.2')?.fill);
  });

  it('narrows to one direction, dropping rows that only had trouble in the other', () => {
    const backward = heatMap(matrix, { direction: 'backward', hideFine: true, scheme: 'light' });
    expect(backward.columns.every((c) => c.direction === 'backward')).toBe(true);
    // ICH9-LPC is at risk only backward; imx.usbphy only forward.
    expect(backward.rows.map((r) => r.key)).toContain('ICH9-LPC');
    expect(backward.rows.map((r) => r.key)).not.toContain('imx.usbphy');
    expect(pairsOf(matrix, 'forward').pairs.every((p) => p.direction === 'forward')).toBe(true);
  });

  it('places cells on a grid: one column band per pair, one row band per device', () => {
    const map = heatMap(matrix, { direction: 'forward', hideFine: true, scheme: 'dark' });
    const a = cellAt(map, 0, 0);
    const b = cellAt(map, 1, 1);
    expect(a).toBeDefined();
    expect(b?.x).toBeGreaterThan(a?.x ?? Infinity);
    expect((b?.y ?? 0) - (a?.y ?? 0)).toBeCloseTo(CELL_HEIGHT, 5);
    expect(a?.x).toBeGreaterThanOrEqual(map.labelWidth);
    expect(map.width).toBeGreaterThan(map.labelWidth + 2 * map.cellWidth);
    expect(map.legend.map((l) => l.verdict)).toEqual(['breaks', 'at-risk', 'fine', 'no findings', 'not in the VM']);
  });

  it('moves the keyboard focus within the grid and finds a selected cell by its keys', () => {
    const map = heatMap(matrix, { direction: 'forward', hideFine: true, scheme: 'light' });
    expect(moveFocus(map, { row: 0, column: 0 }, 'ArrowUp')).toEqual({ row: 0, column: 0 });
    expect(moveFocus(map, { row: 0, column: 0 }, 'ArrowRight')).toEqual({ row: 0, column: 1 });
    expect(moveFocus(map, { row: 0, column: 0 }, 'End')).toEqual({ row: 0, column: map.columns.length - 1 });
    expect(moveFocus(map, { row: 0, column: 0 }, 'End', true)).toEqual({ row: map.rows.length - 1, column: map.columns.length - 1 });
    expect(moveFocus(map, { row: 0, column: 0 }, 'x')).toBeUndefined();
    const vga = positionOf(map, 'isa-vga', '7.2->11.1');
    expect(vga).toBeDefined();
    expect(cellAt(map, vga?.row ?? -1, vga?.column ?? -1)?.verdict).toBe('breaks');
    expect(positionOf(map, 'isa-vga', '11.1->5.2')).toBeUndefined();
  });
});
