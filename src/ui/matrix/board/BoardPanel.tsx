import type { ReactElement } from 'react';
import type { LoadMark } from '../../../analysis/observed-loads.ts';
import { opacityReason } from '../../../analysis/qom-cells.ts';
import type { ReleaseBoard } from '../../../analysis/release-board.ts';
import { MatrixCellPanel } from '../MatrixCellPanel.tsx';
import type { BoardGroupView, BoardView, PivotView } from './board-layout.ts';
import { OBSERVED_ROW } from './BoardGrid.tsx';

export interface BoardPanelProps {
  readonly board: ReleaseBoard;
  readonly view: BoardView;
  readonly pivot: PivotView | undefined;
  readonly selected: { readonly row: string; readonly col: string };
  readonly onClose: () => void;
}

const AGREEMENT_WORD: Readonly<Record<string, string>> = {
  agree: 'as predicted',
  'observed fail, manifests said fine': 'observed fail, manifests said fine',
  'observed success, manifests said fail': 'observed success, manifests said fail',
};

/** What a selected board cell, pivot cell or observed header holds. */
export function BoardPanel({ board, view, pivot, selected, onClose }: BoardPanelProps): ReactElement | null {
  if (pivot !== undefined) {
    const group = view.groups.find((g) => g.key === selected.row);
    const col = group?.columns.find((c) => c.pair.key === selected.col);
    if (group === undefined || col === undefined) return null;
    const cells = [...(board.cells.get(col.pair.key)?.values() ?? [])];
    return (
      <section className="matrix-cell-panel board-panel" data-testid="board-panel" data-row={group.key} data-col={col.pair.key}>
        <Head title={`${group.label} · ${col.label}`} onClose={onClose} />
        <GroupFacts group={group} />
        <p>
          Breaking devices: <span className="mono">{cells.filter((c) => c.verdict === 'breaks').map((c) => c.qomType).join(', ') || 'none'}</span>
        </p>
        <p className="muted">{cells.filter((c) => c.verdict === 'at-risk').length} devices at risk, of which {cells.filter((c) => c.verdict === 'at-risk' && !c.comparable).length} only because the manifests cannot show their state.</p>
        {col.observed !== undefined ? <Marks marks={col.observed.marks} /> : undefined}
      </section>
    );
  }
  const col = view.columns.find((c) => c.key === selected.col);
  const group = view.groups.find((g) => g.key === col?.group);
  if (col === undefined || group === undefined) return null;
  if (selected.row === OBSERVED_ROW) {
    return (
      <section className="matrix-cell-panel board-panel" data-testid="board-panel" data-row={OBSERVED_ROW} data-col={col.key}>
        <Head title={`Real loads · ${group.label} · ${col.label}`} onClose={onClose} />
        <Marks marks={col.observed?.marks ?? []} />
      </section>
    );
  }
  const cell = view.cells.get(selected.row)?.get(selected.col);
  if (cell === undefined) return null;
  const c = cell.cell;
  return (
    <div className="board-panel-stack" data-testid="board-panel" data-row={c.qomType} data-col={col.key}>
      <MatrixCellPanel
        cell={{ device: c.qomType, section: c.section, source: c.source, dest: c.dest, verdict: c.verdict, findings: c.findings, comparable: c.comparable, notComparable: c.comparable ? undefined : opacityReason(c, c.source, c.dest), inVm: undefined }}
        sections={board.rows.find((r) => r.qomType === c.qomType)?.sections ?? []}
        direction={col.pair.direction}
        narrowedTo={undefined}
        onClose={onClose}
      />
      <section className="board-panel-extra">
        <GroupFacts group={group} />
        {cell.pins.length > 0 ? (
          <div data-testid="board-compat">
            <p>Compat properties pinned on it in {c.source} or {c.dest}: they choose which state version, subsection or field the device sends, which the manifests alone cannot see.</p>
            <ul className="board-pins">
              {cell.pins.map((p) => (
                <li key={p.machine}>
                  <span className="mono">{p.machine}</span>: <span className="mono">{p.note}</span>
                </li>
              ))}
            </ul>
          </div>
        ) : undefined}
        {col.observed !== undefined ? <Marks marks={col.observed.marks} /> : undefined}
      </section>
    </div>
  );
}

function Head({ title, onClose }: { title: string; onClose: () => void }): ReactElement {
  return (
    <header className="matrix-cell-head">
      <h3 className="mono">{title}</h3>
      <button type="button" className="notice-close" aria-label="Close" onClick={onClose}>
        ×
      </button>
    </header>
  );
}

function GroupFacts({ group }: { group: BoardGroupView }): ReactElement {
  return (
    <p className="muted board-group-facts">
      {group.machines.length === 1 ? 'Machine type ' : `${group.machines.length} machine types with the same columns: `}
      <span className="mono">{group.machines.map((m) => m.name).join(', ')}</span>; offered by {group.offeredBy.join(', ')}
      {group.deprecatedIn.length > 0 ? `, deprecated in ${group.deprecatedIn.join(', ')}` : ''}.
    </p>
  );
}

function Marks({ marks }: { marks: readonly LoadMark[] }): ReactElement {
  return (
    <div className="board-marks" data-testid="board-marks">
      <h4>Real loads</h4>
      <ol>
        {marks.map((m) => (
          <li key={`${m.load.line}`} className={m.agreement === 'agree' ? 'agree' : 'disagree'} data-agreement={m.agreement} data-config={m.load.config}>
            <span className="mono">
              {m.load.machine} {m.load.config}
            </span>{' '}
            {m.load.outcome === 'SUCCEEDED' ? 'loaded' : 'failed'}: <b>{AGREEMENT_WORD[m.agreement] ?? m.agreement}</b>
            {m.runtimeCheck !== undefined ? (
              <span className="board-check" data-testid="board-runtime-check">
                {' '}
                — the {m.runtimeCheck.family} runtime check ({m.runtimeCheck.source}; {m.runtimeCheck.releases})
              </span>
            ) : undefined}
            <p className="muted">{m.why}</p>
          </li>
        ))}
      </ol>
    </div>
  );
}
