import type { ReactElement } from 'react';
import type { MachineTiers } from '../../analysis/machine-tiers.ts';

export interface NoVmstateDevicesProps {
  readonly tiers: MachineTiers;
}

/** Device types a build offers without migration state: a VM that has one cannot migrate. */
export function NoVmstateDevices({ tiers }: NoVmstateDevicesProps): ReactElement {
  return (
    <section className="tier-novmstate" aria-label="Devices without migration state">
      <h3>Devices without migration state</h3>
      {tiers.noVmstate.length === 0 ? (
        <p className="muted">Load a build&apos;s -dump-vmstate manifest and its -device help list (both) to list its devices that cannot migrate.</p>
      ) : (
        tiers.noVmstate.map((n) => (
          <details key={n.version} open={tiers.noVmstate.length === 1} data-version={n.version}>
            <summary>
              QEMU {n.version}: <b>{n.devices.length}</b> device types <span className="muted">({n.tier}; {n.excluded.length} excluded by rule)</span>
            </summary>
            <ul className="tier-devices">
              {n.devices.map((d) => (
                <li key={d.name}>
                  <span className="mono">{d.name}</span> <span className="muted">{[d.bus !== undefined ? `bus ${d.bus}` : undefined, d.category].filter((x) => x !== undefined).join(' · ')}</span>
                </li>
              ))}
            </ul>
          </details>
        ))
      )}
      <p className="tier-heuristic muted">
        <b>How:</b> {tiers.heuristic}
      </p>
    </section>
  );
}
