/**
 * A compact, readable summary of a decoded stream: one line per top-level record, the RAM
 * and configuration facts, and per device a count and fingerprint of its field tree. Goldens
 * are made of it, so a change anywhere in a device's decoded values shows up in review
 * without committing megabytes of JSON.
 */
import type { DecodedNode, DecodeResult, TopRecord } from '../model.ts';

export interface StreamSummary {
  readonly size: number;
  readonly container: string;
  readonly machineType: string | null;
  readonly capabilities: readonly string[];
  readonly targetPageBits: number | null;
  readonly records: readonly string[];
  readonly ram: unknown;
  readonly vmdesc: string | null;
  readonly diagnostics: readonly string[];
  readonly error: string | null;
  readonly complete: boolean;
}

const hex = (n: number, w = 6): string => `0x${n.toString(16).padStart(w, '0')}`;

export function summarizeStream(r: DecodeResult): StreamSummary {
  return {
    size: r.source.size,
    container: r.source.container,
    machineType: r.configuration?.machineType ?? null,
    capabilities: r.configuration?.capabilities ?? [],
    targetPageBits: r.configuration?.targetPageBits ?? null,
    records: r.records.map(recordLine),
    ram:
      r.ram === undefined
        ? null
        : {
            pageSize: r.ram.pageSize,
            totalBytes: r.ram.totalBytes,
            zeroPages: r.ram.zeroPages,
            normalPages: r.ram.normalPages,
            xbzrlePages: r.ram.xbzrlePages,
            multifdFlushes: r.ram.multifdFlushes,
            eos: r.ram.eosCount,
            blocks: r.ram.blocks.map(
              (b) =>
                `${b.name} ${hex(b.usedLength, 8)} zero=${b.zeroPages} normal=${b.normalPages}` +
                (b.xbzrlePages > 0 ? ` xbzrle=${b.xbzrlePages}` : '') +
                (b.mappedRam !== undefined ? ` mapped-ram pages@${hex(b.mappedRam.pagesOffset)} set=${b.mappedRam.pagesSet ?? 0}` : ''),
            ),
          },
    vmdesc: r.vmdesc === undefined ? null : `${hex(r.vmdesc.start)} ${r.vmdesc.jsonLength} bytes, ${r.vmdesc.json.devices.length} devices, page_size ${r.vmdesc.json.page_size}`,
    diagnostics: r.diagnostics.map((d) => `${d.severity} ${d.code} ${hex(d.offset)}: ${d.message}`),
    error: r.error === undefined ? null : `${r.error.code} ${hex(r.error.offset)} ${r.error.path.join('/')}: ${r.error.message}`,
    complete: r.complete,
  };
}

function recordLine(rec: TopRecord): string {
  if (rec.kind === 'eof') return `${hex(rec.start)} EOF`;
  if (rec.kind === 'command') return `${hex(rec.start)} COMMAND ${rec.name} len=${rec.length}`;
  const len = rec.end !== undefined ? rec.end - rec.start : '?';
  let line = `${hex(rec.start)} ${rec.type} id=${rec.sectionId} ${rec.idstr}#${rec.instanceId} v${rec.versionId} len=${len} ${rec.bodyDecoder}`;
  if (rec.bodyDecoder === 'vmdesc') {
    const leaves = flatten(rec.node.children ?? []);
    line += ` nodes=${leaves.length} tree=${fnv1a64(leaves.join('\n'))}`;
  } else if (rec.bodyDecoder === 'ram') {
    const records = (rec.node.children ?? []).find((c) => c.kind === 'ram-records');
    if (records?.note !== undefined) line += ` (${records.note})`;
  }
  return line;
}

function flatten(nodes: readonly DecodedNode[], out: string[] = []): string[] {
  for (const n of nodes) {
    const v = n.value;
    const shown = typeof v === 'object' ? `@${v.offset}+${v.length}` : String(v);
    out.push(`${n.path.join('/')} ${n.kind} ${n.type ?? ''} ${n.start}-${n.end ?? '?'} ${shown}`);
    if (n.children !== undefined) flatten(n.children, out);
  }
  return out;
}

/** Two 32-bit FNV-1a lanes: a stable fingerprint with no platform crypto (this layer runs anywhere). */
export function fnv1a64(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 15);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}
