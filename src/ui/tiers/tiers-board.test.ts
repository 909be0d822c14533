import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { machineTiers } from '../../analysis/machine-tiers.ts';
import { parseQueryMachines } from '../../manifest/index.ts';
import { cellWord, filterRows, tiersCsv } from './tiers-board.ts';

const VERSIONS = ['5.2', '7.2', '11.1'];
const tiers = machineTiers(
  VERSIONS.map((version) => {
    const text = readFileSync(fileURLToPath(new URL(`../../../fixtures/versions/${version}/qmp-query-machines.json`, import.meta.url)), 'utf8');
    const r = parseQueryMachines(text, 'q');
    if (!r.ok) throw new Error(r.error.message);
    return { version, machines: r.value };
  }),
);
const row = (name: string) => tiers.machines.find((m) => m.name === name);

describe('the tiers board of 5.2, 7.2 and 11.1', () => {
  it('words the cells as the CLI does', () => {
    expect(row('pc-i440fx-5.2')?.cells.map(cellWord)).toEqual(['present', 'present', 'deprecated']);
    expect(row('pc-q35-7.2')?.cells.map(cellWord)).toEqual(['absent', 'present', 'deprecated']);
    expect(row('q35')?.cells.map(cellWord)).toEqual(['= pc-q35-5.2', '= pc-q35-7.2', '= pc-q35-11.1']);
  });

  it('filters by kind, by name and to the rows that change', () => {
    expect(filterRows(tiers.machines, { kind: 'alias', text: '', changing: false }).map((r) => r.name).sort()).toEqual(['pc', 'q35', 'xenfv']);
    const q35 = filterRows(tiers.machines, { kind: 'all', text: 'Q35-7', changing: false });
    expect(q35.map((r) => r.name)).toEqual(['pc-q35-7.2', 'pc-q35-7.1', 'pc-q35-7.0']);
    const changing = filterRows(tiers.machines, { kind: 'versioned', text: '', changing: true });
    expect(changing.length).toBeGreaterThan(0);
    expect(changing.every((r) => new Set(r.cells.map(cellWord)).size > 1)).toBe(true);
    expect(filterRows(tiers.machines, { kind: 'unversioned', text: 'none', changing: false }).map((r) => r.name)).toEqual(['none']);
  });

  it('exports one CSV line per machine type with a column per version', () => {
    const csv = tiersCsv(tiers);
    expect(csv.header.slice(4, 9)).toEqual(['standing', 'breaking devices', 'in 5.2', 'in 7.2', 'in 11.1']);
    const line = csv.rows.find((r) => r[0] === 'pc-i440fx-5.2');
    // Without manifests the promise is not checked: the label is the tier alone.
    expect(line?.slice(1, 9)).toEqual(['versioned', 'pc-i440fx', 'forward migration promised', 'forward promised, deprecated since 11.1', '', 'present', 'present', 'deprecated']);
    expect(csv.rows.length).toBe(tiers.machines.length);
  });
});
