import type { ReactElement } from 'react';
import type { MachineTierRow } from '../../analysis/machine-tiers.ts';

export interface TierDetailsProps {
  readonly row: MachineTierRow;
}

/** One machine type: its tier and the reason, in full. */
export function TierDetails({ row }: TierDetailsProps): ReactElement {
  return (
    <section className="tier-details" aria-label={`Tier of ${row.name}`} data-testid="tier-details" data-machine={row.name}>
      <h3 className="mono">{row.name}</h3>
      <p>
        <span className={`tier-badge tier-${row.tier === 'forward migration promised' ? 'promised' : 'none'}`}>{row.tier}</span>{' '}
        <span className="muted">
          {row.kind}
          {row.machineVersion !== undefined ? `, family ${row.family}, version ${row.machineVersion}` : ''}
        </span>
      </p>
      <p className="tier-reason">{row.reason}</p>
    </section>
  );
}
