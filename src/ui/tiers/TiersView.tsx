import { useMemo, useState, type ReactElement } from 'react';
import { NotesList } from '../matrix/NotesList.tsx';
import { deviceManifest, vmDeviceManifest } from '../../analysis/device-manifest.ts';
import { exportCsv, exportJson } from '../export/export-files.ts';
import { ExportMenu } from '../export/ExportMenu.tsx';
import { VersionedFileList } from '../matrix/VersionedFileList.tsx';
import { DeviceTiers } from './DeviceTiers.tsx';
import { NoVmstateDevices } from './NoVmstateDevices.tsx';
import { TierDetails } from './TierDetails.tsx';
import { TierKeeps } from './TierKeeps.tsx';
import { filterRows, tiersCsv, type KindFilter } from './tiers-board.ts';
import './tiers.css';
import { TiersGrid } from './TiersGrid.tsx';
import { useMachineTiers } from './use-machine-tiers.ts';

const KINDS: readonly { readonly id: KindFilter; readonly label: string }[] = [
  { id: 'all', label: 'All' },
  { id: 'versioned', label: 'Versioned' },
  { id: 'alias', label: 'Aliases' },
  { id: 'unversioned', label: 'Unversioned' },
];

/**
 * The Tiers tab: which machine types each build offers (present, deprecated, absent), what
 * each promises for migration and why, what each build keeps, and its devices that cannot
 * migrate.
 */
export function TiersView(): ReactElement {
  const { pending, files, tiers, notes, builds } = useMachineTiers();
  // Device version manifests of each build with a manifest: what a host accepts, what a VM sends.
  const manifestExports = builds.flatMap((b) => [
    { label: `Device manifest of ${b.version} (JSON)`, run: () => exportJson(`qemu-${b.version}.device-manifest.json`, deviceManifest(b.manifest, b.machines)) },
    { label: `What a VM of ${b.version} sends (JSON)`, run: () => exportJson(`qemu-${b.version}.vm-device-manifest.json`, vmDeviceManifest(b.manifest)) },
  ]);
  const [kind, setKind] = useState<KindFilter>('all');
  const [text, setText] = useState('');
  const [changing, setChanging] = useState(false);
  const [selected, setSelected] = useState<string | undefined>(undefined);
  const rows = useMemo(() => (tiers !== undefined ? filterRows(tiers.machines, { kind, text, changing }) : []), [tiers, kind, text, changing]);
  const selectedRow = tiers?.machines.find((m) => m.name === selected);
  const base = tiers !== undefined ? `tiers-${tiers.versions.join('_')}` : 'tiers';
  const state = pending ? 'loading' : tiers === undefined ? 'empty' : 'ready';

  return (
    <div className="view-body tiers-view" data-app-state={state} data-testid="tiers-view">
      <div className="view-toolbar">
        <label className="tool-field">
          <span>Find</span>
          <input type="search" className="tiers-find" value={text} placeholder="pc-q35, 7.2, microvm…" onChange={(e) => setText(e.target.value)} aria-label="Find machine types" />
        </label>
        <span className="segmented" role="radiogroup" aria-label="Kind of machine type">
          {KINDS.map((k) => (
            <label key={k.id} className={kind === k.id ? 'on' : undefined}>
              <input type="radio" name="tiers-kind" value={k.id} checked={kind === k.id} onChange={() => setKind(k.id)} />
              {k.label}
            </label>
          ))}
        </span>
        <label className="tool-check">
          <input type="checkbox" checked={changing} onChange={(e) => setChanging(e.target.checked)} />
          Only those that change between builds
        </label>
        <span className="toolbar-spacer" />
        {tiers !== undefined ? (
          <span className="muted">
            {rows.length} of {tiers.machines.length} machine types
          </span>
        ) : undefined}
        {tiers !== undefined ? (
          <ExportMenu
            ariaLabel="Export the tiers"
            items={[
              {
                label: 'Machine types (CSV)',
                run: () => {
                  const csv = tiersCsv(tiers);
                  exportCsv(`${base}.csv`, csv.header, csv.rows);
                },
              },
              { label: 'Everything (JSON)', run: () => exportJson(`${base}.json`, tiers) },
              ...manifestExports,
            ]}
          />
        ) : undefined}
      </div>
      <div className="tiers-main">
        <div className="tiers-scroll">
          {tiers === undefined ? (
            <div className="matrix-empty">
              <h2>No machine lists yet</h2>
              <p>{pending ? 'Reading the files…' : 'Load the query-machines reply of each QEMU build (QMP query-machines).'}</p>
              <p className="muted">Add each build&apos;s -dump-vmstate manifest and -device help list to see which of its devices cannot migrate.</p>
            </div>
          ) : (
            <>
              <TiersGrid versions={tiers.versions} rows={rows} selected={selected} onSelect={setSelected} checked={tiers.checkedWith.length > 0} />
              {rows.length === 0 ? <p className="muted">No machine type matches.</p> : undefined}
              <DeviceTiers tiers={tiers} />
              <TierKeeps keeps={tiers.keeps} />
              <NoVmstateDevices tiers={tiers} />
            </>
          )}
          <NotesList notes={notes} />
        </div>
        <aside className="matrix-side">
          {selectedRow !== undefined ? <TierDetails row={selectedRow} /> : tiers !== undefined ? <p className="muted matrix-side-hint">Pick a machine type to see its tier and why.</p> : undefined}
          <VersionedFileList files={files} title="Machine lists, manifests and device lists" />
        </aside>
      </div>
    </div>
  );
}
