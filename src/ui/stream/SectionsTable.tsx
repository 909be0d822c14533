import { useLayoutEffect, type CSSProperties, type KeyboardEvent, type ReactElement, type ReactNode } from 'react';
import { useVirtualRows } from '../common/use-virtual-rows.ts';
import { compactSize, groupedInt, hexOffset } from './format-value.ts';
import type { RecordRow } from './stream-index.ts';

export interface SectionsTableProps {
  readonly rows: readonly RecordRow[];
  readonly selectedRow: number;
  /** Changes with every selection, so that a selection made elsewhere is scrolled to. */
  readonly selectionSeq: number;
  readonly errorRow?: number;
  readonly onSelectRow: (row: number) => void;
  /** Shown at the right of the pane's head (an export menu). */
  readonly actions?: ReactNode;
}

const ROW_HEIGHT = 20;
const COLUMNS = ['type', 'idstr', 'inst', 'ver', 'id', 'offset', 'size'] as const;

function columnClass(c: (typeof COLUMNS)[number]): string {
  return `c-${c === 'idstr' ? 'name' : c === 'offset' ? 'off' : c === 'size' ? 'size' : c === 'type' ? 'type' : 'num'}`;
}

export function SectionsTable({ rows, selectedRow, selectionSeq, errorRow, onSelectRow, actions }: SectionsTableProps): ReactElement {
  const v = useVirtualRows(rows.length, ROW_HEIGHT);
  const { reveal } = v;
  useLayoutEffect(() => {
    if (selectedRow >= 0) reveal(selectedRow, 'nearest', 1);
  }, [selectedRow, selectionSeq, reveal]);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    const page = Math.max(1, Math.floor(v.viewportHeight / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = {
      ArrowDown: selectedRow + 1,
      ArrowUp: selectedRow - 1,
      PageDown: selectedRow + page,
      PageUp: selectedRow - page,
      Home: 0,
      End: rows.length - 1,
    };
    const next = moves[e.key];
    if (next === undefined) return;
    e.preventDefault();
    onSelectRow(Math.max(0, Math.min(rows.length - 1, next)));
  };

  const sectionCount = rows.filter((r) => r.isSection).length;
  // Offsets get as many digits as the largest needs, so none is cut off.
  const offsetChars = 2 + Math.max(1, ...rows.map((r) => r.start.toString(16).length));
  const body: ReactElement[] = [];
  for (let i = v.first; i < v.last; i++) {
    const row = rows[i];
    if (row === undefined) continue;
    const selected = i === selectedRow;
    const cls = ['trow', row.isSection ? '' : 'other', selected ? 'selected' : '', i === errorRow ? 'has-error' : ''].filter(Boolean).join(' ');
    body.push(
      <div
        key={i}
        role="row"
        id={`record-row-${i}`}
        aria-rowindex={i + 2}
        aria-selected={selected}
        className={cls}
        data-idstr={row.name}
        data-type={row.type}
        style={{ transform: `translateY(${v.offsetOf(i)}px)` }}
        onClick={() => onSelectRow(i)}
      >
        <span role="gridcell" className={`c-type t-${row.type.toLowerCase()}`}>
          {row.type}
        </span>
        <span role="gridcell" className="c-name" title={row.name}>
          {row.name}
          {row.bodyDecoder === 'opaque' ? <span className="tag">opaque</span> : undefined}
          {row.bodyDecoder === 'manifest' ? (
            <span className="tag" title="decoded with a -dump-vmstate manifest as the schema">
              manifest
            </span>
          ) : undefined}
        </span>
        <span role="gridcell" className="c-num">
          {row.instanceId ?? ''}
        </span>
        <span role="gridcell" className="c-num">
          {row.versionId ?? ''}
        </span>
        <span role="gridcell" className="c-num">
          {row.sectionId ?? ''}
        </span>
        <span role="gridcell" className="c-off">
          {hexOffset(row.start)}
        </span>
        <span
          role="gridcell"
          className={`c-size${row.extent.cut ? ' cut' : ''}`}
          title={`${groupedInt(row.extent.end - row.extent.start)} bytes, ${hexOffset(row.extent.start)}–${hexOffset(row.extent.end)}${row.extent.cut ? `: decoding stopped inside this record, at ${hexOffset(row.extent.end - 1)}` : ''}`}
          data-start={row.extent.start}
          data-end={row.extent.end}
        >
          {row.extent.cut ? <span className="cut-mark">cut </span> : undefined}
          {compactSize(row.extent.end - row.extent.start)}
        </span>
      </div>,
    );
  }

  return (
    <section className="pane sections-pane" aria-label="Records">
      <header className="pane-head">
        <h2>Sections</h2>
        <span className="muted">
          {sectionCount} sections, {rows.length} records
        </span>
        {actions !== undefined ? <span className="pane-head-spacer" /> : undefined}
        {actions}
      </header>
      {/*
        The scrolling element is the grid itself, so that the region that scrolls is the one
        that takes the keyboard; the visible header is drawn outside it and repeated, hidden,
        as the grid's first row for assistive technology.
      */}
      <div className="table" style={{ '--off-ch': offsetChars } as CSSProperties} data-testid="sections-table">
        <div className="thead" aria-hidden="true">
          {COLUMNS.map((c) => (
            <span key={c} className={columnClass(c)}>
              {c}
            </span>
          ))}
        </div>
        <div
          role="grid"
          aria-label="Sections and other records"
          aria-rowcount={rows.length + 1}
          aria-activedescendant={selectedRow >= 0 ? `record-row-${selectedRow}` : undefined}
          tabIndex={0}
          className="vscroll tbody"
          ref={v.scrollRef}
          onKeyDown={onKeyDown}
        >
          <div role="row" aria-rowindex={1} className="visually-hidden">
            {COLUMNS.map((c) => (
              <span key={c} role="columnheader">
                {c}
              </span>
            ))}
          </div>
          <div style={{ height: v.spacerHeight }}>
            <div className="vwindow" style={{ height: v.viewportHeight }} role="rowgroup">
              {body}
            </div>
          </div>
        </div>
      </div>
    </section>
  );
}
