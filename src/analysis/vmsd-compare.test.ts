import { describe, expect, it } from 'vitest';
import type { VmstateDescription, VmstateField } from '../manifest/vmstate-manifest.ts';
import { compareSection, type SentEvidence } from './vmsd-compare.ts';

let counter = 0;

function field(name: string, size: number, extra: Partial<Omit<VmstateField, 'field' | 'size'>> = {}): VmstateField {
  return { field: name, versionId: 0, minimumVersionId: undefined, fieldExists: false, size, num: undefined, description: undefined, jsonPath: `$.f${counter++}`, ...extra };
}

function vmsd(name: string, version: number, fields: readonly VmstateField[], extra: Partial<Omit<VmstateDescription, 'name' | 'versionId' | 'fields'>> = {}): VmstateDescription {
  return { name, versionId: version, minimumVersionId: extra.minimumVersionId ?? 1, fields, subsections: extra.subsections, keys: [], jsonPath: `$.d${counter++}` };
}

const verdicts = (src: VmstateDescription, dest: VmstateDescription, v = src.versionId, evidence?: SentEvidence): string[] =>
  compareSection(src, dest, v, { evidence }).map((f) => `${f.kind}:${f.verdict}`);

const evidence = (subsections: Record<string, number>, fields: Record<string, readonly string[]> = {}): SentEvidence => ({
  subsection: (name) => subsections[name] ?? false,
  field: (vmsdName, f) => {
    const list = fields[vmsdName];
    return list === undefined ? undefined : list.includes(f);
  },
});

describe('section versions (load-failures.md §2.3, §2.5)', () => {
  const dest = vmsd('timer', 2, [field('a', 4)], { minimumVersionId: 1 });

  it('breaks when the source version is above the destination version_id: "unsupported version"', () => {
    const found = compareSection(vmsd('timer', 3, [field('a', 4)]), dest, 3);
    expect(found.map((f) => `${f.kind}:${f.verdict}`)).toEqual(['version-too-new:breaks']);
    expect(found[0]?.reason).toContain("unsupported version 3 for 'timer' v2");
  });

  it('breaks when the source version is below the destination minimum_version_id: "too old"', () => {
    const found = compareSection(vmsd('timer', 0, [field('a', 4)]), dest, 0);
    expect(found.map((f) => `${f.kind}:${f.verdict}`)).toEqual(['version-too-old:breaks']);
    expect(found[0]?.reason).toContain('incoming version_id 0 is too old for local minimum version_id 1');
  });

  it('accepts any version in [minimum_version_id, version_id]', () => {
    expect(verdicts(vmsd('timer', 1, [field('a', 4)]), dest)).toEqual(['version-accepted:fine']);
    expect(verdicts(vmsd('timer', 2, [field('a', 4)]), dest)).toEqual([]);
  });
});

describe('field layout at the incoming version', () => {
  it('a field the destination adds with version_id above the source version is fine (gated)', () => {
    const src = vmsd('rtc', 2, [field('a', 4), field('b', 4)]);
    const dest = vmsd('rtc', 3, [field('a', 4), field('b', 4), field('c', 8, { versionId: 3 })]);
    expect(verdicts(src, dest)).toEqual(['version-accepted:fine', 'field-gated:fine']);
  });

  it('a field added without a version bump breaks (the destination reads past: "Missing section footer")', () => {
    const src = vmsd('rtc', 2, [field('a', 4)]);
    const dest = vmsd('rtc', 2, [field('a', 4), field('c', 8)]);
    const found = compareSection(src, dest, 2, { idstr: '0000:00:1f.0/rtc' });
    expect(found.map((f) => `${f.kind}:${f.verdict}`)).toEqual(['field-added:breaks']);
    expect(found[0]?.reason).toContain('Missing section footer for 0000:00:1f.0/rtc');
  });

  it('a field removed without a version bump breaks', () => {
    expect(verdicts(vmsd('x', 1, [field('a', 4), field('b', 2)]), vmsd('x', 1, [field('a', 4)]))).toEqual(['field-removed:breaks']);
  });

  it('a field whose size changed breaks', () => {
    expect(verdicts(vmsd('x', 1, [field('a', 4)]), vmsd('x', 1, [field('a', 8)]))).toEqual(['field-size:breaks']);
    expect(verdicts(vmsd('x', 1, [field('a', 4, { num: 4 })]), vmsd('x', 1, [field('a', 4, { num: 8 })]))).toEqual(['field-size:breaks']);
    // An older manifest without `num` says nothing about the count.
    expect(verdicts(vmsd('x', 1, [field('a', 4)]), vmsd('x', 1, [field('a', 4, { num: 8 })]))).toEqual([]);
  });

  it('a rename with the same size and position is fine; a different size there breaks', () => {
    expect(verdicts(vmsd('x', 1, [field('old', 4), field('b', 1)]), vmsd('x', 1, [field('new', 4), field('b', 1)]))).toEqual(['field-renamed:fine']);
    expect(verdicts(vmsd('x', 1, [field('old', 4), field('b', 1)]), vmsd('x', 1, [field('new', 2), field('b', 1)]))).toEqual(['field-layout:breaks']);
  });

  it('"present since" versions that differ are fine when both read the field (the script calls it a version error)', () => {
    // mc146818rtc: 5.2 has base_rtc since v3, 11.1 since v0 with minimum 3.
    const src = vmsd('mc146818rtc', 3, [field('cmos', 128), field('base_rtc', 8, { versionId: 3 })]);
    const dest = vmsd('mc146818rtc', 3, [field('cmos', 128), field('base_rtc', 8)], { minimumVersionId: 3 });
    expect(verdicts(src, dest)).toEqual(['version-accepted:fine', 'field-version:fine']);
  });

  it('an unused gap stands for fields of the same total size, also when the older manifest omits array lengths', () => {
    // sb16 in 11.1: five 4-byte fields became `unused` of 20 bytes.
    const src = vmsd('sb16', 1, ['irq', 'dma', 'hdma', 'port', 'ver'].map((n) => field(n, 4)).concat([field('cmd', 4)]));
    const dest = vmsd('sb16', 1, [field('unused', 20), field('cmd', 4)]);
    expect(verdicts(src, dest)).toEqual(['field-unused:fine']);
    // e1000e: a 5-element bool array (5.2 manifest: element size 1, no num) became unused 5.
    const e1 = vmsd('e1000e', 1, [field('eitr_intr_pending', 1), field('itr_guest_value', 4)]);
    const e2 = vmsd('e1000e', 1, [field('unused', 5), field('itr_guest_value', 4)]);
    const found = compareSection(e1, e2, 1);
    expect(found.map((f) => `${f.kind}:${f.verdict}`)).toEqual(['field-unused:fine']);
    expect(found[0]?.reason).toContain('assuming the array');
    // A gap that no run of fields fills breaks.
    expect(verdicts(vmsd('x', 1, [field('a', 4), field('b', 8)]), vmsd('x', 1, [field('unused', 6), field('b', 8)]))).toEqual(['field-layout:breaks']);
  });

  it('a run of fields wrapped into a struct on one side reads the same bytes', () => {
    const inner = vmsd('inner', 1, [field('a', 4), field('b', 4)]);
    const src = vmsd('x', 1, [field('a', 4), field('b', 4), field('c', 1)]);
    const dest = vmsd('x', 1, [field('s', 64, { description: inner }), field('c', 1)]);
    expect(verdicts(src, dest)).toEqual([]);
  });

  it('a nested struct is read at each side\'s own version: a field the destination struct adds breaks', () => {
    const s1 = vmsd('hpet_timer', 1, [field('tn', 1)]);
    const s2 = vmsd('hpet_timer', 2, [field('tn', 1), field('extra', 8, { versionId: 2 })]);
    const src = vmsd('hpet', 2, [field('timer', 64, { description: s1 })]);
    const dest = vmsd('hpet', 2, [field('timer', 80, { description: s2 })]);
    expect(verdicts(src, dest)).toEqual(['struct-version:fine', 'field-added:breaks']);
  });
});

describe('conditional fields (field_exists) and the stream as evidence', () => {
  const src = vmsd('piix4_pm', 3, [field('a', 4), field('acpi_index', 4, { fieldExists: true })]);
  const dest = vmsd('piix4_pm', 3, [field('a', 4)]);

  it('a conditional field only the source has is at risk without a stream (QEMU issue #932)', () => {
    expect(verdicts(src, dest)).toEqual(['field-conditional:at-risk']);
  });

  it('breaks when the stream shows it was sent, is fine when it was not', () => {
    expect(verdicts(src, dest, 3, evidence({}, { piix4_pm: ['a', 'acpi_index'] }))).toEqual(['field-conditional:breaks']);
    expect(verdicts(src, dest, 3, evidence({}, { piix4_pm: ['a'] }))).toEqual(['field-conditional:fine']);
  });

  it('a conditional field on both sides is fine; two same-named alternatives line up by size', () => {
    const pci = vmsd('PCIDevice', 2, [field('config', 256, { fieldExists: true }), field('config', 4096, { fieldExists: true }), field('irq', 16)]);
    expect(verdicts(pci, pci)).toEqual([]);
  });

  it('a destination-only conditional field is at risk', () => {
    expect(verdicts(dest, src)).toEqual(['field-conditional:at-risk']);
  });
});

describe('subsections', () => {
  const sub = vmsd('pckbd/extended_state', 0, [field('flags', 4)], { minimumVersionId: 0 });
  const src = vmsd('pckbd', 3, [field('a', 1)], { subsections: [sub] });
  const dest = vmsd('pckbd', 3, [field('a', 1)]);

  it('one the source may send and the destination lacks is at risk without a stream', () => {
    expect(verdicts(src, dest)).toEqual(['subsection-missing:at-risk']);
  });

  it('breaks when the stream contains it (ENOENT), is fine when it does not', () => {
    const sent = compareSection(src, dest, 3, { evidence: evidence({ 'pckbd/extended_state': 0 }) });
    expect(sent.map((f) => `${f.kind}:${f.verdict}`)).toEqual(['subsection-missing:breaks']);
    expect(sent[0]?.reason).toContain('No such file or directory');
    expect(verdicts(src, dest, 3, evidence({}))).toEqual(['subsection-missing:fine']);
  });

  it('checks a known subsection\'s incoming version, capped at risk when it may not be sent', () => {
    const newer = vmsd('pckbd', 3, [field('a', 1)], { subsections: [vmsd('pckbd/extended_state', 2, [field('flags', 4)], { minimumVersionId: 0 })] });
    const older = vmsd('pckbd', 3, [field('a', 1)], { subsections: [sub] });
    expect(verdicts(newer, older)).toEqual(['version-too-new:at-risk']);
    expect(verdicts(newer, older, 3, evidence({ 'pckbd/extended_state': 2 }))).toEqual(['version-too-new:breaks']);
    // Its layout is compared too, and a layout break inside is only at risk without a stream.
    const wider = vmsd('pckbd', 3, [field('a', 1)], { subsections: [vmsd('pckbd/extended_state', 0, [field('flags', 8)], { minimumVersionId: 0 })] });
    const found = compareSection(wider, older, 3);
    expect(found.map((f) => `${f.kind}:${f.verdict}`)).toEqual(['field-size:at-risk']);
    expect(found[0]?.reason).toContain('only if the source sends subsection pckbd/extended_state');
  });

  it('one only the destination has is fine and not reported', () => {
    expect(verdicts(dest, src)).toEqual([]);
  });
});
