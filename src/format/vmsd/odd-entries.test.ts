import { describe, expect, it } from 'vitest';
import { bytesSource, decodeStream } from '../index.ts';
import type { DecodedNode, DecodeResult } from '../model.ts';
import { stream } from '../test-support/stream-builder.ts';

/**
 * A vmdesc entry that is odd but meaningful costs its own device, never the whole description
 * (issue 13): device `odd` (id 5) holds the entry, device `fine` (id 6) after it must decode as
 * usual, and a diagnostic names `odd`.
 */
async function decodeWith(oddBody: readonly number[], oddDevice: unknown): Promise<DecodeResult> {
  const b = stream().config('pc');
  b.u8(0x04).u32(5).str('odd').u32(0).u32(1).raw(oddBody).footer(5);
  b.u8(0x04).u32(6).str('fine').u32(0).u32(1).u32(0xcafe).footer(6).eof();
  const fine = { name: 'fine', instance_id: 0, vmsd_name: 'fine', version: 1, fields: [{ name: 'x', type: 'uint32', size: 4 }] };
  b.vmdesc({ devices: [oddDevice, fine] as never });
  return decodeStream(bytesSource(b.bytes()));
}

const device = (fields: unknown, extra: object = {}): unknown => ({ name: 'odd', instance_id: 0, vmsd_name: 'odd', version: 1, fields, ...extra });
const section = (r: DecodeResult, idstr: string) => r.sections.find((s) => s.idstr === idstr)!;
const body = (r: DecodeResult, idstr: string): DecodedNode[] => (section(r, idstr).node.children ?? []).filter((c) => c.kind !== 'header' && c.kind !== 'footer');

function expectOnlyOddDegraded(r: DecodeResult): void {
  expect(r.error).toBeUndefined();
  expect(r.complete).toBe(true);
  expect(r.vmdesc).toBeDefined();
  expect(body(r, 'fine').map((n) => [n.name, n.value])).toEqual([['x', 0xcafe]]);
  const d = r.diagnostics.find((x) => x.code === 'VMDESC_ENTRY_UNUSABLE');
  expect(d?.message).toMatch(/^odd: /);
}

describe('odd vmdesc entries degrade one device', () => {
  it('a struct without fields: the fields before it decode, the rest is opaque up to the footer', async () => {
    const r = await decodeWith([0, 0, 0, 7, 1, 2, 3, 4], device([
      { name: 'a', type: 'uint32', size: 4 },
      { name: 's', type: 'struct', struct: { vmsd_name: 'inner', version: 1 }, size: 4 },
    ]));
    expectOnlyOddDegraded(r);
    const nodes = body(r, 'odd');
    expect(nodes.map((n) => [n.kind, n.name])).toEqual([['field', 'a'], ['struct', 's'], ['opaque', 'rest']]);
    expect(nodes[0]?.value).toBe(7);
    const s = section(r, 'odd');
    expect(nodes[1]).toMatchObject({ start: s.bodyStart + 4, end: s.bodyStart + 4 });
    expect(nodes[2]).toMatchObject({ start: s.bodyStart + 4, end: s.bodyStart + 8, value: { offset: s.bodyStart + 4, length: 4 } });
    expect(r.diagnostics.find((x) => x.code === 'VMDESC_ENTRY_UNUSABLE')?.message).toContain("'s'");
  });

  it("7.2's NULL pointer: a struct entry with no fields and size 1 is the 0x30 marker", async () => {
    // Non-compressible arrays get one entry per element (with `index`); each NULL one is 0x30.
    const elem = (index: number) => ({ name: 'css', index, type: 'struct', struct: {}, size: 1 });
    const r = await decodeStream(
      bytesSource(
        stream()
          .config('pc')
          .u8(0x04).u32(5).str('odd').u32(0).u32(1).raw([0x30, 0x30, 9]).footer(5).eof()
          .vmdesc({ devices: [device([elem(0), elem(1), { name: 'n', type: 'uint8', size: 1 }])] as never })
          .bytes(),
      ),
    );
    expect(r.error).toBeUndefined();
    expect(r.diagnostics).toEqual([]);
    expect(body(r, 'odd').map((n) => [n.name, n.value])).toEqual([['css[0]', 'NULL'], ['css[1]', 'NULL'], ['n', 9]]);
  });

  it('an array of pointers compressed from its NULL first element (s390x s390_css.css) stops at the second element', async () => {
    const r = await decodeWith([1, 0x30, 0x30, 0, 0, 0, 5, 0x30, 2], device([
      { name: 'b', type: 'bool', size: 1 },
      { name: 'css', array_len: 3, type: 'struct', struct: {}, size: 1 },
      { name: 'default_cssid', type: 'uint8', size: 1 },
    ]));
    expectOnlyOddDegraded(r);
    const nodes = body(r, 'odd');
    expect(nodes.map((n) => [n.name, n.value])).toEqual([['b', true], ['css[0]', 'NULL'], ['rest', { offset: section(r, 'odd').bodyStart + 2, length: 7 }]]);
    expect(r.diagnostics.find((x) => x.code === 'VMDESC_ENTRY_UNUSABLE')?.message).toContain("'css[1]'");
  });

  it('an empty array of structs and a struct with an empty field list take no bytes', async () => {
    const r = await decodeWith([0, 0, 0, 3], device([
      { name: 'none', array_len: 0, type: 'struct', struct: { vmsd_name: 'e', version: 1, fields: [] }, size: 0 },
      { name: 'empty', type: 'struct', struct: { vmsd_name: 'e', version: 1, fields: [] }, size: 0 },
      { name: 'x', type: 'uint32', size: 4 },
    ]));
    expect(r.error).toBeUndefined();
    expect(r.diagnostics).toEqual([]);
    expect(body(r, 'odd').map((n) => [n.name, n.value ?? null])).toEqual([['empty', null], ['x', 3]]);
  });

  it('an unknown field type is its size in bytes, with a diagnostic naming the device', async () => {
    const r = await decodeWith([1, 2, 3, 0, 0, 0, 4], device([
      { name: 'blob', type: 'no-such-info', size: 3 },
      { name: 'y', type: 'uint32', size: 4 },
    ]));
    expect(r.error).toBeUndefined();
    const nodes = body(r, 'odd');
    expect(nodes.map((n) => [n.name, n.type])).toEqual([['blob', 'no-such-info'], ['y', 'uint32']]);
    expect(nodes[1]?.value).toBe(4);
    const d = r.diagnostics.find((x) => x.code === 'VMDESC_UNKNOWN_TYPE');
    expect(d?.message).toMatch(/^odd: field 'blob' has type 'no-such-info'/);
  });

  it('a device entry without a field list is opaque from its first byte', async () => {
    const r = await decodeWith([1, 2], { name: 'odd', instance_id: 0, vmsd_name: 'odd', version: 1 });
    expectOnlyOddDegraded(r);
    expect(body(r, 'odd').map((n) => [n.kind, n.start - section(r, 'odd').bodyStart, n.end! - n.start])).toEqual([['opaque', 0, 2]]);
  });

  it('a field entry without a size, and a malformed subsection list', async () => {
    const noSize = await decodeWith([0, 0, 0, 1, 5], device([{ name: 'a', type: 'uint32', size: 4 }, { name: 'b', type: 'uint8' }]));
    expectOnlyOddDegraded(noSize);
    expect(body(noSize, 'odd').map((n) => n.name)).toEqual(['a', 'rest']);
    const badSubs = await decodeWith([0, 0, 0, 1], device([{ name: 'a', type: 'uint32', size: 4 }], { subsections: [{ version: 1 }] }));
    expectOnlyOddDegraded(badSubs);
  });

  it('a device entry that is not an object is dropped; its section is found by its footer', async () => {
    const r = await decodeWith([1, 2, 3], 'not a device');
    expect(r.error).toBeUndefined();
    expect(section(r, 'odd').bodyDecoder).toBe('opaque');
    expect(section(r, 'fine').bodyDecoder).toBe('vmdesc');
    expect(r.diagnostics.map((d) => d.code)).toContain('VMDESC_ENTRY_UNUSABLE');
  });

  it('a description without a devices list is still unusable as a whole', async () => {
    const b = stream().config('pc').u8(0x04).u32(5).str('odd').u32(0).u32(1).u32(1).footer(5).eof();
    const json = new TextEncoder().encode('{"page_size": 4096, "devices": {}}');
    const r = await decodeStream(bytesSource(b.u8(0x06).u32(json.length).raw(json).bytes()));
    expect(r.diagnostics.map((d) => d.code)).toContain('VMDESCRIPTION_INVALID');
    expect(section(r, 'odd').bodyDecoder).toBe('opaque');
  });
});
