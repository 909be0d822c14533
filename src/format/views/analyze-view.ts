/**
 * The JSON that QEMU's scripts/analyze-migration.py prints for `-d state` and `-d desc`,
 * rebuilt from our decoded model so that people can diff the two tools. It keeps the
 * script's quirks on purpose: section keys "idstr (section_id)" in first-seen order, values
 * regrouped by vmdesc field name (a second entry of a name turns it into a list), `uint8
 * equal`/`uint16 equal` read as signed, and every type it has no reader for (timer, buffer,
 * tmp, virtio, ...) printed as space-separated hex.
 */
import type { ByteSource } from '../bytes/byte-source.ts';
import type { DecodedNode, DecodeResult, SectionRecord } from '../model.ts';

type Json = string | boolean | number | JsonObject | Json[];
interface JsonObject {
  [key: string]: Json;
}

const SIGNED = new Set(['int8', 'int16', 'int32', 'int32 equal', 'int32 le', 'int64', 'int64 equal', 'uint8 equal', 'uint16 equal']);
const UNSIGNED = new Set(['uint8', 'uint16', 'uint32', 'uint32 equal', 'uint64']);

export function analyzeDesc(result: DecodeResult): unknown {
  return result.vmdesc?.json;
}

export async function analyzeState(result: DecodeResult, source: ByteSource): Promise<JsonObject> {
  const out: JsonObject = Object.create(null) as JsonObject;
  const order: SectionRecord[] = [];
  const seen = new Set<number>();
  for (const s of result.sections) {
    if (s.type === 'START' || s.type === 'FULL') {
      if (!seen.has(s.sectionId)) order.push(s);
      seen.add(s.sectionId);
    }
  }
  const bodies = await readBodies(
    order.filter((s) => s.bodyDecoder !== 'ram' && s.bodyDecoder !== 'iterative'),
    source,
  );
  for (const s of order) {
    const key = `${s.idstr} (${s.sectionId})`;
    if (s.bodyDecoder === 'ram') {
      const sizes: JsonObject = Object.create(null) as JsonObject;
      for (const b of result.ram?.blocks ?? []) sizes[b.name] = `0x${b.usedLength.toString(16).padStart(16, '0')}`;
      out[key] = { 'section sizes': sizes };
      continue;
    }
    if (s.bodyDecoder === 'iterative') {
      // HTABSection and S390StorageAttributes print an empty string for their whole section.
      out[key] = '';
      continue;
    }
    const bytes = bodies.get(s) ?? new Uint8Array(0);
    const body = (s.node.children ?? []).filter((c) => c.kind !== 'footer' && c.kind !== 'opaque' && c.kind !== 'header');
    out[key] = renderVmsd(body, bytes, s.bodyStart);
  }
  return out;
}

/** Largest gap between two device sections read together rather than apart. */
const READ_GAP = 1 << 20;

/**
 * The bodies of the device sections, read in runs: they sit together after the RAM, so a
 * 1 GiB guest's 80 sections cost a few reads, not one asynchronous read each.
 */
async function readBodies(sections: readonly SectionRecord[], source: ByteSource): Promise<Map<SectionRecord, Uint8Array>> {
  const out = new Map<SectionRecord, Uint8Array>();
  const sorted = [...sections].sort((a, b) => a.bodyStart - b.bodyStart);
  for (let i = 0; i < sorted.length; ) {
    const first = sorted[i] as SectionRecord;
    let end = first.bodyEnd ?? first.bodyStart;
    let j = i + 1;
    for (; j < sorted.length; j++) {
      const next = sorted[j] as SectionRecord;
      if (next.bodyStart - end > READ_GAP) break;
      end = Math.max(end, next.bodyEnd ?? next.bodyStart);
    }
    const run = await source.read(first.bodyStart, end - first.bodyStart);
    for (const s of sorted.slice(i, j)) out.set(s, run.subarray(s.bodyStart - first.bodyStart, (s.bodyEnd ?? s.bodyStart) - first.bodyStart));
    i = j;
  }
  return out;
}

function renderVmsd(children: readonly DecodedNode[], bytes: Uint8Array, base: number): JsonObject {
  const data: JsonObject = Object.create(null) as JsonObject;
  const grouped = new Set<string>();
  for (const node of children) {
    if (node.kind === 'subsection') {
      data[node.name] = renderVmsd(node.children ?? [], bytes, base);
      continue;
    }
    const key = node.field ?? node.name;
    const value = renderField(node, bytes, base);
    if (!(key in data)) {
      data[key] = value;
    } else if (grouped.has(key)) {
      (data[key] as Json[]).push(value);
    } else {
      data[key] = [data[key] as Json, value];
      grouped.add(key);
    }
  }
  return data;
}

function renderField(node: DecodedNode, bytes: Uint8Array, base: number): Json {
  const raw = bytes.subarray(node.start - base, (node.end ?? node.start) - base);
  const type = node.type ?? 'unknown';
  if (type === 'struct') return renderVmsd(node.children ?? [], bytes, base);
  if (type === 'bool') return raw[0] !== 0;
  if (type === 'nullptr') return 'nullptr';
  if (SIGNED.has(type) || UNSIGNED.has(type)) {
    const hex = toHex(raw, '');
    const signed = SIGNED.has(type) && raw.length > 0 && ((raw[0] as number) & 0x80) !== 0;
    if (!signed) return `0x${hex}`;
    const s = BigInt.asIntN(raw.length * 8, BigInt(`0x${hex}`));
    return `0x${hex} (${s.toString()})`;
  }
  return toHex(raw, ' ');
}

/** Two hex digits per byte value, looked up rather than formatted per byte (16 KiB arrays are common). */
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function toHex(b: Uint8Array, sep: string): string {
  let s = '';
  for (let i = 0; i < b.length; i++) {
    if (i > 0) s += sep;
    s += HEX[b[i] as number] as string;
  }
  return s;
}
