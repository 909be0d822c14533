import type { ReactElement } from 'react';
import type { MachineTierRow } from '../../analysis/machine-tiers.ts';
import { cellWord } from './tiers-board.ts';

export interface TiersGridProps {
  readonly versions: readonly string[];
  readonly rows: readonly MachineTierRow[];
  readonly selected: string | undefined;
  readonly onSelect: (name: string) => void;
  /** Whether manifests checked the promises (the label then says kept, broken, ended). */
  readonly checked: boolean;
}

const TIER_SHORT: Readonly<Record<string, string>> = {
  'forward migration promised': 'forward promised',
  'a clean error at most': 'clean error at most',
};

/** Machine types down, builds across; each cell says whether that build offers the type. */
export function TiersGrid({ versions, rows, selected, onSelect, checked }: TiersGridProps): ReactElement {
  return (
    <table className="tiers-grid" data-testid="tiers-grid">
      <thead>
        <tr>
          <th scope="col">machine type</th>
          <th scope="col">kind</th>
          <th scope="col">tier</th>
          {versions.map((v) => (
            <th key={v} scope="col" className="tiers-version">
              QEMU {v}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr
            key={r.name}
            className={`tier-row kind-${r.kind}${selected === r.name ? ' selected' : ''}`}
            data-machine={r.name}
            aria-selected={selected === r.name}
            onClick={() => onSelect(r.name)}
          >
            <th scope="row" className="mono">
              <button type="button" className="tier-name" onClick={() => onSelect(r.name)} title={r.reason}>
                {r.name}
              </button>
            </th>
            <td className="muted">{r.kind}</td>
            <td className={`tier-label tier-${r.tier === 'forward migration promised' ? 'promised' : 'none'} standing-${r.standing}`} title={r.reason} data-standing={r.standing} data-testid="tier-label">
              {checked ? r.label : (TIER_SHORT[r.tier] ?? r.tier)}
            </td>
            {r.cells.map((c) => {
              const word = cellWord(c);
              return (
                <td key={c.version} className={`tier-cell status-${c.known ? (c.resolvesTo !== undefined ? 'alias' : c.status) : 'unknown'}`} data-version={c.version} data-status={c.known ? c.status : 'unknown'}>
                  <span className="tier-mark" aria-hidden="true" />
                  {word}
                  {c.isDefault ? <span className="tier-default"> default</span> : undefined}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
