import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bytesSource, decodeStream } from '../index.ts';
import type { DecodeResult, DecodedNode } from '../model.ts';
import { stream } from '../test-support/stream-builder.ts';
import { VFIO_CONFIG_BYTES, VFIO_IDSTR, VFIO_PRECOPY_BYTES, VFIO_STOP_COPY_BYTES, vfioStream } from '../test-support/vfio-streams.ts';
import { VFIO_MIG_FLAG_DEV_DATA_STATE, VFIO_MIG_FLAG_END_OF_STATE } from './vfio.ts';

const vendor = (n: DecodedNode): number[] =>
  (n.children ?? []).flatMap((c) => (c.name.startsWith('data[') ? (c.children ?? []).filter((x) => x.name === 'vendor-data').map((x) => (x.value as { length: number }).length) : []));

const sectionsOf = (r: DecodeResult) => r.sections.filter((s) => s.idstr === VFIO_IDSTR);

describe('VFIO sections (hw/vfio/migration.c)', () => {
  for (const protocol of ['v1', 'v2'] as const) {
    it(`${protocol}: markers decoded, vendor data as opaque ranges with sizes per phase, the config between its markers`, async () => {
      const r = await decodeStream(bytesSource(vfioStream(protocol)));
      expect(r.error).toBeUndefined();
      expect(r.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
      const vfio = sectionsOf(r);
      expect(vfio.map((s) => [s.type, s.bodyDecoder])).toEqual([
        ['START', 'vfio'],
        ['PART', 'vfio'],
        ['PART', 'vfio'],
        ...(protocol === 'v1' ? [['PART', 'vfio']] : []),
        ['END', 'vfio'],
        ['FULL', 'vfio'],
      ]);
      const [start, ...rest] = vfio;
      expect(start?.node.children?.slice(1, 3).map((c) => c.value)).toEqual(['VFIO_MIG_FLAG_DEV_SETUP_STATE', 'VFIO_MIG_FLAG_END_OF_STATE']);
      const parts = rest.filter((s) => s.type === 'PART');
      expect(parts.map((s) => vendor(s.node).reduce((a, b) => a + b, 0))).toEqual([...VFIO_PRECOPY_BYTES, ...(protocol === 'v1' ? [0] : [])]);
      if (protocol === 'v1') expect(parts[2]?.node.children?.find((c) => c.name === 'data[0]')?.note).toContain('only by the v1 protocol');
      const end = rest.find((s) => s.type === 'END');
      expect(vendor(end!.node)).toEqual([VFIO_STOP_COPY_BYTES / 2, VFIO_STOP_COPY_BYTES / 2]);
      expect(end?.node.note).toBe(`VFIO stop-and-copy (save_live_complete_precopy): ${VFIO_STOP_COPY_BYTES} bytes of vendor device state`);
      const full = rest.find((s) => s.type === 'FULL');
      const config = full?.node.children?.find((c) => c.name === 'pci-config');
      expect(config?.value).toEqual({ offset: config!.start, length: VFIO_CONFIG_BYTES });
      // The timer after the VFIO sections still decodes with its vmdesc entry: the entries line up.
      expect(r.sections.find((s) => s.idstr === 'timer')?.bodyDecoder).toBe('vmdesc');
    });
  }

  it('a tag vfio_load_state refuses is a diagnostic, and the rest of the section is opaque up to its footer', async () => {
    const bytes = stream()
      .config('pc-q35-7.2')
      .u8(0x01).u32(3).str('vfio').u32(0).u32(1).u64(VFIO_MIG_FLAG_DEV_DATA_STATE).u64(2).raw([1, 2]).u64(0x1234n).u8(9).footer(3)
      .u8(0x03).u32(3).u64(VFIO_MIG_FLAG_END_OF_STATE).footer(3)
      .eof()
      .bytes();
    const r = await decodeStream(bytesSource(bytes));
    expect(r.error).toBeUndefined();
    expect(r.diagnostics.find((d) => d.code === 'VFIO_UNKNOWN_TAG')?.message).toContain('Unknown tag 0x1234');
    expect(r.sections[0]?.node.children?.map((c) => c.name)).toEqual(['header', 'data[0]', 'rest', 'footer']);
    expect(r.sections[1]?.bodyDecoder).toBe('vfio');
  });

  it('a data size past the end of the stream is UNEXPECTED_EOF at the vendor data', async () => {
    const bytes = stream().config('pc-q35-7.2').u8(0x01).u32(3).str('vfio').u32(0).u32(1).u64(VFIO_MIG_FLAG_DEV_DATA_STATE).u64(1n << 40n).raw([1, 2, 3]).bytes();
    const r = await decodeStream(bytesSource(bytes));
    expect(r.error?.code).toBe('UNEXPECTED_EOF');
  });
});

describe('the synthetic VFIO streams in fixtures/synthetic/vfio', () => {
  it('are the bytes the source-derived builder makes (scripts/vfio-streams.ts wrote them)', () => {
    for (const protocol of ['v1', 'v2'] as const) {
      const file = new URL(`../../../fixtures/synthetic/vfio/pc-q35-7.2-vfio-${protocol}.mig`, import.meta.url);
      expect(new Uint8Array(readFileSync(file))).toEqual(vfioStream(protocol));
    }
  });
});
