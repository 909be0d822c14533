import { describe, expect, it } from 'vitest';
import type { DecodedNode } from '../model.ts';
import { stream } from '../test-support/stream-builder.ts';
import { decodeManifestBody, type ManifestBodyInput } from './manifest-body.ts';
import type { SchemaField, SchemaVmsd } from './schema.ts';

/** Schema pieces, as a parsed -dump-vmstate manifest gives them. */
const leaf = (field: string, size: number, more: Partial<SchemaField> = {}): SchemaField => ({ field, versionId: 0, fieldExists: false, size, num: undefined, description: undefined, ...more });
const vmsd = (name: string, fields: SchemaField[], subsections?: SchemaVmsd[], versionId = 1): SchemaVmsd => ({ name, versionId, fields, subsections });
const struct = (field: string, desc: SchemaVmsd, more: Partial<SchemaField> = {}): SchemaField => ({ ...leaf(field, 999), description: desc, ...more });

function run(bytes: ArrayLike<number>, v: SchemaVmsd, more: Partial<ManifestBodyInput> = {}) {
  return decodeManifestBody({ bytes: Uint8Array.from(bytes), base: 0x100, vmsd: v, version: 1, path: ['dev#0'], inferCounts: true, ...more });
}

function lines(nodes: readonly DecodedNode[]): string[] {
  const out: string[] = [];
  const visit = (list: readonly DecodedNode[]) => {
    for (const n of list) {
      const v = typeof n.value === 'object' ? `@${n.value.offset}+${n.value.length}` : String(n.value);
      out.push(`${n.kind} ${n.path.slice(1).join('/')} ${n.start.toString(16)}-${n.end?.toString(16)} ${v}`);
      if (n.children !== undefined) visit(n.children);
    }
  };
  visit(nodes);
  return out;
}

const sub = (name: string, version: number) => {
  const b = stream(false).u8(0x05).str(name).u32(version);
  return Array.from(b.bytes());
};

describe('a body decoded with a manifest as its schema', () => {
  it('reads fields in order, by the section version, with unsigned values and QEMU names for duplicates', () => {
    const v = vmsd('dev', [leaf('a', 2), leaf('new', 4, { versionId: 2 }), leaf('unused', 1), leaf('b', 4, { num: 2 }), leaf('unused', 3)]);
    const r = run([0xff, 0xfe, 7, 0, 0, 0, 1, 0, 0, 0, 2, 9, 9, 9], v);
    expect(r.ok && lines(r.children)).toEqual([
      'field a 100-102 65534',
      'field unused[0] 102-103 7',
      'field b[0] 103-107 1',
      'field b[1] 107-10b 2',
      'field unused[1] 10b-10e @267+3',
    ]);
  });

  it('a field a test function decides is present or absent as the bytes need, and says so', () => {
    const v = vmsd('fw_cfg', [leaf('cur_entry', 2), leaf('cur_offset', 4, { fieldExists: true }), leaf('cur_offset', 4, { versionId: 2 })]);
    const r = run([0, 0xe, 0, 0, 0, 2], v, { version: 2 });
    expect(r.ok && lines(r.children)).toEqual(['field cur_entry 100-102 14', 'field cur_offset[1] 102-106 2']);
    expect(r.ok && r.inferred).toEqual(['cur_offset[0] absent (a test function decides)']);
  });

  it('subsections by their markers, nested structs with their own version', () => {
    const inner = vmsd('inner', [leaf('x', 1), leaf('y', 1, { versionId: 3 })], [vmsd('inner/s', [leaf('z', 2)])], 3);
    const v = vmsd('dev', [struct('s', inner, { num: 2 })], [vmsd('dev/one', [leaf('q', 1)]), vmsd('dev/two', [leaf('w', 1)])]);
    const body = [1, 2, 3, 4, ...sub('inner/s', 1), 0, 9, ...sub('dev/two', 1), 6];
    const r = run(body, v);
    // The second element's subsection is found by its header; of the device's two, the second.
    expect(r.ok && lines(r.children)).toEqual([
      'struct s[0] 100-102 undefined',
      'field s[0]/x 100-101 1',
      'field s[0]/y 101-102 2',
      'struct s[1] 102-113 undefined',
      'field s[1]/x 102-103 3',
      'field s[1]/y 103-104 4',
      'subsection s[1]/inner/s 104-113 1',
      'field s[1]/inner/s/z 111-113 9',
      'subsection dev/two 113-121 1',
      'field dev/two/w 120-121 6',
    ]);
  });

  it('a variable array: its count from the bytes, the value read before it named as evidence', () => {
    const timer = vmsd('hpet_timer', [leaf('tn', 1), leaf('cmp', 2)]);
    const v = vmsd('hpet', [leaf('num_timers_save', 1), struct('timer', timer)]);
    const r = run([3, 0, 0, 1, 1, 0, 2, 2, 0, 3], v);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.children.map((n) => n.name)).toEqual(['num_timers_save', 'timer[0]', 'timer[1]', 'timer[2]']);
    expect(r.inferred.join(' ')).toContain("timer: 3 elements (the manifest gives no count; the bytes up to the footer need this one, the value of 'num_timers_save' read before it)");
  });

  it('without array counts in the manifest (QEMU 9.x and older) no count is inferred', () => {
    const v = vmsd('ioapic', [leaf('id', 1), leaf('ioredtbl', 8)]);
    const body = [1, ...new Array(24 * 8).fill(0)];
    expect(run(body, v, { inferCounts: false })).toMatchObject({ ok: false, reason: expect.stringContaining('prints no array counts') });
    // With one element each it fits: that is read.
    expect(run([1, 0, 0, 0, 0, 0, 0, 0, 2], v, { inferCounts: false }).ok).toBe(true);
  });

  it('two layouts that fit equally are not guessed between', () => {
    const v = vmsd('dev', [leaf('a', 1, { fieldExists: true }), leaf('b', 1, { fieldExists: true })]);
    expect(run([5], v)).toMatchObject({ ok: false, reason: expect.stringContaining('more than one way') });
  });

  it('a layout never reads a subsection header as data', () => {
    // One `data` element does not fit; two do, then the subsection. Sixteen would fit too, but
    // only by reading the subsection's header as data.
    const v = vmsd('dev', [leaf('n', 1), leaf('data', 1)], [vmsd('dev/s', [leaf('x', 1)])]);
    const r = run([2, 7, 8, ...sub('dev/s', 1), 3], v);
    expect(r.ok && r.children.map((n) => n.name)).toEqual(['n', 'data[0]', 'data[1]', 'dev/s']);
    // `n` as two elements fits as well; the count that equals a value read before it wins.
    expect(r.ok && r.inferred).toEqual([
      "data: 2 elements (the manifest gives no count; the bytes up to the footer need this one, the value of 'n' read before it)",
      "2 layouts fit the bytes; this one is shown because its count is the nearest to one and equals a value read before it in the same struct, as QEMU takes a variable array's count from a field",
    ]);
  });

  it('a field without a size: the rest of the body when it is last, otherwise the manifest cannot say', () => {
    const last = vmsd('virtio-net', [leaf('virtio', 0)]);
    const r = run([1, 2, 3, 4], last);
    expect(r.ok && lines(r.children)).toEqual(['field virtio 100-104 @256+4']);
    expect(r.ok && r.unsized).toEqual(['virtio']);
    const middle = vmsd('dev', [leaf('msix', 0), leaf('x', 4)]);
    expect(run([1, 2, 3, 4, 5], middle)).toMatchObject({ ok: false, reason: expect.stringContaining("field 'msix' has no size") });
  });

  it('no layout, and a search too large, are reasons, not guesses', () => {
    expect(run([1, 2, 3], vmsd('dev', [leaf('a', 2)]))).toMatchObject({ ok: false, reason: expect.stringContaining('ends at the footer') });
    // 2^40 ways to choose fields of 2 bytes, none of which makes 21.
    const many = vmsd('dev', Array.from({ length: 40 }, (_, i) => leaf(`t${i}`, 2, { fieldExists: true })));
    expect(run(new Array(21).fill(0), many, { maxSteps: 1000 })).toMatchObject({ ok: false, reason: expect.stringContaining('would have to be tried') });
  });

  it('a subsection version newer than the manifest is a disagreement', () => {
    const v = vmsd('dev', [leaf('a', 1)], [vmsd('dev/s', [leaf('x', 1)], undefined, 1)]);
    const r = run([1, ...sub('dev/s', 2), 3], v);
    expect(r.ok && r.disagreements).toEqual(["subsection 'dev/s' has version 2, the manifest's build writes 1"]);
  });
});
