/**
 * Finding things in a decoded stream by the names QEMU's messages and the vmdesc use: sections
 * by idstr and instance (also the one a truncation cut short), fields by their vmdesc names
 * below a section, header fields by their fixed offsets.
 */
import type { DecodeResult, DecodedNode, SectionRecord } from '../../format/model.ts';
import { stopEnd } from '../../format/node-extent.ts';
import type { FailureSection, FailureValue } from './model.ts';

/** A section as located: a full record, or the node of one the stream stops inside. */
export interface LocatedSection {
  readonly idstr: string;
  readonly instance: number;
  readonly sectionId: number | undefined;
  readonly version: number | undefined;
  readonly start: number;
  /** After the footer, or where decoding stopped (format/node-extent.ts: the views' rule too). */
  readonly end: number;
  readonly record: SectionRecord | undefined;
  readonly node: DecodedNode | undefined;
}

export function toFailureSection(s: LocatedSection): FailureSection {
  return { idstr: s.idstr, instance: s.instance, offset: s.start, length: s.end - s.start };
}

function fromRecord(r: SectionRecord, stream: DecodeResult): LocatedSection {
  return {
    idstr: r.idstr,
    instance: r.instanceId,
    sectionId: r.sectionId,
    version: r.versionId,
    start: r.start,
    end: r.end ?? stopEnd(stream),
    record: r,
    node: r.node,
  };
}

/** The START/FULL record of a section (what a QEMU message names). */
export function findSection(stream: DecodeResult, idstr: string, instance?: number): LocatedSection | undefined {
  const r = stream.sections.find((s) => (s.type === 'START' || s.type === 'FULL') && s.idstr === idstr && (instance === undefined || s.instanceId === instance));
  if (r !== undefined) return fromRecord(r, stream);
  const partial = partialSection(stream);
  if (partial !== undefined && partial.idstr === idstr && (instance === undefined || partial.instance === instance)) return partial;
  return undefined;
}

export function findSectionById(stream: DecodeResult, sectionId: number): LocatedSection | undefined {
  const r = stream.sections.find((s) => (s.type === 'START' || s.type === 'FULL') && s.sectionId === sectionId);
  return r === undefined ? undefined : fromRecord(r, stream);
}

/** The last record of a section id that the stream stops inside (a cut RAM PART, say). */
export function lastRecordOf(stream: DecodeResult, sectionId: number): LocatedSection | undefined {
  for (let i = stream.sections.length - 1; i >= 0; i--) {
    const r = stream.sections[i];
    if (r !== undefined && r.sectionId === sectionId) return fromRecord(r, stream);
  }
  return undefined;
}

/**
 * The section the stream stops inside when decoding failed there: it is not among
 * `stream.sections` (the decoder keeps only completed records) but its node is in the tree,
 * and the error path names it `idstr#instance`.
 */
export function partialSection(stream: DecodeResult): LocatedSection | undefined {
  const error = stream.error;
  if (error === undefined) return undefined;
  const head = error.path[0];
  if (head === undefined) return undefined;
  const m = /^(.*)#(\d+)(?: (PART|END))?$/.exec(head);
  if (m === null) return undefined;
  const idstr = m[1] ?? '';
  const instance = Number(m[2]);
  const nodes = stream.root.children ?? [];
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i];
    if (n === undefined || n.kind !== 'section') continue;
    if (n.start > error.offset) continue;
    const record = stream.sections.find((s) => s.start === n.start);
    const startRecord = stream.sections.find((s) => (s.type === 'START' || s.type === 'FULL') && s.idstr === idstr && s.instanceId === instance);
    return {
      idstr,
      instance,
      sectionId: typeof n.value === 'number' ? n.value : record?.sectionId,
      version: record?.versionId ?? startRecord?.versionId,
      start: n.start,
      end: n.end ?? stopEnd(stream),
      record,
      node: n,
    };
  }
  return undefined;
}

/** Offset of the be32 version in a START/FULL header: type, id, counted idstr, instance. */
export function headerVersionOffset(section: LocatedSection): number {
  return section.start + 1 + 4 + 1 + utf8Length(section.idstr) + 4;
}

/** Offset of the counted idstr's length byte in a START/FULL header. */
export function headerIdstrOffset(section: LocatedSection): number {
  return section.start + 1 + 4;
}

export function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}

/**
 * The node a path of vmdesc names leads to below a section: subsection names and field names
 * (`['e1000/full_mac_state', 'mac_reg']`). Missing steps stop at the deepest node found.
 */
export function findNode(root: DecodedNode, path: readonly string[]): DecodedNode {
  let node = root;
  for (const step of path) {
    const next = (node.children ?? []).find((c) => c.name === step || c.field === step || c.name.startsWith(`${step}[`));
    if (next === undefined) break;
    node = next;
  }
  return node;
}

/** The innermost node the stream stops inside (end undefined), below `root`. */
export function openNode(root: DecodedNode): DecodedNode {
  let node = root;
  for (;;) {
    const next = (node.children ?? []).find((c) => c.end === undefined);
    if (next === undefined) return node;
    node = next;
  }
}

/** Field path below a section for messages: vmsd-ish names joined by '/'. */
export function nodePath(root: DecodedNode, target: DecodedNode): string | undefined {
  const trail: string[] = [];
  const walk = (n: DecodedNode): boolean => {
    if (n === target) return true;
    for (const c of n.children ?? []) {
      if (walk(c)) {
        trail.unshift(c.name);
        return true;
      }
    }
    return false;
  };
  return walk(root) && trail.length > 0 ? trail.join('/') : undefined;
}

export function nodeValue(node: DecodedNode): FailureValue | undefined {
  if (node.end === undefined) return undefined;
  const v = node.value;
  let text: string;
  if (v === undefined) text = `${node.end - node.start} bytes`;
  else if (typeof v === 'string') text = `'${v}'`;
  else if (typeof v === 'number' || typeof v === 'bigint') text = `${v.toString()} (0x${v.toString(16)})`;
  else if (typeof v === 'boolean') text = String(v);
  else text = `${v.length} bytes at 0x${v.offset.toString(16)}`;
  return { name: node.name, offset: node.start, length: node.end - node.start, value: text };
}

export function hex(n: number): string {
  return `0x${n.toString(16)}`;
}
