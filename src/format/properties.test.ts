import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bytesSource, decodeStream, DECODE_ERROR_CODES, type DecodedNode } from './index.ts';
import { Cursor } from './bytes/cursor.ts';
import { readGunzipped, streamFixtures } from './test-support/fixtures.ts';
import { stream } from './test-support/stream-builder.ts';

const SEED = 20261122;
const small = () =>
  stream()
    .config('pc-i440fx-7.2')
    .ram(2, 'pc.ram', ['page', 'zero', 'page', 'zero'])
    .command(11)
    .full(0, 'timer', 0, 2, { a: 1, b: 0xffffffff })
    .full(4, 'cpu_common', 0, 1, { halted: 1 })
    .eof()
    .vmdesc()
    .bytes();

function walk(n: DecodedNode, visit: (n: DecodedNode, parent: DecodedNode | undefined) => void, parent?: DecodedNode): void {
  visit(n, parent);
  for (const c of n.children ?? []) walk(c, visit, n);
}

describe('decoder properties', () => {
  it('arbitrary bytes give a result or a typed error, never a throw or an internal error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.uint8Array({ maxLength: 600 }), async (withMagic, tail) => {
        const bytes = withMagic ? Uint8Array.from([0x51, 0x45, 0x56, 0x4d, 0, 0, 0, 3, ...tail]) : tail;
        const r = await decodeStream(bytesSource(bytes));
        if (r.error !== undefined) {
          expect(DECODE_ERROR_CODES).toContain(r.error.code);
          expect(r.error.code).not.toBe('INTERNAL_ERROR');
          expect(r.error.offset).toBeGreaterThanOrEqual(0);
          expect(r.error.offset).toBeLessThanOrEqual(bytes.length);
        } else {
          expect(r.complete).toBe(true);
        }
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('a stream cut at k gives an error at or before k, and no node ends after k', async () => {
    const full = small();
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: full.length - 1 }), async (k) => {
        const r = await decodeStream(bytesSource(full.slice(0, k)));
        const last = r.records[r.records.length - 1];
        if (r.error === undefined) {
          // Cut right after EOF: exactly what a stream with suppress-vmdesc=on looks like.
          expect(last?.kind === 'eof' && last.end === k).toBe(true);
          return;
        }
        expect(r.error!.offset).toBeLessThanOrEqual(k);
        expect(r.error!.code).not.toBe('INTERNAL_ERROR');
        walk(r.root, (n) => expect(n.end === undefined || n.end <= k).toBe(true));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('one-byte mutations of a real stream never crash and finish quickly', async () => {
    const f = streamFixtures().find((x) => x.id === '7.2/pc-q35-7.2-minimal')!;
    const base = readGunzipped(f.path);
    // Mutate where structure lives: the device sections and the trailer after RAM.
    const from = 0x93000;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: from, max: base.length - 1 }), fc.integer({ min: 0, max: 255 }), async (at, v) => {
        const b = base.slice();
        b[at] = v;
        const t = performance.now();
        const r = await decodeStream(bytesSource(b));
        expect(performance.now() - t).toBeLessThan(5000);
        expect(r.error?.code).not.toBe('INTERNAL_ERROR');
      }),
      { seed: SEED, numRuns: 60 },
    );
  }, 120_000);

  it('child ranges nest inside their parent and follow each other in order', async () => {
    for (const id of ['7.2/pc-i440fx-7.2-default', '11.1/pc-q35-11.1-virtio']) {
      const r = await decodeStream(bytesSource(readGunzipped(streamFixtures().find((x) => x.id === id)!.path)));
      walk(r.root, (n, parent) => {
        if (n.end !== undefined) expect(n.end).toBeGreaterThanOrEqual(n.start);
        if (parent !== undefined && n.kind !== 'ram-block' && n.kind !== 'ram-records') {
          expect(n.start).toBeGreaterThanOrEqual(parent.start);
          if (parent.end !== undefined && n.end !== undefined) expect(n.end).toBeLessThanOrEqual(parent.end);
        }
        const kids = (n.children ?? []).filter((c) => c.kind !== 'ram-block' && c.kind !== 'ram-records');
        for (let i = 1; i < kids.length; i++) expect(kids[i]!.start).toBeGreaterThanOrEqual(kids[i - 1]!.end ?? kids[i - 1]!.start);
      });
    }
  });

  it('decoding builder output returns the builder input', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom<'zero' | 'page'>('zero', 'page'), { minLength: 1, maxLength: 12 }),
        fc.array(fc.nat({ max: 0xffffffff }), { minLength: 1, maxLength: 20 }),
        async (pages, values) => {
          const fields = Object.fromEntries(values.map((v, i) => [`f${i}`, v]));
          const b = stream().config('pc-q35-11.1').ram(1, 'pc.ram', pages).full(2, 'dev', 0, 1, fields).eof().vmdesc().bytes();
          const r = await decodeStream(bytesSource(b));
          expect(r.error).toBeUndefined();
          expect(r.ram?.zeroPages).toBe(pages.filter((p) => p === 'zero').length);
          expect(r.ram?.normalPages).toBe(pages.filter((p) => p === 'page').length);
          const dev = r.sections.find((s) => s.idstr === 'dev')!;
          expect(dev.node.children!.filter((c) => c.kind === 'field').map((c) => c.value)).toEqual(values);
        },
      ),
      { seed: SEED, numRuns: 100 },
    );
  });
});

describe('cursor', () => {
  it('reads the same integers whatever the window size', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 16, maxLength: 200 }), fc.integer({ min: 1, max: 40 }), async (bytes, window) => {
        const a = new Cursor(bytesSource(bytes), window);
        const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        let pos = 0;
        while (pos + 15 <= bytes.length) {
          expect(await a.readU8('x')).toBe(dv.getUint8(pos));
          expect(await a.readU16('x')).toBe(dv.getUint16(pos + 1));
          expect(await a.readU32('x')).toBe(dv.getUint32(pos + 3));
          expect(await a.readU64('x')).toBe(dv.getBigUint64(pos + 7));
          pos += 15;
        }
        expect(a.pos).toBe(pos);
        await expect(a.need(bytes.length - pos + 1, 'past the end')).rejects.toMatchObject({ code: 'UNEXPECTED_EOF', offset: pos });
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});
