import { describe, expect, it } from 'vitest';
import { boardCell, pairKey, releaseBoard } from './release-board.ts';
import { fourBuildBoard, loadBuild } from './test-support/four-builds.ts';

const board = fourBuildBoard('x86_64');
const cell = (qomType: string, source: string, dest: string) => boardCell(board, qomType, pairKey(source, dest));
const machine = (name: string) => board.machines.find((m) => m.name === name);

describe('the board of Debian 5.2, 7.2, 10.0 and 11.1 (x86_64)', () => {
  it('judges every ordered pair once, forward pairs first', () => {
    expect(board.builds).toEqual(['5.2', '7.2', '10.0', '11.1']);
    expect(board.pairs.map((p) => p.key)).toEqual(['5.2->7.2', '5.2->10.0', '5.2->11.1', '7.2->10.0', '7.2->11.1', '10.0->11.1', '7.2->5.2', '10.0->5.2', '10.0->7.2', '11.1->5.2', '11.1->7.2', '11.1->10.0']);
    expect(board.pairs.slice(0, 6).every((p) => p.direction === 'forward')).toBe(true);
  });

  it('has one row per QOM type: only isa-vga breaks into 11.1, PCI VGA does not', () => {
    // Both saved as "vga" up to 10.0; 11.1 saves isa-vga as "vga-isa" (hw/display/vga-isa.c).
    expect(cell('isa-vga', '10.0', '11.1')?.verdict).toBe('breaks');
    expect(cell('isa-vga', '10.0', '11.1')?.destSection).toBe('vga-isa');
    expect(cell('isa-vga', '10.0', '11.1')?.findings.map((f) => f.kind)).toEqual(['vmsd-renamed']);
    expect(cell('VGA', '10.0', '11.1')?.verdict).toBe('fine');
    expect(cell('VGA', '10.0', '11.1')?.section).toBe('vga');
    expect(board.rows.find((r) => r.qomType === 'isa-vga')?.sections).toEqual(['vga', 'vga-isa']);
  });

  it('a device without fields is at risk, never a certain failure nor fine', () => {
    // nvme is an empty placeholder vmsd (version 0) up to 10.0 and migrates from 11.1.
    const c = cell('nvme', '10.0', '11.1');
    expect(c?.comparable).toBe(false);
    expect(c?.opacity.source?.kind).toBe('no-fields');
    expect(c?.layoutVerdict).toBe('breaks');
    expect(c?.verdict).toBe('at-risk');
    expect(cell('nvme', '5.2', '7.2')?.verdict).toBe('at-risk');
  });

  it('a device with a device-defined field is at risk even where nothing changed', () => {
    const c = cell('virtio-net-device', '10.0', '11.1');
    expect(c?.layoutVerdict).toBe('fine');
    expect(c?.opacity.source).toEqual({ kind: 'opaque', where: ['virtio-net > virtio'] });
    expect(c?.verdict).toBe('at-risk');
  });

  it('byte buffers of a fixed capacity stay comparable: esp breaks from 7.2 to 10.0 (drq_state)', () => {
    const c = cell('am53c974', '7.2', '10.0');
    expect(c?.comparable).toBe(true);
    expect(c?.verdict).toBe('breaks');
    expect(c?.findings.find((f) => f.verdict === 'breaks')?.path).toBe('pciespscsi > esp > drq_state');
  });

  it('forward pairs break only for isa-vga and the esp family', () => {
    const broken = new Set(board.pairs.filter((p) => p.direction === 'forward').flatMap((p) => [...(board.cells.get(p.key)?.values() ?? [])].filter((c) => c.verdict === 'breaks').map((c) => c.qomType)));
    expect([...broken].sort()).toEqual(['am53c974', 'dc390', 'esp', 'isa-vga', 'sysbus-esp']);
  });

  it('gives every machine type the pairs of the builds that offer it', () => {
    expect(machine('pc-q35-2.4')?.offeredBy).toEqual(['5.2', '7.2', '10.0']);
    expect(machine('pc-q35-2.4')?.absentFrom).toEqual(['11.1']);
    expect(machine('pc-q35-2.4')?.pairs).toEqual(['5.2->7.2', '5.2->10.0', '7.2->10.0', '7.2->5.2', '10.0->5.2', '10.0->7.2']);
    expect(machine('pc-q35-5.2')?.pairs).toHaveLength(12);
    expect(machine('pc-q35-7.2')?.deprecatedIn).toEqual(['11.1']);
    expect(machine('pc-q35-11.1')?.pairs).toEqual([]);
    expect(machine('pc-q35-10.0')?.forward.breaks).toEqual(['isa-vga']);
    expect(board.machines.filter((m) => m.kind === 'versioned').length).toBeGreaterThan(80);
  });

  it('links compat properties that change migration state to the rows they name', () => {
    const links = machine('pc-q35-7.2')?.compatLinks ?? [];
    const gpu = links.find((l) => l.build === '11.1' && l.property === 'x-scanout-vmstate-version');
    expect(gpu).toMatchObject({ qomType: 'virtio-gpu-device', value: '1', relevance: 'device state', rows: ['virtio-gpu-device'] });
    expect(links.some((l) => l.qomType === 'migration' && l.relevance === 'stream')).toBe(true);
    // 5.2 and 7.2 cannot report compat properties (before 9.1): no links from them.
    expect(links.every((l) => l.build === '10.0' || l.build === '11.1')).toBe(true);
    expect(machine('pc-q35-11.1')?.compatLinks.filter((l) => l.relevance === 'device state')).toEqual([]);
  });

  it('refuses fewer than two builds', () => {
    const b = loadBuild('x86_64', '7.2');
    const r = releaseBoard([{ version: '7.2', manifest: b.manifest }]);
    expect(r.ok).toBe(false);
  });
});

describe('the aarch64 board (7.2, 10.0, 11.1)', () => {
  const arm = fourBuildBoard('aarch64');
  it('offers virt-7.2 everywhere and sees no certain break for the cpu', () => {
    expect(arm.builds).toEqual(['7.2', '10.0', '11.1']);
    expect(arm.machines.find((m) => m.name === 'virt-7.2')?.offeredBy).toEqual(['7.2', '10.0', '11.1']);
    // The cpu's register list is a runtime check (length and contents), not a layout change.
    for (const p of arm.pairs) expect(arm.cells.get(p.key)?.get(cpuType(arm))?.verdict).not.toBe('breaks');
  });
});

function cpuType(b: typeof board): string {
  return b.rows.find((r) => r.sections.includes('cpu'))?.qomType ?? 'cpu';
}
