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
      {row.standing !== 'none' ? (
        <p>
          <span className={`tier-badge standing-${row.standing}`} data-testid="tier-standing">
            {row.label}
          </span>
        </p>
      ) : undefined}
      <p className="tier-reason">{row.reason}</p>
      {row.breaks.length > 0 ? (
        <>
          <h4>Devices that break the promise</h4>
          <ul className="tier-breaks" data-testid="tier-breaks">
            {row.breaks.map((b) => (
              <li key={`${b.qomType}-${b.source}-${b.dest}`} data-device={b.qomType} data-pair={`${b.source}->${b.dest}`}>
                <span className="mono">{b.qomType}</span> <span className="muted mono">({b.section})</span> {b.source} → {b.dest}
                <p className="muted">{b.reason}</p>
              </li>
            ))}
          </ul>
        </>
      ) : undefined}
    </section>
  );
}
