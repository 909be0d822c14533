/**
 * Everything the stream view looks up while the user clicks around, computed once per decoded
 * result: nodes by number (selection and expansion state are plain numbers), each node's
 * parent and top-level record, the rows of the records table, and the byte → node index.
 */
import { nodeExtent, stopEnd, type ByteExtent, type CommandRecord, type DecodedNode, type DecodeResult, type SectionRecord } from '../../format/index.ts';
import { RangeIndex, type Interval } from '../hex/range-index.ts';

export type NodeId = number;

export interface RecordRow {
  readonly nodeId: NodeId;
  /** START/PART/END/FULL for sections; HDR, CONF, CMD, EOF, DESC (vmdesc) otherwise. */
  readonly type: string;
  /** idstr for sections, a descriptive name for other records. */
  readonly name: string;
  readonly isSection: boolean;
  readonly instanceId?: number;
  readonly versionId?: number;
  readonly sectionId?: number;
  readonly start: number;
  /** Exclusive; undefined when decoding stopped inside this record. */
  readonly end: number | undefined;
  /** Its bytes as every view gives them (format/node-extent.ts): up to where decoding stopped when cut. */
  readonly extent: ByteExtent;
  readonly bodyDecoder?: SectionRecord['bodyDecoder'];
}

export interface StreamIndex {
  /** Pre-order; 0 is the stream root. */
  readonly nodes: readonly DecodedNode[];
  readonly parent: Int32Array;
  readonly depth: Uint16Array;
  /** Index into `rows` of the top-level record each node belongs to, -1 for the root. */
  readonly rowOf: Int32Array;
  readonly rows: readonly RecordRow[];
  readonly idOf: ReadonlyMap<DecodedNode, NodeId>;
  /** Deepest node containing a byte offset. */
  readonly byOffset: RangeIndex<NodeId>;
  /** Size of the QEMU stream (after any container was removed). */
  readonly streamSize: number;
  /** Where every node decoding stopped inside ends (format/node-extent.ts). */
  readonly stopEnd: number;
}

const OTHER_TYPES: Partial<Record<DecodedNode['kind'], string>> = {
  header: 'HDR',
  configuration: 'CONF',
  command: 'CMD',
  eof: 'EOF',
  vmdesc: 'DESC',
};

export function buildStreamIndex(result: DecodeResult): StreamIndex {
  const nodes: DecodedNode[] = [];
  const parents: number[] = [];
  const depths: number[] = [];
  const idOf = new Map<DecodedNode, NodeId>();
  // Iterative pre-order: field trees can be thousands of elements wide.
  const stack: { node: DecodedNode; parent: number; depth: number }[] = [{ node: result.root, parent: -1, depth: 0 }];
  while (stack.length > 0) {
    const { node, parent, depth } = stack.pop() as { node: DecodedNode; parent: number; depth: number };
    const id = nodes.length;
    nodes.push(node);
    parents.push(parent);
    depths.push(depth);
    idOf.set(node, id);
    const kids = node.children ?? [];
    for (let i = kids.length - 1; i >= 0; i--) stack.push({ node: kids[i] as DecodedNode, parent: id, depth: depth + 1 });
  }
  const parent = Int32Array.from(parents);
  const depth = Uint16Array.from(depths);

  const sectionByNode = new Map<DecodedNode, SectionRecord>();
  for (const s of result.sections) sectionByNode.set(s.node, s);
  const commandAt = new Map<number, CommandRecord>();
  for (const c of result.commands) commandAt.set(c.start, c);

  const rows: RecordRow[] = [];
  const rowOfTop = new Map<NodeId, number>();
  for (const top of result.root.children ?? []) {
    const nodeId = idOf.get(top) as NodeId;
    rowOfTop.set(nodeId, rows.length);
    rows.push({ ...recordRow(top, nodeId, sectionByNode.get(top), commandAt.get(top.start), result), extent: nodeExtent(top, result) });
  }

  const rowOf = new Int32Array(nodes.length).fill(-1);
  for (let id = 1; id < nodes.length; id++) {
    const p = parent[id] as number;
    rowOf[id] = p === 0 ? (rowOfTop.get(id) ?? -1) : (rowOf[p] as number);
  }

  const streamSize = result.source.size;
  const stop = stopEnd(result);
  const intervals: Interval<NodeId>[] = [];
  for (let id = 1; id < nodes.length; id++) {
    const node = nodes[id] as DecodedNode;
    intervals.push({ start: node.start, end: node.end ?? Math.max(node.start, stop), value: id });
  }
  return { nodes, parent, depth, rowOf, rows, idOf, byOffset: RangeIndex.build(intervals), streamSize, stopEnd: stop };
}

/**
 * [start, end) of a node, the range every view shows for it: a node the decoder stopped inside
 * ends where it stopped (format/node-extent.ts, the rule Explain uses too).
 */
export function nodeRange(index: StreamIndex, id: NodeId): ByteExtent {
  const node = index.nodes[id];
  if (node === undefined) return { start: 0, end: 0, cut: false };
  if (node.end !== undefined) return { start: node.start, end: node.end, cut: false };
  return { start: node.start, end: Math.max(node.start, index.stopEnd), cut: true };
}

/** Ids from the root down to `id`, inclusive. */
export function ancestry(index: StreamIndex, id: NodeId): NodeId[] {
  const out: NodeId[] = [];
  for (let at = id; at >= 0; at = index.parent[at] as number) out.push(at);
  return out.reverse();
}

function recordRow(
  node: DecodedNode,
  nodeId: NodeId,
  section: SectionRecord | undefined,
  command: CommandRecord | undefined,
  result: DecodeResult,
): Omit<RecordRow, 'extent'> {
  if (section !== undefined) {
    return {
      nodeId,
      type: section.type,
      name: section.idstr,
      isSection: true,
      instanceId: section.instanceId,
      versionId: section.versionId,
      sectionId: section.sectionId,
      start: section.start,
      end: section.end,
      bodyDecoder: section.bodyDecoder,
    };
  }
  if (node.kind === 'section') {
    // The section decoding stopped in: the model keeps its node (named `<TYPE> <idstr>`) but
    // no SectionRecord.
    const m = /^(START|PART|END|FULL) (.*)$/.exec(node.name);
    return {
      nodeId,
      type: m?.[1] ?? 'SECT',
      name: m?.[2] ?? node.name,
      isSection: true,
      ...(typeof node.value === 'number' ? { sectionId: node.value } : {}),
      start: node.start,
      end: node.end,
    };
  }
  const type = OTHER_TYPES[node.kind] ?? node.kind.toUpperCase();
  let name = node.name;
  if (node.kind === 'configuration' && result.configuration !== undefined) name = `configuration ${result.configuration.machineType}`;
  if (node.kind === 'command' && command !== undefined) name = `${command.name}`;
  if (node.kind === 'header' && result.header !== undefined) name = `header QEVM v${result.header.version}`;
  if (node.kind === 'vmdesc') name = 'vmdesc trailer (JSON)';
  return { nodeId, type, name, isSection: false, start: node.start, end: node.end };
}

/**
 * The row of the section `idstr` (instance `instance` when given), as another view names it:
 * the first record of an iterable section (its START), `configuration` for the CONF record.
 * When no row has that instance, the first of that idstr: a save trace may have guessed it.
 */
export function sectionRowOf(rows: readonly RecordRow[], idstr: string, instance: number | undefined): number | undefined {
  if (idstr === 'configuration') {
    const conf = rows.findIndex((r) => r.type === 'CONF');
    if (conf >= 0) return conf;
  }
  const named = rows.flatMap((r, i) => (r.isSection && r.name === idstr ? [i] : []));
  const exact = named.find((i) => rows[i]?.instanceId === instance);
  return exact ?? named[0];
}

/**
 * The node a link or a tour names: the one with this model path (the one starting at, or
 * else holding, `offset` when several share it: a RAM PART comes many times), or without a
 * path the deepest node holding `offset`.
 */
export function findNode(index: StreamIndex, path: readonly string[] | undefined, offset: number | undefined): NodeId | undefined {
  if (path !== undefined && path.length > 0) {
    const same: NodeId[] = [];
    for (let id = 1; id < index.nodes.length; id++) {
      const p = (index.nodes[id] as DecodedNode).path;
      if (p.length === path.length && p.every((seg, i) => seg === path[i])) same.push(id);
    }
    if (same.length > 0) {
      if (offset === undefined) return same[0];
      return (
        same.find((id) => index.nodes[id]?.start === offset) ??
        same.find((id) => {
          const r = nodeRange(index, id);
          return offset >= r.start && offset < r.end;
        }) ??
        same[0]
      );
    }
  }
  if (offset === undefined || offset < 0 || offset >= index.streamSize) return undefined;
  return index.byOffset.find(offset);
}
