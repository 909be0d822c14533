import { useLayoutEffect, useMemo, type KeyboardEvent, type MouseEvent, type ReactElement } from 'react';
import type { DecodedNode } from '../../format/index.ts';
import { useVirtualRows } from '../common/use-virtual-rows.ts';
import { formatNodeValue } from './format-value.ts';
import type { NodeId, StreamIndex } from './stream-index.ts';
import { visibleTreeRows } from './tree-rows.ts';

export interface FieldTreeProps {
  readonly index: StreamIndex;
  /** The record whose fields are shown. */
  readonly rootId: NodeId;
  readonly selectedId: NodeId;
  readonly selectionSeq: number;
  readonly expanded: ReadonlySet<NodeId>;
  readonly onSelect: (id: NodeId) => void;
  readonly onToggle: (id: NodeId, open: boolean) => void;
}

const ROW_HEIGHT = 20;
const INDENT_PX = 14;

export function FieldTree({ index, rootId, selectedId, selectionSeq, expanded, onSelect, onToggle }: FieldTreeProps): ReactElement {
  const rows = useMemo(() => visibleTreeRows(index, rootId, expanded), [index, rootId, expanded]);
  const selectedRow = rows.findIndex((r) => r.id === selectedId);
  const v = useVirtualRows(rows.length, ROW_HEIGHT);
  const { reveal } = v;
  useLayoutEffect(() => {
    if (selectedRow >= 0) reveal(selectedRow, 'nearest', 2);
  }, [selectedRow, selectionSeq, reveal]);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    const cur = rows[selectedRow];
    if (cur === undefined) return;
    const page = Math.max(1, Math.floor(v.viewportHeight / ROW_HEIGHT) - 1);
    const go = (row: number): void => {
      const target = rows[Math.max(0, Math.min(rows.length - 1, row))];
      if (target !== undefined) onSelect(target.id);
    };
    switch (e.key) {
      case 'ArrowDown':
        go(selectedRow + 1);
        break;
      case 'ArrowUp':
        go(selectedRow - 1);
        break;
      case 'PageDown':
        go(selectedRow + page);
        break;
      case 'PageUp':
        go(selectedRow - page);
        break;
      case 'Home':
        go(0);
        break;
      case 'End':
        go(rows.length - 1);
        break;
      case 'ArrowRight':
        if (cur.hasChildren && !cur.expanded) onToggle(cur.id, true);
        else if (cur.expanded) go(selectedRow + 1);
        break;
      case 'ArrowLeft':
        if (cur.expanded && cur.id !== rootId) onToggle(cur.id, false);
        else if (cur.id !== rootId) onSelect(index.parent[cur.id] as number);
        break;
      case 'Enter':
      case ' ':
        if (cur.hasChildren) onToggle(cur.id, !cur.expanded);
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  const onRowClick = (e: MouseEvent<HTMLElement>, id: NodeId, hasChildren: boolean, open: boolean): void => {
    if ((e.target as HTMLElement).closest('.twisty') !== null) {
      if (hasChildren) onToggle(id, !open);
      return;
    }
    onSelect(id);
  };

  const body: ReactElement[] = [];
  for (let i = v.first; i < v.last; i++) {
    const row = rows[i];
    if (row === undefined) continue;
    const node = index.nodes[row.id] as DecodedNode;
    const value = formatNodeValue(node);
    const selected = row.id === selectedId;
    const incomplete = node.end === undefined;
    body.push(
      <div
        key={row.id}
        role="treeitem"
        id={`tree-node-${row.id}`}
        aria-level={row.level + 1}
        aria-selected={selected}
        aria-expanded={row.hasChildren ? row.expanded : undefined}
        className={`tree-row${selected ? ' selected' : ''}${incomplete ? ' incomplete' : ''} k-${node.kind}`}
        data-name={node.name}
        style={{ transform: `translateY(${v.offsetOf(i)}px)` }}
        onClick={(e) => onRowClick(e, row.id, row.hasChildren, row.expanded)}
      >
        <span className="c-tname" style={{ paddingLeft: row.level * INDENT_PX }} title={node.path.join(' › ')}>
          <span className={`twisty${row.hasChildren ? (row.expanded ? ' open' : ' closed') : ''}`} aria-hidden="true" />
          <span className="tname">{node.name}</span>
          {node.children !== undefined && node.children.length > 0 && !row.expanded ? <span className="count">{node.children.length}</span> : undefined}
        </span>
        <span className="c-ttype">{node.type ?? node.kind}</span>
        <span className={`c-tvalue v-${value.tone}`} title={value.hex !== undefined ? `${value.text} = ${value.hex}` : value.text}>
          <span className="vtext">{value.text}</span>
          {value.hex !== undefined ? <span className="vhex">{value.hex}</span> : undefined}
        </span>
      </div>,
    );
  }

  return (
    // The scrolling element is the tree itself: the region that scrolls takes the keyboard.
    <div className="tree" data-testid="field-tree">
      <div className="thead tree-head" aria-hidden="true">
        <span className="c-tname">name</span>
        <span className="c-ttype">type</span>
        <span className="c-tvalue">value</span>
      </div>
      <div
        role="tree"
        aria-label="Fields"
        aria-activedescendant={selectedRow >= 0 ? `tree-node-${selectedId}` : undefined}
        tabIndex={0}
        className="vscroll tbody"
        ref={v.scrollRef}
        onKeyDown={onKeyDown}
      >
        <div style={{ height: v.spacerHeight }}>
          <div className="vwindow" style={{ height: v.viewportHeight }}>
            {body}
          </div>
        </div>
      </div>
    </div>
  );
}
