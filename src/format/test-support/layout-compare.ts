/**
 * Compares the device sections a manifest decoded with the same sections decoded with a vmdesc
 * (the stream's own, or one borrowed from the same VM): same nodes, names, kinds and byte
 * ranges, and the same values. A manifest has no types, so its values are unsigned integers of
 * the field's bytes; the vmdesc's are compared as the same bytes read unsigned (an int64 -1 is
 * 0xffffffffffffffff, a bool is 0 or 1).
 */
import type { DecodedNode, DecodeResult, NodeValue } from '../model.ts';

interface Flat {
  readonly path: string;
  readonly kind: string;
  readonly start: number;
  readonly end: number | undefined;
  readonly value: NodeValue | undefined;
}

function flatten(nodes: readonly DecodedNode[], out: Flat[] = []): Flat[] {
  for (const n of nodes) {
    if (n.kind !== 'field' && n.kind !== 'struct' && n.kind !== 'subsection') continue;
    out.push({ path: n.path.join('/'), kind: n.kind, start: n.start, end: n.end, value: n.value });
    // Children of a field are device-state (virtio, pci config): a manifest has no types for them.
    if (n.kind !== 'field' && n.children !== undefined) flatten(n.children, out);
  }
  return out;
}

function unsignedAt(bytes: Uint8Array, start: number, end: number): bigint {
  let v = 0n;
  for (let i = start; i < end; i++) v = (v << 8n) | BigInt(bytes[i] as number);
  return v;
}

function asUnsigned(v: NodeValue | undefined, bits: number): bigint | undefined {
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (typeof v === 'number') return BigInt.asUintN(bits, BigInt(v));
  if (typeof v === 'bigint') return BigInt.asUintN(bits, v);
  return undefined;
}

/**
 * Differences, one line each; empty when every manifest-decoded section equals the vmdesc's.
 * Values are compared when `bytes` (the stream both decodes read) is given; without it only
 * names, kinds and ranges (the twin is another file of the same VM, whose values differ).
 */
export function compareManifestDecode(byManifest: DecodeResult, byVmdesc: DecodeResult, bytes?: Uint8Array): string[] {
  const out: string[] = [];
  for (const s of byManifest.sections) {
    if (s.type !== 'FULL' || s.bodyDecoder !== 'manifest') continue;
    const twin = byVmdesc.sections.find((t) => t.type === 'FULL' && t.start === s.start);
    if (twin === undefined || twin.bodyDecoder !== 'vmdesc') {
      out.push(`${s.idstr}: no vmdesc-decoded section at 0x${s.start.toString(16)}`);
      continue;
    }
    const got = flatten(s.node.children ?? []);
    const want = flatten(twin.node.children ?? []);
    if (got.length !== want.length) out.push(`${s.idstr}: ${got.length} nodes from the manifest, ${want.length} from the vmdesc`);
    for (let i = 0; i < Math.min(got.length, want.length); i++) {
      const g = got[i] as Flat;
      const w = want[i] as Flat;
      if (g.path !== w.path || g.kind !== w.kind || g.start !== w.start || g.end !== w.end) {
        out.push(`${s.idstr}: ${g.kind} ${g.path} ${g.start}-${g.end} where the vmdesc has ${w.kind} ${w.path} ${w.start}-${w.end}`);
        break;
      }
      if (g.kind !== 'field' || g.end === undefined || bytes === undefined) continue;
      const bits = (g.end - g.start) * 8;
      if (typeof g.value === 'object') {
        if (typeof w.value === 'object' && (w.value.offset !== g.value.offset || w.value.length !== g.value.length)) out.push(`${s.idstr}: ${g.path} bytes differ`);
        continue;
      }
      const raw = unsignedAt(bytes, g.start, g.end);
      if (asUnsigned(g.value, bits) !== raw) out.push(`${s.idstr}: ${g.path} is ${String(g.value)}, its bytes are ${raw}`);
      const wv = asUnsigned(w.value, bits);
      if (wv !== undefined && wv !== raw) out.push(`${s.idstr}: ${g.path}: the vmdesc's ${String(w.value)} is not the bytes ${raw}`);
    }
  }
  return out;
}
