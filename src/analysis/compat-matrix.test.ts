import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from '../format/test-support/fixtures.ts';
import { compatMatrix, CONFIGURATION_ROW, type CompatMatrix } from './compat-matrix.ts';
import { columnKey, matrixLayout } from './matrix-cells.ts';
import { factsOf, loadManifest, queryMachinesFor } from './test-support/real-loads.ts';

const m = (version: string, machine: string) => ({ version, manifest: loadManifest(join(FIXTURES, 'versions', version, `vmstate-${machine}.json.gz`)) });
const qm = (version: string) => ({ version, machines: queryMachinesFor(version) });

function build(...args: Parameters<typeof compatMatrix>): CompatMatrix {
  const result = compatMatrix(...args);
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

const cell = (matrix: CompatMatrix, device: string, source: string, dest: string) => matrix.cells.find((c) => c.device === device && c.source === source && c.dest === dest);

describe('compatMatrix', () => {
  const manifests = [m('5.2', 'pc-q35-5.2'), m('7.2', 'pc-q35-5.2'), m('11.1', 'pc-q35-5.2')];

  it('has every ordered pair of versions, both directions, and one cell per row and pair', () => {
    const matrix = build(manifests, [], [qm('5.2'), qm('7.2'), qm('11.1')], { machine: 'pc-q35-5.2' });
    expect(matrix.versions).toEqual(['5.2', '7.2', '11.1']);
    expect(matrix.pairs.map((p) => `${p.source}>${p.dest}:${p.direction}`)).toEqual([
      '5.2>7.2:forward',
      '5.2>11.1:forward',
      '7.2>5.2:backward',
      '7.2>11.1:forward',
      '11.1>5.2:backward',
      '11.1>7.2:backward',
    ]);
    expect(matrix.devices[0]).toBe(CONFIGURATION_ROW);
    expect(matrix.cells).toHaveLength(matrix.devices.length * matrix.pairs.length);
    expect(matrix.notes).toEqual([]);
    // Versioned-machine facts: all three offer pc-q35-5.2.
    expect(matrix.pairs.every((p) => p.sourceOffersMachine === true && p.destOffersMachine === true)).toBe(true);
  });

  it('cells carry the judge\'s verdicts per QOM type; what the manifests cannot show is at risk', () => {
    const matrix = build(manifests, [], [], { machine: 'pc-q35-5.2' });
    // isa-vga saves as "vga-isa" from 11.1; PCI VGA keeps "vga".
    expect(cell(matrix, 'isa-vga', '5.2', '11.1')?.verdict).toBe('breaks');
    expect(cell(matrix, 'VGA', '5.2', '11.1')?.verdict).toBe('fine');
    expect(matrix.sections['isa-vga']).toEqual(['vga', 'vga-isa']);
    expect(cell(matrix, 'hpet', '5.2', '11.1')?.verdict).toBe('fine');
    // nvme's vmsd has no fields before 11.1: the judge's "too old" is not a certain failure.
    const nvme = cell(matrix, 'nvme', '5.2', '11.1');
    expect(nvme?.verdict).toBe('at-risk');
    expect(nvme?.comparable).toBe(false);
    expect(nvme?.findings[0]?.reason).toContain('too old');
    expect(nvme?.notComparable).toContain('has no fields');
    // virtio-gpu's own state is a device-defined field: at risk both ways.
    expect(cell(matrix, 'virtio-gpu-device', '7.2', '11.1')?.verdict).toBe('at-risk');
    expect(cell(matrix, 'virtio-gpu-device', '7.2', '11.1')?.notComparable).toContain('virtio-gpu > virtio');
  });

  it('flags a destination that lacks the machine type', () => {
    const matrix = build([m('7.2', 'pc-q35-7.2'), m('5.2', 'pc-q35-5.2'), m('11.1', 'pc-q35-7.2')], [], [qm('5.2'), qm('7.2'), qm('11.1')], { machine: 'pc-q35-7.2' });
    const into52 = cell(matrix, CONFIGURATION_ROW, '7.2', '5.2');
    expect(into52?.verdict).toBe('breaks');
    expect(into52?.findings.map((f) => f.kind)).toEqual(['machine-type-missing']);
    expect(cell(matrix, CONFIGURATION_ROW, '7.2', '11.1')?.findings.map((f) => `${f.kind}:${f.verdict}`)).toEqual(['machine-type:fine']);
    // 5.2 has no pc-q35-7.2 manifest: another one of the same binary stands in, and it says so.
    expect(matrix.notes.some((n) => n.startsWith('5.2: no manifest dumped with -machine pc-q35-7.2'))).toBe(true);
    expect(matrix.pairs.find((p) => p.source === '5.2')?.sourceOffersMachine).toBe(false);
  });

  it('narrows the columns of a version to its stream', async () => {
    const facts = await factsOf(join(FIXTURES, 'streams', '7.2', 'pc-q35-5.2-default.mig.gz'));
    const matrix = build(manifests, [{ version: '7.2', facts }], [qm('5.2'), qm('7.2'), qm('11.1')]);
    expect(matrix.machine).toBe('pc-q35-5.2');
    const narrowed = matrix.pairs.filter((p) => p.stream !== undefined);
    expect(narrowed.map((p) => `${p.source}>${p.dest}`)).toEqual(['7.2>5.2', '7.2>11.1']);
    expect(narrowed.every((p) => p.counts.breaks === 0)).toBe(true);
    expect(cell(matrix, 'nvme', '7.2', '11.1')?.inVm).toBe(false);
    expect(cell(matrix, 'e1000e', '7.2', '11.1')?.inVm).toBe(true);
    expect(cell(matrix, 'nvme', '5.2', '11.1')?.inVm).toBeUndefined();
  });

  it('refuses fewer than two versions, two streams for one version, a stream without a manifest', async () => {
    expect(compatMatrix([manifests[0] ?? m('5.2', 'pc-q35-5.2')]).ok).toBe(false);
    const facts = await factsOf(join(FIXTURES, 'streams', '7.2', 'pc-q35-5.2-default.mig.gz'));
    const dup = compatMatrix(manifests, [{ version: '7.2', facts }, { version: '7.2', facts }]);
    expect(!dup.ok && dup.error.code).toBe('DUPLICATE_STREAM');
    const orphan = compatMatrix(manifests, [{ version: '9.0', facts }]);
    expect(!orphan.ok && orphan.error.code).toBe('STREAM_WITHOUT_MANIFEST');
  });
});

describe('matrixLayout', () => {
  const matrix = build([m('5.2', 'pc-q35-5.2'), m('11.1', 'pc-q35-5.2')], [], [], { machine: 'pc-q35-5.2' });

  it('gives rows, columns and indexed cells', () => {
    const layout = matrixLayout(matrix);
    expect(layout.columns.map((c) => [c.key, c.label, c.index])).toEqual([
      ['5.2->11.1', '5.2 → 11.1', 0],
      ['11.1->5.2', '11.1 → 5.2', 1],
    ]);
    expect(layout.rows).toHaveLength(matrix.devices.length);
    expect(layout.cells).toHaveLength(layout.rows.length * layout.columns.length);
    for (const c of layout.cells) {
      expect(layout.rows[c.row]?.key).toBe(c.rowKey);
      expect(layout.columns[c.column]?.key).toBe(c.columnKey);
      expect(c.columnKey).toBe(columnKey(c.cell.source, c.cell.dest));
    }
  });

  it('hides fine rows and sorts by severity', () => {
    const layout = matrixLayout(matrix, { hideFine: true, order: 'severity' });
    expect(layout.rows.every((r) => r.verdict !== 'fine')).toBe(true);
    const ranks = layout.rows.map((r) => (r.verdict === 'breaks' ? 2 : 1));
    expect([...ranks].sort((a, b) => b - a)).toEqual(ranks);
    expect(layout.rows.map((r) => r.key)).toContain('nvme');
    expect(layout.rows.map((r) => r.key)).not.toContain('hpet');
    expect(layout.rows.map((r, i) => r.index === i).every(Boolean)).toBe(true);
  });
});
