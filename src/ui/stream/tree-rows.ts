/**
 * The field tree as a flat list of visible rows, so that it can be virtualised like a table:
 * a device like ICH9LPC has 16,000 elements in one array.
 */
import type { DecodedNode } from '../../format/index.ts';
import type { NodeId, StreamIndex } from './stream-index.ts';

export interface TreeRow {
  readonly id: NodeId;
  /** 0 for the record the tree shows. */
  readonly level: number;
  readonly hasChildren: boolean;
  readonly expanded: boolean;
}

export function visibleTreeRows(index: StreamIndex, rootId: NodeId, expanded: ReadonlySet<NodeId>): TreeRow[] {
  const rows: TreeRow[] = [];
  const rootNode = index.nodes[rootId];
  if (rootNode === undefined) return rows;
  const stack: { id: NodeId; level: number }[] = [{ id: rootId, level: 0 }];
  while (stack.length > 0) {
    const { id, level } = stack.pop() as { id: NodeId; level: number };
    const node = index.nodes[id] as DecodedNode;
    const kids = node.children ?? [];
    const isOpen = kids.length > 0 && expanded.has(id);
    rows.push({ id, level, hasChildren: kids.length > 0, expanded: isOpen });
    if (!isOpen) continue;
    for (let i = kids.length - 1; i >= 0; i--) {
      stack.push({ id: index.idOf.get(kids[i] as DecodedNode) as NodeId, level: level + 1 });
    }
  }
  return rows;
}
