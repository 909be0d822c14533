import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactElement, type Ref } from 'react';
import { CELL_WIDTH, cellAt, moveFocus, positionOf, type HeatCell, type HeatMap } from './matrix-layout.ts';

export interface CompatMatrixProps {
  readonly map: HeatMap;
  readonly machine: string;
  /** The cell whose findings are open, by its keys. */
  readonly selected: { readonly row: string; readonly col: string } | undefined;
  readonly onOpen: (cell: HeatCell) => void;
  readonly onClose: () => void;
  readonly svgRef?: Ref<SVGSVGElement> | undefined;
}

const VERDICT_WORD: Readonly<Record<string, string>> = { breaks: 'breaks', 'at-risk': 'at risk', fine: 'fine' };

/**
 * The heat map: devices down, source → destination pairs across, one rect per cell in its
 * verdict's colour. One focus stop (the svg); the arrow keys move a cell focus inside it
 * (aria-activedescendant), Enter opens the focused cell, Escape closes it.
 */
export function CompatMatrix({ map, machine, selected, onOpen, onClose, svgRef }: CompatMatrixProps): ReactElement {
  const idBase = useId();
  const selectedPos = selected !== undefined ? positionOf(map, selected.row, selected.col) : undefined;
  const [focus, setFocus] = useState<{ row: number; column: number }>(() => selectedPos ?? { row: 0, column: 0 });
  const cellRefs = useRef(new Map<string, SVGGElement>());

  // The grid can shrink under the focus (rows hidden, direction changed): stay inside it.
  const focused = cellAt(map, focus.row, focus.column) ?? cellAt(map, 0, 0);
  const focusKey = focused !== undefined ? `${focused.rowKey}\u0000${focused.columnKey}` : undefined;

  // A cell opened elsewhere (a shared link, a click) takes the keyboard focus with it.
  const selRow = selectedPos?.row;
  const selCol = selectedPos?.column;
  useEffect(() => {
    if (selRow !== undefined && selCol !== undefined) setFocus({ row: selRow, column: selCol });
  }, [selRow, selCol]);

  const domId = (c: HeatCell): string => `${idBase}-${c.id}`;

  const onKeyDown = (e: KeyboardEvent<SVGSVGElement>): void => {
    if (focused === undefined) return;
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onOpen(focused);
      return;
    }
    if (e.key === 'Escape') {
      onClose();
      return;
    }
    const next = moveFocus(map, { row: focused.row, column: focused.column }, e.key, e.ctrlKey || e.metaKey);
    if (next === undefined) return;
    e.preventDefault();
    setFocus(next);
    const target = cellAt(map, next.row, next.column);
    if (target !== undefined) cellRefs.current.get(`${target.rowKey}\u0000${target.columnKey}`)?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  };

  const rowCells = (row: number): HeatCell[] => map.cells.filter((c) => c.row === row);

  return (
    <svg
      ref={svgRef}
      className="heat-map"
      width={map.width}
      height={map.height}
      viewBox={`0 0 ${map.width} ${map.height}`}
      role="grid"
      aria-label={`Compatibility of ${machine}: devices by source and destination version`}
      aria-rowcount={map.rows.length + 1}
      aria-colcount={map.columns.length + 1}
      tabIndex={0}
      aria-activedescendant={focused !== undefined ? domId(focused) : undefined}
      onKeyDown={onKeyDown}
      data-testid="matrix-grid"
    >
      <g role="row" className="heat-head">
        <text role="columnheader" className="heat-corner" x={map.labelWidth - 8} y={map.headerHeight - 8} textAnchor="end">
          device ↓ · source → destination
        </text>
        {(['forward', 'backward'] as const).map((d) => {
          const cols = map.columns.filter((c) => c.direction === d);
          const first = cols[0];
          if (first === undefined) return undefined;
          const width = (cols.length - 1) * CELL_WIDTH + map.cellWidth;
          const words = cols.length > 1 ? (d === 'forward' ? 'forward (to newer)' : 'backward (to older)') : d;
          return (
            <g key={d} className="heat-direction" aria-hidden="true">
              <text x={first.x} y={10}>
                {words}
              </text>
              <line x1={first.x} x2={first.x + width} y1={14} y2={14} />
            </g>
          );
        })}
        {map.columns.map((c) => (
          <g key={c.key} role="columnheader" aria-label={`${c.label}, ${c.direction}: ${VERDICT_WORD[c.verdict] ?? c.verdict}${c.narrowedTo !== undefined ? `, narrowed to ${c.narrowedTo}` : ''}`} data-col={c.key}>
            <text className="heat-col-label" x={c.x + map.cellWidth / 2} y={map.headerHeight - 9} textAnchor="middle">
              {c.label}
              {c.narrowedTo !== undefined ? ' ◆' : ''}
            </text>
            <rect className="heat-col-bar" x={c.x} y={map.headerHeight - 5} width={map.cellWidth} height={3} fill={c.fill} />
            <title>{`${c.label} (${c.direction}): ${VERDICT_WORD[c.verdict] ?? c.verdict}${c.narrowedTo !== undefined ? `\nnarrowed to the VM in ${c.narrowedTo}` : ''}`}</title>
          </g>
        ))}
      </g>
      {map.rows.map((r) => (
        <g key={r.key} role="row" className="heat-row" data-row={r.key}>
          <text role="rowheader" className={`heat-row-label verdict-text-${r.verdict}`} x={map.labelWidth - 8} y={r.y + map.cellHeight / 2} textAnchor="end" dominantBaseline="central">
            {r.key}
            <title>{`${r.key}${r.sections.length > 0 ? `\nsaves as: ${r.sections.join(', ')}` : ''}\n${r.breaks} breaking, ${r.atRisk} at risk`}</title>
          </text>
          {rowCells(r.index).map((c) => {
            const key = `${c.rowKey}\u0000${c.columnKey}`;
            const isOpen = selected !== undefined && selected.row === c.rowKey && selected.col === c.columnKey;
            const label = `${c.rowKey}, ${c.cell.source} → ${c.cell.dest}: ${c.applicable ? (VERDICT_WORD[c.verdict] ?? c.verdict) : 'not in the VM'}, ${c.findings} finding${c.findings === 1 ? '' : 's'}`;
            return (
              <g
                key={c.columnKey}
                id={domId(c)}
                ref={(el) => {
                  if (el === null) cellRefs.current.delete(key);
                  else cellRefs.current.set(key, el);
                }}
                role="gridcell"
                aria-label={label}
                aria-selected={isOpen}
                className={`heat-cell${isOpen ? ' open' : ''}${focusKey === key ? ' focused' : ''}${c.applicable ? '' : ' not-in-vm'}`}
                data-row={c.rowKey}
                data-col={c.columnKey}
                data-verdict={c.applicable ? c.verdict : 'not-in-vm'}
                onClick={() => {
                  setFocus({ row: c.row, column: c.column });
                  onOpen(c);
                }}
              >
                <rect x={c.x} y={c.y} width={map.cellWidth} height={map.cellHeight} rx={2} fill={c.fill} />
                {c.count > 0 ? (
                  <text className="heat-count" x={c.x + map.cellWidth / 2} y={c.y + map.cellHeight / 2} textAnchor="middle" dominantBaseline="central" fill={c.ink}>
                    {c.count}
                  </text>
                ) : !c.applicable ? (
                  <text className="heat-count heat-na" x={c.x + map.cellWidth / 2} y={c.y + map.cellHeight / 2} textAnchor="middle" dominantBaseline="central">
                    –
                  </text>
                ) : undefined}
              </g>
            );
          })}
        </g>
      ))}
      {focused !== undefined ? (
        <rect className="heat-focus-ring" x={focused.x - 1.5} y={focused.y - 1.5} width={map.cellWidth + 3} height={map.cellHeight + 3} rx={3} fill="none" aria-hidden="true" />
      ) : undefined}
    </svg>
  );
}
