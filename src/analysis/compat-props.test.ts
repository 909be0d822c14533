import { describe, expect, it } from 'vitest';
import { normalisePropertyValue } from '../manifest/device-properties.ts';
import { compatPropsTable, compatRelevance } from './compat-props.ts';
import { buildFiles, loadQueryMachines } from './test-support/four-builds.ts';

const reply = (v: string) => {
  const path = buildFiles('x86_64', v).compatProps;
  if (path === undefined) throw new Error(`no compat-props reply for ${v}`);
  return { build: v, machines: loadQueryMachines(path) };
};

describe('compat properties of 10.0 and 11.1, as compare-machine-types.py lays them out', () => {
  const inputs = [reply('11.1'), reply('10.0')];

  it('raw and --all: one row per (driver, property) the replies pin, one column per (build, machine), values as written', () => {
    const t = compatPropsTable(inputs, { all: true, raw: true });
    expect(t.columns[0]?.build).toBe('10.0');
    // Row for row with the replies: every pinned value is in its cell, and every cell comes from a reply.
    let pinned = 0;
    const keys = new Set<string>();
    for (const input of inputs) {
      for (const m of input.machines.machines) {
        const col = t.columns.findIndex((c) => c.build === input.build && c.machine === m.name);
        expect(col, `${input.build} ${m.name}`).toBeGreaterThanOrEqual(0);
        const last = new Map<string, string>();
        for (const p of m.compatProps ?? []) last.set(`${p.qomType} ${p.property}`, p.value);
        for (const [k, v] of last) {
          keys.add(k);
          pinned++;
          expect(t.rows.find((r) => `${r.driver} ${r.property}` === k)?.raw[col], `${input.build} ${m.name} ${k}`).toBe(v);
        }
      }
    }
    expect(t.rows.length).toBe(keys.size);
    expect(t.rows.reduce((n, r) => n + r.raw.filter((v) => v !== undefined).length, 0)).toBe(pinned);
    // Sorted by driver then property, as the script prints them.
    const names = t.rows.map((r) => `${r.driver}\u0000${r.property}`);
    expect(names).toEqual([...names].sort());
  });

  it('by default only rows that differ, values normalised (on/true one value)', () => {
    const t = compatPropsTable(inputs, { machines: ['pc-q35-7.2', 'pc-q35-8.2'] });
    expect(t.columns.map((c) => c.key)).toEqual(['10.0 pc-q35-7.2', '10.0 pc-q35-8.2', '11.1 pc-q35-7.2', '11.1 pc-q35-8.2']);
    expect(t.rows.every((r) => r.differs)).toBe(true);
    expect(t.sameRows).toBeGreaterThan(0);
    // 7.2 types keep e1000e's old timer adjustment off; 8.2 types do not pin it.
    const timadj = t.rows.find((r) => r.driver === 'e1000e' && r.property === 'migrate-timadj');
    expect(timadj?.values).toEqual(['off', undefined, 'off', undefined]);
    expect(timadj?.relevance).toBe('device state');
    // 11.1 pins properties 10.0 does not know yet.
    expect(t.rows.some((r) => r.values[0] === undefined && r.values[1] === undefined && r.values[2] !== undefined)).toBe(true);
    expect(normalisePropertyValue('true')).toBe(normalisePropertyValue('on'));
  });

  it('says which replies have no compat properties', () => {
    const path = buildFiles('x86_64', '7.2').queryMachines ?? '';
    const t = compatPropsTable([{ build: '7.2', machines: loadQueryMachines(path) }, reply('11.1')], { machines: ['pc-q35-7.2'] });
    expect(t.notes[0]).toMatch(/^7\.2: .* has no compat properties/);
    expect(t.columns.map((c) => c.key)).toEqual(['11.1 pc-q35-7.2']);
  });

  it('classifies what a property touches', () => {
    expect(compatRelevance('virtio-gpu-device', 'x-scanout-vmstate-version')).toBe('device state');
    expect(compatRelevance('migration', 'send-switchover-start')).toBe('stream');
    expect(compatRelevance('virtio-iommu-pci', 'aw-bits')).toBe('other');
  });
});
