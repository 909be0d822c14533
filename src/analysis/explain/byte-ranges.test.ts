/**
 * One rule for the bytes of a section decoding stopped inside (format/node-extent.ts): Explain
 * says the same range for it as the Stream view's index does. Real streams: the failed sample
 * (its mc146818rtc footer flipped) and a stream cut short.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { bytesSource, decodeStream, nodeExtent, stopEnd, type DecodeResult } from '../../format/index.ts';
import { explainLoad } from './explain.ts';

function read(rel: string): Uint8Array {
  const bytes = readFileSync(new URL(`../../../${rel}`, import.meta.url));
  return new Uint8Array(bytes[0] === 0x1f ? gunzipSync(bytes) : bytes);
}

async function decode(bytes: Uint8Array, name: string): Promise<DecodeResult> {
  return decodeStream(bytesSource(bytes, name));
}

describe('the bytes of a section decoding stopped inside', () => {
  it('the failed sample: mc146818rtc runs to its damaged footer byte, in Explain too', async () => {
    const stream = await decode(read('public/samples/7.2__pc-i440fx-7.2-default.flip-footer.mig.gzip'), 'flip.mig');
    expect(stream.error?.code).toBe('SECTION_FOOTER_MISMATCH');
    expect(stream.error?.offset).toBe(0x165e88);
    const node = stream.root.children?.find((n) => n.name.includes('mc146818rtc'));
    expect(node).toBeDefined();
    const extent = nodeExtent(node as NonNullable<typeof node>, stream);
    // Header and fields (0x165d7a..0x165e88) and the byte found where the footer should be.
    expect(extent).toEqual({ start: 0x165d7a, end: 0x165e89, cut: true });

    const log = new TextDecoder().decode(read('public/samples/e-7.2-footer__7.2__7.2__pc-i440fx-7.2-default.log.gzip'));
    const explained = explainLoad({ stream, log });
    expect(explained.failure?.section).toEqual({ idstr: 'mc146818rtc', instance: 0, offset: extent.start, length: extent.end - extent.start });
    expect(explained.failure?.section?.length).toBe(271);
  });

  it('a stream cut short: the record it stops in runs to its end', async () => {
    const raw = read('fixtures/streams/7.2/pc-i440fx-7.2-minimal.mig.gz');
    const cut = await decode(raw.subarray(0, 0x93580), 'cut.mig');
    expect(cut.error?.code).toBe('UNEXPECTED_EOF');
    expect(stopEnd(cut)).toBe(0x93580);
    const open = cut.root.children?.find((n) => n.end === undefined);
    expect(open !== undefined && nodeExtent(open, cut)).toMatchObject({ end: 0x93580, cut: true });
  });
});
