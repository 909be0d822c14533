/**
 * migscope's own JSON for a decoded stream (`migscope decode --format json`, goldens):
 * everything with offsets, bigints as decimal strings, opaque bytes as {offset, length}.
 */
import type { DecodedNode, DecodeResult, NodeValue, SectionRecord } from '../model.ts';

export interface JsonNode {
  readonly name: string;
  readonly kind: string;
  readonly start: number;
  readonly end: number | null;
  readonly type?: string;
  readonly value?: unknown;
  readonly note?: string;
  readonly children?: readonly JsonNode[];
}

export function jsonValue(v: NodeValue | undefined): unknown {
  if (typeof v === 'bigint') return v.toString();
  return v;
}

export function nodeToJson(n: DecodedNode): JsonNode {
  return {
    name: n.name,
    kind: n.kind,
    start: n.start,
    end: n.end ?? null,
    ...(n.type !== undefined ? { type: n.type } : {}),
    ...(n.value !== undefined ? { value: jsonValue(n.value) } : {}),
    ...(n.note !== undefined ? { note: n.note } : {}),
    ...(n.children !== undefined ? { children: n.children.map(nodeToJson) } : {}),
  };
}

function sectionJson(s: SectionRecord): unknown {
  return {
    type: s.type,
    sectionId: s.sectionId,
    idstr: s.idstr,
    instanceId: s.instanceId,
    versionId: s.versionId,
    offset: s.start,
    length: s.end !== undefined ? s.end - s.start : null,
    bodyOffset: s.bodyStart,
    bodyLength: s.bodyEnd !== undefined ? s.bodyEnd - s.bodyStart : null,
    bodyDecoder: s.bodyDecoder,
  };
}

export function decodeResultToJson(r: DecodeResult): unknown {
  return {
    source: r.source,
    complete: r.complete,
    header: r.header ?? null,
    configuration:
      r.configuration === undefined
        ? null
        : {
            offset: r.configuration.start,
            length: r.configuration.end !== undefined ? r.configuration.end - r.configuration.start : null,
            machineType: r.configuration.machineType,
            capabilities: r.configuration.capabilities,
            targetPageBits: r.configuration.targetPageBits ?? null,
            uuid: r.configuration.uuid ?? null,
          },
    sections: r.sections.map(sectionJson),
    commands: r.commands.map((c) => ({ name: c.name, cmd: c.cmd, offset: c.start, length: c.end - c.start, args: Object.fromEntries(Object.entries(c.args).map(([k, v]) => [k, jsonValue(v)])) })),
    devices: r.sections
      .filter((s) => s.type === 'FULL')
      .map((s) => ({
        idstr: s.idstr,
        instanceId: s.instanceId,
        versionId: s.versionId,
        offset: s.start,
        fields: (s.node.children ?? []).filter((c) => c.kind !== 'footer' && c.kind !== 'header').map(nodeToJson),
      })),
    ram:
      r.ram === undefined
        ? null
        : {
            ...r.ram,
            blocks: r.ram.blocks.map((b) => ({ ...b, ...(b.mrAddr !== undefined ? { mrAddr: b.mrAddr.toString() } : {}) })),
          },
    vmdesc: r.vmdesc === undefined ? null : { offset: r.vmdesc.start, jsonLength: r.vmdesc.jsonLength, devices: r.vmdesc.json.devices.length, pageSize: r.vmdesc.json.page_size },
    diagnostics: r.diagnostics,
    error: r.error ?? null,
  };
}
