import { useState, type ReactElement } from 'react';
import type { MachineTiers } from '../../analysis/machine-tiers.ts';

export interface DeviceTiersProps {
  readonly tiers: MachineTiers;
}

const USE_WORD: Readonly<Record<string, string>> = {
  'user-creatable': '-device help lists it: any machine type with its bus',
  'assumed user-creatable': 'no -device help list: assumed creatable on any machine type',
  'compat properties': 'machine types whose compat properties pin it',
  'machine code': 'created by machine code: which machine types, these files do not say',
};

/**
 * Per device: the strictest promise among the machine types that use it, and whether the
 * loaded builds keep it (broken ones first).
 */
export function DeviceTiers({ tiers }: DeviceTiersProps): ReactElement {
  const [all, setAll] = useState(false);
  if (tiers.checkedWith.length === 0) {
    return (
      <section className="tier-devices-promise" aria-label="Devices and their promise">
        <h3>Devices and their promise</h3>
        <p className="muted">Load the -dump-vmstate manifests of two builds or more to check each device against the strictest promise of the machine types that use it.</p>
      </section>
    );
  }
  const rank: Readonly<Record<string, number>> = { broken: 0, kept: 1, unchecked: 2 };
  const devices = [...tiers.devices].sort((a, b) => (rank[a.standing] ?? 3) - (rank[b.standing] ?? 3) || (a.qomType < b.qomType ? -1 : 1));
  const broken = devices.filter((d) => d.standing === 'broken');
  const shown = all ? devices : broken;
  return (
    <section className="tier-devices-promise" aria-label="Devices and their promise" data-testid="device-tiers">
      <h3>Devices and their promise</h3>
      <p className="muted">
        {devices.filter((d) => d.promise === 'forward migration promised').length} of {devices.length} devices with migration state are used by a versioned machine type, so forward
        migration is promised for them (the strictest rule of the machine types using a device, as proposed on qemu-devel in 2024). {broken.length} break it between{' '}
        {tiers.checkedWith.join(', ')}.{' '}
        <label className="tool-check">
          <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} /> show all
        </label>
      </p>
      <table className="tier-device-table">
        <thead>
          <tr>
            <th scope="col">device</th>
            <th scope="col">section</th>
            <th scope="col">promise</th>
            <th scope="col">used by</th>
            <th scope="col">standing</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((d) => (
            <tr key={d.qomType} data-device={d.qomType} data-standing={d.standing}>
              <th scope="row" className="mono">
                {d.qomType}
              </th>
              <td className="mono muted">{d.sections.join(' → ')}</td>
              <td>{d.promise}</td>
              <td className="muted" title={d.usedBy.map((u) => `${u.build}: ${u.versioned} versioned, ${u.unversioned} unversioned${u.named.length > 0 ? `; compat props of ${u.named.join(', ')}` : ''}`).join('\n')}>
                {USE_WORD[d.usedVia] ?? d.usedVia}
              </td>
              <td className={`standing-${d.standing}`}>{d.standing === 'broken' ? `broken: ${d.brokenPairs.join(', ')}` : d.standing}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
