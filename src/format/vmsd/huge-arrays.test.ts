import { describe, expect, it } from 'vitest';
import { bytesSource, decodeStream } from '../index.ts';
import type { DecodedNode, DecodeResult } from '../model.ts';
import { stream } from '../test-support/stream-builder.ts';
import { ARRAY_ELEMENTS_LISTED } from './body.ts';

/**
 * A vmdesc may claim any array length (issue 18): the decode stays bounded in nodes and time,
 * and a device after the hostile one still decodes.
 */
async function decodeArray(bodyBytes: Uint8Array, field: object): Promise<DecodeResult> {
  const b = stream().config('pc');
  b.u8(0x04).u32(5).str('big').u32(0).u32(1).raw(bodyBytes).u8(7).footer(5);
  b.u8(0x04).u32(6).str('fine').u32(0).u32(1).u32(0xcafe).footer(6).eof();
  const big = { name: 'big', instance_id: 0, vmsd_name: 'big', version: 1, fields: [field, { name: 'after', type: 'uint8', size: 1 }] };
  const fine = { name: 'fine', instance_id: 0, vmsd_name: 'fine', version: 1, fields: [{ name: 'x', type: 'uint32', size: 4 }] };
  b.vmdesc({ devices: [big, fine] as never });
  return decodeStream(bytesSource(b.bytes()));
}

const section = (r: DecodeResult, idstr: string) => r.sections.find((s) => s.idstr === idstr)!;
const body = (r: DecodeResult, idstr: string): DecodedNode[] => (section(r, idstr).node.children ?? []).filter((c) => c.kind !== 'header' && c.kind !== 'footer');

describe('huge vmdesc arrays', () => {
  it(`an integer array up to ${ARRAY_ELEMENTS_LISTED} elements is listed element by element`, async () => {
    const bytes = new Uint8Array(ARRAY_ELEMENTS_LISTED).map((_, i) => i & 0xff);
    const r = await decodeArray(bytes, { name: 'a', array_len: ARRAY_ELEMENTS_LISTED, type: 'uint8', size: 1 });
    expect(r.error).toBeUndefined();
    const nodes = body(r, 'big');
    expect(nodes).toHaveLength(ARRAY_ELEMENTS_LISTED + 1);
    expect(nodes[ARRAY_ELEMENTS_LISTED - 1]).toMatchObject({ name: `a[${ARRAY_ELEMENTS_LISTED - 1}]`, value: 0xff });
  });

  it('a longer integer array is one node holding its byte range; the fields after it and the next device decode', async () => {
    const count = 3_000_000;
    const r = await decodeArray(new Uint8Array(count * 2), { name: 'a', array_len: count, type: 'uint16', size: 2 });
    expect(r.error).toBeUndefined();
    const start = section(r, 'big').bodyStart;
    const nodes = body(r, 'big');
    expect(nodes.map((n) => [n.name, n.value])).toEqual([
      [`a[0..${count - 1}]`, { offset: start, length: count * 2 }],
      ['after', 7],
    ]);
    expect(nodes[0]).toMatchObject({ path: ['big#0', `a[0..${count - 1}]`], start, end: start + count * 2, type: 'uint16' });
    expect(r.diagnostics.find((d) => d.code === 'ARRAY_AS_RANGE')).toMatchObject({ offset: start, message: expect.stringMatching(/^big: 'a' has 3000000 elements of uint16/) });
    expect(body(r, 'fine').map((n) => [n.name, n.value])).toEqual([['x', 0xcafe]]);
  });

  it('a claimed length past the end of the stream is UNEXPECTED_EOF at the array, not a billion nodes', async () => {
    const r = await decodeArray(new Uint8Array(16), { name: 'a', array_len: 1_000_000_000, type: 'uint32', size: 4 });
    const start = section(r, 'big').bodyStart;
    expect(r.error).toMatchObject({ code: 'UNEXPECTED_EOF', offset: start, path: ['big#0', 'a[0..999999999]'] });
  });

  it('a long array of zero-size structs costs its own device, without a loop over its elements', async () => {
    const t0 = performance.now();
    const r = await decodeArray(new Uint8Array(4), { name: 's', array_len: 2_000_000_000, type: 'struct', struct: { vmsd_name: 'e', version: 1, fields: [] }, size: 0 });
    expect(performance.now() - t0).toBeLessThan(5_000);
    expect(r.error).toBeUndefined();
    expect(body(r, 'big').map((n) => n.kind)).toEqual(['opaque']);
    expect(r.diagnostics.find((d) => d.code === 'VMDESC_ENTRY_UNUSABLE')?.message).toContain('2000000000 struct elements');
    expect(body(r, 'fine').map((n) => [n.name, n.value])).toEqual([['x', 0xcafe]]);
  });
});
