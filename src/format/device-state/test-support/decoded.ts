/** Helpers for the device-state tests: decoded real streams, and the byte-tiling check. */
import { expect } from 'vitest';
import { bytesSource, decodeStream } from '../../index.ts';
import type { DecodedNode, DecodeResult } from '../../model.ts';
import { allStreamFixtures, readGunzipped } from '../../test-support/fixtures.ts';

export interface DecodedFixture {
  readonly bytes: Uint8Array;
  readonly result: DecodeResult;
}

const cache = new Map<string, Promise<DecodedFixture>>();

export function decodeFixture(id: string): Promise<DecodedFixture> {
  let p = cache.get(id);
  if (p === undefined) {
    const fx = allStreamFixtures().find((f) => f.id === id);
    if (fx === undefined) throw new Error(`no fixture ${id}`);
    const bytes = readGunzipped(fx.path);
    p = decodeStream(bytesSource(bytes, fx.id)).then((result) => ({ bytes, result }));
    cache.set(id, p);
  }
  return p;
}

/** Every field of a type in a decoded stream, with its section's idstr. */
export function fieldsOfType(result: DecodeResult, type: string): { readonly idstr: string; readonly node: DecodedNode }[] {
  const out: { idstr: string; node: DecodedNode }[] = [];
  const walk = (n: DecodedNode, idstr: string): void => {
    if (n.kind === 'field' && n.type === type) out.push({ idstr, node: n });
    else for (const c of n.children ?? []) walk(c, idstr);
  };
  for (const s of result.sections) walk(s.node, s.idstr);
  return out;
}

export function child(n: DecodedNode | undefined, ...names: string[]): DecodedNode {
  let at = n;
  for (const name of names) at = at?.children?.find((c) => c.name === name);
  if (at === undefined) throw new Error(`no ${names.join('/')} under ${n?.path.join('/') ?? '?'}`);
  return at;
}

/**
 * Children cover their parent's bytes exactly, in order, at every level, except inside the
 * nodes named in `sparse` (PCI config regions whose children are capability headers only).
 */
export function expectTiled(n: DecodedNode, sparse: ReadonlySet<string> = new Set(['device_specific', 'extended'])): void {
  const kids = n.children ?? [];
  if (kids.length === 0) return;
  let at = n.start;
  for (const c of kids) {
    if (sparse.has(n.name)) expect(c.start, c.path.join('/')).toBeGreaterThanOrEqual(at);
    else expect(c.start, `${c.path.join('/')} starts where its previous sibling ends`).toBe(at);
    expect(c.end, c.path.join('/')).toBeDefined();
    at = c.end as number;
    expectTiled(c, sparse);
  }
  if (sparse.has(n.name)) expect(at).toBeLessThanOrEqual(n.end as number);
  else expect(at, `${n.path.join('/')} children end where it ends`).toBe(n.end);
}
