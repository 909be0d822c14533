import { useCallback, useEffect, useRef, useState, type ReactElement } from 'react';
import type { DecodeResult } from '../../format/index.ts';
import { exportCsv, exportJson } from '../export/export-files.ts';
import { ExportMenu } from '../export/ExportMenu.tsx';
import { HexView, type ByteSpan } from '../hex/HexView.tsx';
import type { HexSource } from '../hex/hex-source.ts';
import { DiagnosticsList } from './DiagnosticsList.tsx';
import { ErrorPanel } from './ErrorPanel.tsx';
import { FieldTree } from './FieldTree.tsx';
import { NodeDetails } from './NodeDetails.tsx';
import { SectionsTable } from './SectionsTable.tsx';
import { StreamHeader } from './StreamHeader.tsx';
import { fieldTreeJson, sectionsCsv, sectionsJson, streamBaseName } from './stream-export.ts';
import { ancestry, findNode, nodeRange, sectionRowOf, type NodeId, type StreamIndex } from './stream-index.ts';

export interface DecodedStream {
  readonly file: File;
  readonly result: DecodeResult;
  readonly hex: HexSource;
  readonly index: StreamIndex;
}

/** A section another view asked to show (the timeline's lanes); `seq` tells requests apart. */
export interface StreamFocus {
  readonly idstr: string;
  readonly instance: number | undefined;
  readonly seq: number;
  /** A node by model path (and `offset` among nodes sharing it), or by byte alone: see findNode. */
  readonly path?: readonly string[];
  readonly offset?: number;
  /** Bytes to highlight instead of the node's own (a tour step). */
  readonly highlight?: ByteSpan;
}

/** What the user selected, as a link names it; see WorkspaceState.selection. */
export interface StreamViewSelection {
  readonly path: readonly string[];
  readonly offset: number;
}

export interface StreamViewProps {
  readonly stream: DecodedStream;
  readonly focus?: StreamFocus | undefined;
  /** Told every selection but the view's own first one. */
  readonly onSelectionChange?: (selection: StreamViewSelection) => void;
}

/** Where a selection came from: the hex view does not scroll to a byte the user just clicked. */
type Origin = 'start' | 'table' | 'tree' | 'hex' | 'offset' | 'focus';

interface Selection {
  readonly id: NodeId;
  readonly origin: Origin;
  /** Bumped on every selection, so re-selecting scrolls again. */
  readonly seq: number;
  /** Byte to scroll the hex view to, when not the node's start. */
  readonly offset?: number;
  readonly expanded: ReadonlySet<NodeId>;
  /** Bytes highlighted instead of the node's own; gone with the next selection. */
  readonly highlight?: ByteSpan;
}

export function StreamView({ stream, focus, onSelectionChange }: StreamViewProps): ReactElement {
  const { result, index, hex } = stream;
  const [sel, setSel] = useState<Selection>(() => initialSelection(index, result));

  const select = useCallback(
    (id: NodeId, origin: Origin, offset?: number, highlight?: ByteSpan) => {
      setSel((prev) => {
        const expanded = new Set(prev.expanded);
        // Open the path to the node, not the node itself: the user opens what they want to see.
        for (const a of ancestry(index, id)) if (a !== id || index.parent[a] === 0) expanded.add(a);
        return { id, origin, seq: prev.seq + 1, expanded, ...(offset !== undefined ? { offset } : {}), ...(highlight !== undefined ? { highlight } : {}) };
      });
    },
    [index],
  );

  // Links carry what the user chose; the view's own first choice is not news.
  const reportRef = useRef(onSelectionChange);
  reportRef.current = onSelectionChange;
  useEffect(() => {
    if (sel.origin === 'start') return;
    const node = index.nodes[sel.id];
    if (node === undefined) return;
    reportRef.current?.({ path: node.path, offset: sel.offset ?? node.start });
  }, [sel, index]);

  const toggle = useCallback((id: NodeId, open: boolean) => {
    setSel((prev) => {
      const expanded = new Set(prev.expanded);
      if (open) expanded.add(id);
      else expanded.delete(id);
      return { ...prev, expanded };
    });
  }, []);

  const selectRow = useCallback((row: number) => {
    const r = index.rows[row];
    if (r !== undefined) select(r.nodeId, 'table');
  }, [index, select]);

  const showOffset = useCallback(
    (offset: number) => {
      const at = Math.min(offset, Math.max(0, index.streamSize - 1));
      const id = index.byOffset.find(at) ?? index.rows.at(-1)?.nodeId;
      if (id !== undefined) select(id, 'offset', at);
    },
    [index, select],
  );

  const onByteClick = useCallback(
    (offset: number) => {
      const id = index.byOffset.find(offset);
      if (id !== undefined) select(id, 'hex', offset);
    },
    [index, select],
  );

  // Each request once: StrictMode runs effects twice, and a re-render must not undo a click.
  const appliedFocus = useRef<number | undefined>(undefined);
  useEffect(() => {
    if (focus === undefined || appliedFocus.current === focus.seq) return;
    appliedFocus.current = focus.seq;
    if (focus.path !== undefined || focus.offset !== undefined) {
      const id = findNode(index, focus.path, focus.offset);
      if (id !== undefined) {
        const start = focus.highlight?.start ?? focus.offset;
        select(id, 'focus', start !== undefined && start !== index.nodes[id]?.start ? start : undefined, focus.highlight);
        return;
      }
    }
    const row = sectionRowOf(index.rows, focus.idstr, focus.instance);
    const target = row !== undefined ? index.rows[row] : undefined;
    if (target !== undefined) select(target.nodeId, 'table');
  }, [focus, index, select]);

  const rowIdx = index.rowOf[sel.id] ?? -1;
  const row = index.rows[rowIdx];
  const rootId = row?.nodeId ?? 0;
  const node = index.nodes[sel.id];
  const nodeSpan = nodeRange(index, sel.id);
  const selection = sel.highlight ?? nodeSpan;
  const context = row !== undefined ? nodeRange(index, row.nodeId) : undefined;
  const error = result.error;
  const errorNode = error !== undefined ? index.byOffset.find(Math.min(error.offset, Math.max(0, index.streamSize - 1))) : undefined;
  const errorRow = errorNode !== undefined ? index.rowOf[errorNode] : undefined;
  const reveal = sel.origin === 'hex' ? undefined : { offset: sel.offset ?? selection.start, seq: sel.seq };

  return (
    <div className="stream-view">
      <StreamHeader result={result} />
      {error !== undefined ? <ErrorPanel error={error} sectionsBefore={result.sections.length} onShowOffset={showOffset} /> : undefined}
      <DiagnosticsList diagnostics={result.diagnostics} onShowOffset={showOffset} />
      <div className="panes">
        <SectionsTable
          rows={index.rows}
          selectedRow={rowIdx}
          selectionSeq={sel.seq}
          onSelectRow={selectRow}
          {...(errorRow !== undefined ? { errorRow } : {})}
          actions={
            <ExportMenu
              ariaLabel="Export the sections table"
              items={[
                { label: 'Sections (CSV)', run: () => exportCsv(`${streamBaseName(result)}-sections.csv`, ...sectionsCsv(index.rows)) },
                { label: 'Sections (JSON)', run: () => exportJson(`${streamBaseName(result)}-sections.json`, sectionsJson(result, index.rows)) },
              ]}
            />
          }
        />
        <section className="pane tree-pane" aria-label="Field tree">
          <header className="pane-head">
            <h2>Fields</h2>
            <span className="muted ellipsis" title={row?.name}>
              {row !== undefined ? `${row.type} ${row.name}` : ''}
            </span>
            <span className="pane-head-spacer" />
            {row !== undefined ? (
              <ExportMenu
                ariaLabel="Export the fields of the selected record"
                items={[{ label: 'Fields (JSON)', run: () => exportJson(`${streamBaseName(result)}-${row.name}-fields.json`, fieldTreeJson(index, row)) }]}
              />
            ) : undefined}
          </header>
          <FieldTree index={index} rootId={rootId} selectedId={sel.id} selectionSeq={sel.seq} expanded={sel.expanded} onSelect={(id) => select(id, 'tree')} onToggle={toggle} />
          {node !== undefined ? <NodeDetails node={node} range={nodeSpan} /> : undefined}
        </section>
        <HexView
          source={hex}
          selection={selection}
          selectionTone={row !== undefined && row.nodeId === sel.id && sel.highlight === undefined ? 'soft' : 'strong'}
          {...(context !== undefined ? { context } : {})}
          {...(error !== undefined ? { marker: error.offset } : {})}
          {...(reveal !== undefined ? { reveal } : {})}
          onByteClick={onByteClick}
          {...(sel.offset !== undefined && sel.origin !== 'start' ? { cursor: sel.offset } : {})}
        />
      </div>
    </div>
  );
}

/**
 * A stream that failed opens where it failed; a good one on its first described device
 * (the RAM sections before it are mostly one opaque run of pages).
 */
function initialSelection(index: StreamIndex, result: DecodeResult): Selection {
  let id: NodeId | undefined;
  let offset: number | undefined;
  if (result.error !== undefined) {
    offset = Math.min(result.error.offset, Math.max(0, index.streamSize - 1));
    id = index.byOffset.find(offset) ?? index.rows.at(-1)?.nodeId;
  } else {
    id = index.rows.find((r) => r.bodyDecoder === 'vmdesc' || r.bodyDecoder === 'manifest')?.nodeId ?? index.rows[0]?.nodeId;
  }
  id ??= 0;
  const expanded = new Set<NodeId>();
  for (const a of ancestry(index, id)) if (a !== id || index.parent[a] === 0) expanded.add(a);
  return { id, origin: 'start', seq: 0, expanded, ...(offset !== undefined ? { offset } : {}) };
}
