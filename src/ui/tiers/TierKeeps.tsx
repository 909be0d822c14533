import type { ReactElement } from 'react';
import type { VersionKeeps } from '../../analysis/machine-tiers.ts';

export interface TierKeepsProps {
  readonly keeps: readonly VersionKeeps[];
}

/** Per build: how many versioned machine types it still offers, by family, and which are deprecated. */
export function TierKeeps({ keeps }: TierKeepsProps): ReactElement {
  return (
    <section className="tier-keeps" aria-label="What each build keeps">
      <h3>What each build keeps</h3>
      <ul>
        {keeps.map((k) => (
          <li key={k.version} data-version={k.version}>
            <b>QEMU {k.version}</b> keeps {k.versioned.length} versioned types
            {k.families.length > 0 ? ': ' : ''}
            {k.families.map((f, i) => (
              <span key={f.family}>
                {i > 0 ? ', ' : ''}
                <span className="mono">{f.family}</span> {f.oldest}–{f.newest} <span className="muted">({f.count})</span>
              </span>
            ))}
            .{' '}
            {k.deprecated.length > 0 ? (
              <details>
                <summary>{k.deprecated.length} deprecated</summary>
                <span className="mono tier-list">{k.deprecated.join(', ')}</span>
              </details>
            ) : (
              <span className="muted">None deprecated.</span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
