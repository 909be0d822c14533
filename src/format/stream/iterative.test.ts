import { describe, expect, it } from 'vitest';
import { bytesSource, decodeStream } from '../index.ts';
import type { DecodedNode, DecodeResult } from '../model.ts';
import { analyzeState } from '../views/analyze-view.ts';
import { stream } from '../test-support/stream-builder.ts';

const body = (r: DecodeResult, type: string): DecodedNode[] =>
  (r.sections.find((s) => s.type === type && s.bodyDecoder === 'iterative')?.node.children ?? []).filter((c) => c.kind !== 'header' && c.kind !== 'footer');

describe('spapr/htab (hw/ppc/spapr.c htab_save_*)', () => {
  // START: htab_shift 18 (16384 HPTEs); PART: one chunk of 2 valid + 3 cleared HPTEs, the end
  // marker; END: no chunks; then a radix guest's -1 in a second handler's START.
  const hptes = Array.from({ length: 32 }, (_, i) => i);
  const b = stream()
    .config('pseries-7.2')
    .u8(0x01).u32(9).str('spapr/htab').u32(0).u32(1).u32(18).footer(9)
    .u8(0x02).u32(9).u32(0).u32(100).u16(2).u16(3).raw(hptes).u32(0).u16(0).u16(0).footer(9)
    .u8(0x03).u32(9).u32(0).u32(0).u16(0).u16(0).footer(9)
    .eof()
    .vmdesc();

  it('reads the shift, the chunks and the end markers, and analyze prints "" like the script', async () => {
    const bytes = b.bytes();
    const r = await decodeStream(bytesSource(bytes));
    expect(r.error).toBeUndefined();
    expect(r.sections.map((s) => [s.type, s.bodyDecoder])).toEqual([
      ['START', 'iterative'],
      ['PART', 'iterative'],
      ['END', 'iterative'],
    ]);
    expect(body(r, 'START').map((n) => [n.name, n.value])).toEqual([['htab_shift', 18]]);
    const part = body(r, 'PART');
    expect(part.map((n) => n.name)).toEqual(['header', 'chunks', 'end']);
    const chunk = part[1]!.children![0]!;
    expect(chunk.children!.map((n) => [n.name, n.value])).toEqual([
      ['index', 100],
      ['n_valid', 2],
      ['n_invalid', 3],
      ['hptes', { offset: chunk.start + 8, length: 32 }],
    ]);
    expect(part[1]!.note).toBe('1 chunks: 2 valid HPTEs sent, 3 cleared');
    expect(body(r, 'END').map((n) => n.name)).toEqual(['header', 'end']);
    expect(await analyzeState(r, bytesSource(bytes))).toEqual({ 'spapr/htab (9)': '' });
  });

  it('warns where htab_load would refuse an index past the table', async () => {
    const bad = stream()
      .config('pseries-7.2')
      .u8(0x01).u32(9).str('spapr/htab').u32(0).u32(1).u32(8).footer(9)
      .u8(0x03).u32(9).u32(0).u32(15).u16(1).u16(1).raw(new Array(16).fill(0)).u32(0).u16(0).u16(0).footer(9)
      .eof()
      .bytes();
    const r = await decodeStream(bytesSource(bad));
    expect(r.error).toBeUndefined();
    expect(r.diagnostics.map((d) => d.code)).toContain('HTAB_BAD_INDEX');
  });

  it('a version htab_load refuses is left opaque, said why', async () => {
    const v2 = stream().config('pseries-7.2').u8(0x01).u32(9).str('spapr/htab').u32(0).u32(2).u32(18).footer(9).eof().bytes();
    const r = await decodeStream(bytesSource(v2));
    expect(r.sections[0]?.bodyDecoder).toBe('opaque');
    expect(r.diagnostics.map((d) => d.code)).toContain('SECTION_VERSION_UNKNOWN');
  });

  it('a chunk cut short is UNEXPECTED_EOF inside the section', async () => {
    const cut = b.bytes().slice(0, 60);
    const r = await decodeStream(bytesSource(cut));
    expect(r.error?.code).toBe('UNEXPECTED_EOF');
  });
});

describe('s390-storage_attributes (hw/s390x/s390-stattrib.c cmma_save)', () => {
  it('MORE blocks, DONE and EOS', async () => {
    const b = stream()
      .config('s390-ccw-virtio-7.2')
      .u8(0x01).u32(3).str('s390-storage_attributes').u32(0).u32(0).u64(0x01).footer(3)
      .u8(0x03).u32(3).u64(0x5000 | 0x02).u64(4).raw([1, 2, 3, 4]).u64(0x08).u64(0x01).footer(3)
      .eof()
      .bytes();
    const r = await decodeStream(bytesSource(b));
    expect(r.error).toBeUndefined();
    expect(body(r, 'START').map((n) => n.name)).toEqual(['eos']);
    const end = body(r, 'END');
    expect(end.map((n) => n.name)).toEqual(['block[0]', 'done', 'eos']);
    expect(end[0]!.children!.map((n) => [n.name, n.value])).toEqual([
      ['address', 0x5000n],
      ['count', 4n],
      ['attributes', { offset: end[0]!.start + 16, length: 4 }],
    ]);
    expect(await analyzeState(r, bytesSource(b))).toEqual({ 's390-storage_attributes (3)': '' });
  });

  it('a flag cmma_load refuses: diagnostic, the rest found by its footer', async () => {
    const b = stream()
      .config('s390-ccw-virtio-7.2')
      .u8(0x01).u32(3).str('s390-storage_attributes').u32(0).u32(0).u64(0x04).u64(0x01).footer(3)
      .eof()
      .bytes();
    const r = await decodeStream(bytesSource(b));
    expect(r.error).toBeUndefined();
    expect(r.diagnostics.map((d) => d.code)).toContain('STATTR_BAD_FLAGS');
    expect(body(r, 'START').map((n) => [n.kind, n.end! - n.start])).toEqual([['opaque', 16]]);
  });
});
