import { memo, useCallback, useRef, useState, type KeyboardEvent, type ReactElement } from 'react';
import type { BoardCellView, BoardColumnView, BoardView } from './board-layout.ts';

export interface BoardGridProps {
  readonly view: BoardView;
  readonly selected: { readonly row: string; readonly col: string } | undefined;
  readonly onOpen: (row: string, col: string) => void;
  readonly onClose: () => void;
}

/** The row of a selected column header: the loads observed there. */
export const OBSERVED_ROW = '*observed*';

const VERDICT_WORD: Readonly<Record<string, string>> = { breaks: 'breaks', 'at-risk': 'at risk', fine: 'fine' };

/**
 * The board: devices down, machine-type groups × version pairs across; headers and the device
 * column stay put while the board scrolls both ways. One focus stop; the arrow keys move a
 * cell focus, Enter opens it, Escape closes it.
 */
export function BoardGrid({ view, selected, onOpen, onClose }: BoardGridProps): ReactElement {
  const [focus, setFocus] = useState<{ row: number; col: number }>({ row: 0, col: 0 });
  const hasObserved = view.columns.some((c) => c.observed !== undefined);
  const focusRow = view.rows[Math.min(focus.row, view.rows.length - 1)];
  const focusCol = view.columns[Math.min(focus.col, view.columns.length - 1)];
  const idOf = (row: string, col: string): string => `board-${encodeURIComponent(row)}-${encodeURIComponent(col)}`;
  // One handler for every cell, so that a click re-renders only the cells whose state changed.
  const openRef = useRef(onOpen);
  openRef.current = onOpen;
  const pick = useCallback((row: string, col: string, at: readonly [number, number]) => {
    setFocus({ row: at[0], col: at[1] });
    openRef.current(row, col);
  }, []);

  const onKeyDown = (e: KeyboardEvent<HTMLTableElement>): void => {
    const move: Readonly<Record<string, [number, number]>> = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1], PageUp: [-10, 0], PageDown: [10, 0] };
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      if (focusRow !== undefined && focusCol !== undefined) onOpen(focusRow.qomType, focusCol.key);
      return;
    }
    if (e.key === 'Escape') {
      onClose();
      return;
    }
    const d = move[e.key];
    if (d === undefined) return;
    e.preventDefault();
    const next = { row: Math.max(0, Math.min(view.rows.length - 1, focus.row + d[0])), col: Math.max(0, Math.min(view.columns.length - 1, focus.col + d[1])) };
    setFocus(next);
    const r = view.rows[next.row];
    const c = view.columns[next.col];
    if (r !== undefined && c !== undefined) document.getElementById(idOf(r.qomType, c.key))?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  };

  return (
    <table
      className="board-grid"
      role="grid"
      aria-label="Release board: devices by machine type and version pair"
      aria-rowcount={view.rows.length + 2}
      aria-colcount={view.columns.length + 1}
      tabIndex={0}
      aria-activedescendant={focusRow !== undefined && focusCol !== undefined ? idOf(focusRow.qomType, focusCol.key) : undefined}
      onKeyDown={onKeyDown}
      data-testid="board-grid"
    >
      <thead>
        <tr className="board-groups">
          <th className="board-corner" rowSpan={hasObserved ? 3 : 2} scope="col">
            device ↓ · machine type, source → destination
          </th>
          {view.groups.map((g) => (
            <th
              key={g.key}
              colSpan={g.columns.length}
              scope="colgroup"
              className="board-group"
              data-group={g.key}
              title={`${g.machines.map((m) => m.name).join(', ')}\noffered by ${g.offeredBy.join(', ')}${g.deprecatedIn.length > 0 ? `; deprecated in ${g.deprecatedIn.join(', ')}` : ''}\nforward breaks: ${g.forwardBreaks.join(', ') || 'none'}\nbackward breaks: ${g.backwardBreaks.join(', ') || 'none'}`}
            >
              <span className="board-group-name">{g.label}</span>
              <span className={`board-group-sum${g.forwardBreaks.length > 0 ? ' has-breaks' : ''}`} data-testid="board-group-summary">
                ✕ {g.forwardBreaks.length} fwd · {g.backwardBreaks.length} bwd
              </span>
            </th>
          ))}
        </tr>
        <tr className="board-pairs">
          {view.columns.map((c) => (
            <th key={c.key} scope="col" className={`board-pair dir-${c.pair.direction}${c.deprecatedDest ? ' deprecated' : ''}`} data-col={c.key} title={`${c.group}: ${c.pair.source} → ${c.pair.dest} (${c.pair.direction})${c.deprecatedDest ? `; ${c.pair.dest} marks it deprecated` : ''}`}>
              <span>{c.label}</span>
            </th>
          ))}
        </tr>
        {hasObserved ? (
          <tr className="board-observed">
            {view.columns.map((c) => (
              <ObservedHead key={c.key} column={c} open={selected?.row === OBSERVED_ROW && selected.col === c.key} onOpen={() => onOpen(OBSERVED_ROW, c.key)} />
            ))}
          </tr>
        ) : undefined}
      </thead>
      <tbody>
        {view.rows.map((r, ri) => (
          <tr key={r.qomType} data-row={r.qomType}>
            <th scope="row" className={`board-row-head verdict-text-${r.verdict}`} title={`${r.qomType}: saves as ${r.sections.join(', ')}\n${r.breaks} breaking, ${r.atRisk} at risk on show`}>
              <span className="mono">{r.qomType}</span>
              {r.sections.length > 0 && r.sections.join() !== r.qomType ? <span className="board-section mono">{r.sections.join(' → ')}</span> : undefined}
            </th>
            {view.columns.map((c, ci) => {
              const cell = view.cells.get(r.qomType)?.get(c.key);
              if (cell === undefined) return <td key={c.key} className="board-cell absent" aria-label={`${r.qomType}, ${c.group} ${c.label}: neither build has it`} />;
              const isOpen = selected !== undefined && selected.row === r.qomType && selected.col === c.key;
              return (
                <Cell key={c.key} id={idOf(r.qomType, c.key)} cell={cell} column={c} open={isOpen} focused={focus.row === ri && focus.col === ci} at={[ri, ci]} onPick={pick} />
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

interface CellProps {
  readonly id: string;
  readonly cell: BoardCellView;
  readonly column: BoardColumnView;
  readonly open: boolean;
  readonly focused: boolean;
  readonly at: readonly [number, number];
  readonly onPick: (row: string, col: string, at: readonly [number, number]) => void;
}

const Cell = memo(function Cell({ id, cell, column, open, focused, at, onPick }: CellProps): ReactElement {
  const word = cell.comparable ? (VERDICT_WORD[cell.verdict] ?? cell.verdict) : 'at risk, not comparable from the manifests';
  return (
    <td
      id={id}
      role="gridcell"
      className={`board-cell${cell.comparable ? '' : ' opaque'}${open ? ' open' : ''}${focused ? ' focused' : ''}${cell.compat !== '' ? ' compat' : ''}`}
      style={{ background: cell.fill, color: cell.ink }}
      aria-selected={open}
      aria-label={`${cell.row}, ${column.group} ${column.label}: ${word}${cell.compat !== '' ? `; compat: ${cell.compat}` : ''}`}
      title={`${cell.row} · ${column.group} · ${column.label}: ${word}${cell.compat !== '' ? `\npinned: ${cell.compat}` : ''}`}
      data-row={cell.row}
      data-col={column.key}
      data-verdict={cell.verdict}
      data-comparable={cell.comparable ? 'yes' : 'no'}
      onClick={() => onPick(cell.row, column.key, at)}
    >
      {cell.count > 0 ? cell.count : ''}
    </td>
  );
}, (a, b) => a.cell === b.cell && a.column === b.column && a.open === b.open && a.focused === b.focused && a.id === b.id);

function ObservedHead({ column, open, onOpen }: { column: BoardColumnView; open: boolean; onOpen: () => void }): ReactElement {
  const o = column.observed;
  if (o === undefined) return <th scope="col" className="board-obs none" />;
  const bad = o.disagree > 0;
  return (
    <th scope="col" className={`board-obs ${bad ? 'disagree' : 'agree'}${open ? ' open' : ''}`} data-col={column.key} data-agree={o.agree} data-disagree={o.disagree} data-testid="board-observed">
      <button type="button" onClick={onOpen} title={`${o.total} real loads: ${o.agree} as predicted, ${o.disagree} not`} aria-label={`${column.group} ${column.label}: ${o.total} real loads, ${o.agree} as predicted, ${o.disagree} not`}>
        {bad ? `✗${o.disagree}` : `✓${o.agree}`}
      </button>
    </th>
  );
}
