import { useMemo, useState, type ReactElement } from 'react';
import { NotesList } from '../matrix/NotesList.tsx';
import { compatJson, compatPropsTable, type CompatInput } from '../../analysis/compat-props.ts';
import { exportCsv, exportJson } from '../export/export-files.ts';
import { ExportMenu } from '../export/ExportMenu.tsx';
import { setBoardSettings } from '../matrix/board/board-options.ts';
import '../matrix/board/board.css';
import { useStableList } from '../matrix/use-stable-list.ts';
import { useVersionedFiles } from '../matrix/use-versioned-files.ts';
import { VersionedFileList } from '../matrix/VersionedFileList.tsx';
import { useWorkspaceStore } from '../workspace/workspace-context.ts';
import './compat.css';

/**
 * The Compat props tab: what each machine type pins (Driver × Property, one column per build
 * and machine type), as QEMU's compare-machine-types.py lays it out, from the query-machines
 * replies of the builds; the properties that change migration state lead to the board.
 */
export function CompatPropsView(): ReactElement {
  const store = useWorkspaceStore();
  const { files, pending } = useVersionedFiles();
  const [machines, setMachines] = useState('pc-q35-7.2, pc-q35-10.0, pc-q35-11.1');
  const [raw, setRaw] = useState(false);
  const [onlyMigration, setOnlyMigration] = useState(false);
  const replies = files.filter((f) => f.machines !== undefined);
  const inputs: CompatInput[] = [];
  for (const f of replies) {
    const build = f.version.version;
    if (build === undefined || f.machines === undefined) continue;
    const has = f.machines.machines.some((m) => m.compatProps !== undefined);
    const at = inputs.findIndex((i) => i.build === build);
    // Of a build's two replies, the one with compat properties.
    if (at < 0) inputs.push({ build, machines: f.machines });
    else if (has) inputs[at] = { build, machines: f.machines };
  }
  const stable = useStableList(inputs.flatMap((i) => [i.build, i.machines]));
  const wanted = machines
    .split(/[\s,]+/)
    .map((m) => m.trim())
    .filter((m) => m !== '');
  const table = useMemo(() => (inputs.length > 0 ? compatPropsTable(inputs, { machines: wanted, all: wanted.length === 0, raw }) : undefined), [stable, machines, raw]);
  const rows = table?.rows.filter((r) => !onlyMigration || r.relevance !== 'other') ?? [];
  const state = pending ? 'loading' : table === undefined || table.columns.length === 0 ? 'empty' : 'ready';
  const builds = [...new Set(table?.columns.map((c) => c.build) ?? [])];

  const toBoard = (qomType: string): void => {
    setBoardSettings({ rowFilter: qomType, hideFine: false });
    store.setMatrixLayout('board');
    store.setView('matrix');
  };

  return (
    <div className="view-body compat-view" data-app-state={state} data-testid="compat-view">
      <div className="view-toolbar">
        <label className="tool-field">
          <span>Machine types</span>
          <input type="text" className="compat-machines tool-text mono" value={machines} onChange={(e) => setMachines(e.target.value)} placeholder="empty: all" aria-label="Machine types to compare" data-testid="compat-machines" />
        </label>
        <label className="tool-check">
          <input type="checkbox" checked={raw} onChange={(e) => setRaw(e.target.checked)} />
          Every row, values as written (raw)
        </label>
        <label className="tool-check">
          <input type="checkbox" checked={onlyMigration} onChange={(e) => setOnlyMigration(e.target.checked)} />
          Only what changes migration state
        </label>
        <span className="toolbar-spacer" />
        {table !== undefined ? (
          <span className="muted">
            {rows.length} rows{!raw && table.sameRows > 0 ? ` (${table.sameRows} the same everywhere)` : ''}
          </span>
        ) : undefined}
        {table !== undefined && table.columns.length > 0 ? (
          <ExportMenu
            ariaLabel="Export the compat properties"
            items={[
              { label: 'Table (CSV)', run: () => exportCsv('compat-props.csv', ['Driver', 'Property', ...table.columns.map((c) => c.key)], rows.map((r) => [r.driver, r.property, ...r.values.map((v) => v ?? '')])) },
              { label: 'Table (JSON)', run: () => exportJson('compat-props.json', compatJson(table)) },
            ]}
          />
        ) : undefined}
      </div>
      <div className="matrix-main">
        <div className="matrix-scroll">
          {table === undefined || table.columns.length === 0 ? (
            <div className="matrix-empty">
              <h2>No compat properties</h2>
              <p>{pending ? 'Reading the replies…' : 'Load query-machines replies made with {"compat-props": true} (QEMU 9.1 and later).'}</p>
              <p className="muted">
                QMP: <span className="mono">{'{"execute": "query-machines", "arguments": {"compat-props": true}}'}</span>
              </p>
            </div>
          ) : (
            <table className="board-grid compat-table" data-testid="compat-table">
              <thead>
                <tr className="board-groups">
                  <th className="board-corner" rowSpan={2} colSpan={2}>
                    Driver · Property
                  </th>
                  {builds.map((b) => (
                    <th key={b} colSpan={table.columns.filter((c) => c.build === b).length} className="board-group">
                      QEMU {b}
                    </th>
                  ))}
                </tr>
                <tr className="board-pairs compat-machines-row">
                  {table.columns.map((c) => (
                    <th key={c.key} className="compat-col mono" data-col={c.key}>
                      {c.machine}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={`${r.driver}\u0000${r.property}`} data-driver={r.driver} data-property={r.property} data-relevance={r.relevance} className={`relevance-${r.relevance.replace(' ', '-')}`}>
                    <th scope="row" className="board-row-head compat-driver mono">
                      {r.relevance === 'device state' ? (
                        <button type="button" className="link-button" onClick={() => toBoard(r.driver)} title={`Show ${r.driver} on the board`} data-testid="compat-to-board">
                          {r.driver}
                        </button>
                      ) : (
                        r.driver
                      )}
                    </th>
                    <th scope="row" className="compat-property mono">
                      {r.property}
                      {r.relevance !== 'other' ? <span className={`compat-tag tag-${r.relevance.replace(' ', '-')}`}>{r.relevance}</span> : undefined}
                    </th>
                    {r.values.map((v, i) => (
                      <td key={table.columns[i]?.key ?? i} className={`compat-value mono${v === undefined ? ' unset' : ''}`} data-col={table.columns[i]?.key}>
                        {v ?? '·'}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {table !== undefined ? <NotesList notes={table.notes} /> : undefined}
          {table !== undefined && table.columns.length > 0 ? (
            <p className="muted compat-foot">
              · = not pinned by that machine type (the device&apos;s default, which compare-machine-types.py asks a running QEMU for). A property set on an abstract type (
              <span className="mono">virtio-pci</span>, <span className="mono">pci-device</span>) applies to all its subtypes.
            </p>
          ) : undefined}
        </div>
        <aside className="matrix-side">
          <VersionedFileList files={replies} title="Machine lists" />
        </aside>
      </div>
    </div>
  );
}
