import type { ReactElement } from 'react';
import type { PivotView } from './board-layout.ts';

export interface BoardPivotProps {
  readonly pivot: PivotView;
  readonly selected: { readonly row: string; readonly col: string } | undefined;
  readonly onOpen: (row: string, col: string) => void;
}

/**
 * Machine types (groups of them) down, every pair across: how many devices break there, how
 * many are at risk, and what the real loads said. A pair the builds do not both offer is empty.
 */
export function BoardPivot({ pivot, selected, onOpen }: BoardPivotProps): ReactElement {
  const hasObserved = pivot.rows.some((r) => [...r.cells.values()].some((c) => c.observed !== undefined));
  return (
    <table className="board-grid board-pivot" aria-label="Machine types by version pair: breaking devices" data-testid="board-pivot">
      <thead>
        <tr className="board-pairs">
          <th scope="col" className="board-corner">
            machine type ↓ · source → destination
          </th>
          {pivot.pairs.map((p) => (
            <th key={p.key} scope="col" className={`board-pair wide dir-${p.direction}`} data-col={p.key}>
              <span>
                {p.source}→{p.dest}
              </span>
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {pivot.rows.map((r) => (
          <tr key={r.key} data-machine={r.key}>
            <th scope="row" className="board-row-head" title={`${r.machines.join(', ')}\noffered by ${r.offeredBy.join(', ')}`}>
              <span className="mono">{r.label}</span>
              <span className="board-section mono">{r.offeredBy.join(' ')}</span>
            </th>
            {pivot.pairs.map((p) => {
              const c = r.cells.get(p.key);
              if (c === undefined) return <td key={p.key} className="board-cell absent wide" aria-label={`${r.label}, ${p.key}: not offered by both builds`} />;
              const open = selected?.row === r.key && selected.col === p.key;
              const obs = c.observed;
              return (
                <td
                  key={p.key}
                  role="gridcell"
                  className={`board-cell wide${open ? ' open' : ''}`}
                  style={{ background: c.fill, color: c.ink }}
                  data-machine={r.key}
                  data-col={p.key}
                  data-breaks={c.breaks}
                  data-at-risk={c.atRisk}
                  data-agree={obs?.agree ?? ''}
                  data-disagree={obs?.disagree ?? ''}
                  aria-selected={open}
                  aria-label={`${r.label}, ${p.key}: ${c.breaks} devices break, ${c.atRisk} at risk${obs !== undefined ? `; ${obs.total} real loads, ${obs.disagree} not as predicted` : ''}`}
                  onClick={() => onOpen(r.key, p.key)}
                >
                  <span className="pivot-count" title="devices that break">✕{c.breaks}</span>
                  <span className="pivot-risk" title="devices at risk">⚠{c.atRisk}</span>
                  {hasObserved && obs !== undefined ? <span className={`pivot-obs ${obs.disagree > 0 ? 'disagree' : 'agree'}`}>{obs.disagree > 0 ? `✗${obs.disagree}` : `✓${obs.agree}`}</span> : undefined}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
