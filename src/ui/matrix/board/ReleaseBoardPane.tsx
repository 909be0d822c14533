import { useMemo, type ReactElement, type ReactNode } from 'react';
import { NotesList } from '../NotesList.tsx';
import { BOARD_CSV_HEADER, boardCsvRows, boardJson } from '../../../analysis/board-json.ts';
import { exportCsv, exportJson, exportPngText, exportSvgText } from '../../export/export-files.ts';
import { ExportMenu } from '../../export/ExportMenu.tsx';
import { useWorkspaceState, useWorkspaceStore } from '../../workspace/workspace-context.ts';
import type { MatrixLayout } from '../../workspace/workspace-store.ts';
import type { Direction } from '../matrix-layout.ts';
import { useColorScheme } from '../use-color-scheme.ts';
import { VersionedFileList } from '../VersionedFileList.tsx';
import { boardView, pivotView } from './board-layout.ts';
import { setBoardSettings, useBoardSettings } from './board-options.ts';
import { boardSvg } from './board-svg.ts';
import './board.css';
import { BoardGrid } from './BoardGrid.tsx';
import { BoardPanel } from './BoardPanel.tsx';
import { BoardPivot } from './BoardPivot.tsx';
import { useReleaseBoard } from './use-release-board.ts';

const DIRECTIONS: readonly { readonly id: Direction; readonly label: string }[] = [
  { id: 'both', label: 'Both' },
  { id: 'forward', label: 'Forward' },
  { id: 'backward', label: 'Backward' },
];

const AGREEMENT_SHORT: Readonly<Record<string, string>> = {
  agree: 'as predicted',
  'observed fail, manifests said fine': 'observed fail, manifests said fine',
  'observed success, manifests said fail': 'observed success, manifests said fail',
  'same build': 'within one build',
  'off the board': 'off the board',
};

/**
 * The release board (and its pivot): every machine type of the loaded builds at once, devices
 * against version pairs, with the real loads of any outcome CSV marked on it.
 */
export function ReleaseBoardPane({ layout, switcher }: { readonly layout: Exclude<MatrixLayout, 'machine'>; readonly switcher: ReactNode }): ReactElement {
  const store = useWorkspaceStore();
  const { matrixCell } = useWorkspaceState();
  const settings = useBoardSettings();
  const scheme = useColorScheme();
  const b = useReleaseBoard();
  const board = b.board;
  const view = useMemo(() => (board !== undefined ? boardView(board, b.observed, { ...settings, scheme }) : undefined), [board, b.observed, settings, scheme]);
  const pivot = useMemo(() => (board !== undefined && view !== undefined && layout === 'pivot' ? pivotView(view, board, { direction: settings.direction, scheme }) : undefined), [board, view, layout, settings.direction, scheme]);
  const base = board !== undefined ? `board-${board.builds.join('_')}` : 'board';
  const state = b.pending ? 'loading' : board === undefined ? 'empty' : 'ready';

  return (
    <>
    <div className="view-toolbar board-toolbar">
      {switcher}
      <span className="segmented" role="radiogroup" aria-label="Direction">
        {DIRECTIONS.map((d) => (
          <label key={d.id} className={settings.direction === d.id ? 'on' : undefined}>
            <input type="radio" name="board-direction" value={d.id} checked={settings.direction === d.id} onChange={() => setBoardSettings({ direction: d.id })} />
            {d.label}
          </label>
        ))}
      </span>
      <label className="tool-field">
        <span>Machine types</span>
        <input type="search" value={settings.machineFilter} placeholder="pc-q35, 7.2…" onChange={(e) => setBoardSettings({ machineFilter: e.target.value })} aria-label="Filter machine types" />
      </label>
      <label className="tool-field">
        <span>Devices</span>
        <input type="search" value={settings.rowFilter} placeholder="virtio, vga…" onChange={(e) => setBoardSettings({ rowFilter: e.target.value })} aria-label="Filter devices" data-testid="board-row-filter" />
      </label>
      <label className="tool-check">
        <input type="checkbox" checked={settings.hideFine} onChange={(e) => setBoardSettings({ hideFine: e.target.checked })} />
        Hide fine rows
      </label>
      <label className="tool-check" title="Rows at risk only because a manifest cannot show the device's state (no fields, virtio, msix...)">
        <input type="checkbox" checked={settings.hideOpaqueOnly} onChange={(e) => setBoardSettings({ hideOpaqueOnly: e.target.checked })} />
        Hide rows only not comparable
      </label>
      <label className="tool-check" title="Machine types whose columns are the same (same builds, same pinned migration properties) share columns">
        <input type="checkbox" checked={settings.group} onChange={(e) => setBoardSettings({ group: e.target.checked })} />
        Group alike machine types
      </label>
      <span className="toolbar-spacer" />
      {board !== undefined && view !== undefined ? (
        <ExportMenu
          ariaLabel="Export the board"
          items={[
            { label: 'Whole board (JSON)', run: () => exportJson(`${base}.json`, boardJson(board, b.observed)) },
            { label: 'Whole board (CSV)', run: () => exportCsv(`${base}.csv`, [...BOARD_CSV_HEADER], boardCsvRows(board)) },
            {
              label: 'Board on show (SVG)',
              run: () => exportSvgText(`${base}.svg`, boardSvg(view, `migscope board: ${board.builds.join(', ')}`, scheme === 'dark').text),
            },
            {
              label: 'Board on show (PNG)',
              run: () => {
                const svg = boardSvg(view, `migscope board: ${board.builds.join(', ')}`, scheme === 'dark');
                return exportPngText(`${base}.png`, svg.text, svg.width, svg.height);
              },
            },
          ]}
        />
      ) : undefined}
    </div>
    <div className="matrix-main board-main" data-app-state={state}>
      {/* Keyed by layout: each layout opens at its top left. */}
      <div key={layout} className="matrix-scroll board-scroll" data-testid="board-scroll">
        {board !== undefined && view !== undefined ? (
          <>
            <div className="matrix-caption">
              <p data-testid="board-caption">
                Builds {board.builds.join(', ')}: {view.machinesShown} machine types{settings.group ? ` in ${view.groups.length} groups` : ''}, {view.columns.length} columns, {view.rows.length} of {board.rows.length} devices
                {view.hiddenRows > 0 ? ` (${view.hiddenRows} hidden)` : ''}
                {view.machinesWithoutPair.length > 0 ? `; ${view.machinesWithoutPair.length} machine types only one build offers are not on it` : ''}.
              </p>
              <ul className="matrix-legend" aria-label="Legend">
                {view.legend.map((l) => (
                  <li key={l.label}>
                    <span className={`board-swatch${l.opaque === true ? ' opaque' : ''}`} style={{ background: l.fill }} aria-hidden="true" />
                    {l.label}
                  </li>
                ))}
              </ul>
            </div>
            {b.observed !== undefined ? (
              <p className="board-observed-summary" data-testid="board-observed-summary">
                Real loads:{' '}
                {Object.entries(b.observed.counts)
                  .filter(([, n]) => n > 0)
                  .map(([k, n]) => `${n} ${AGREEMENT_SHORT[k] ?? k}`)
                  .join(' · ')}
                . A load that failed where the manifests saw nothing certain is marked ✗ on its column; its runtime check is named when one matches.
              </p>
            ) : undefined}
            {layout === 'pivot' && pivot !== undefined ? (
              <BoardPivot pivot={pivot} selected={matrixCell} onOpen={(row, col) => store.selectMatrixCell({ row, col })} />
            ) : view.rows.length === 0 ? (
              <p className="muted">No device to show with these filters.</p>
            ) : (
              <BoardGrid view={view} selected={matrixCell} onOpen={(row, col) => store.selectMatrixCell({ row, col })} onClose={() => store.selectMatrixCell(undefined)} />
            )}
            <NotesList notes={[...b.notes, ...board.notes]} />
          </>
        ) : (
          <div className="matrix-empty">
            <h2>No board yet</h2>
            <p>{b.pending ? 'Reading the manifests…' : b.problem}</p>
            <p className="muted">
              Drop each build&apos;s <span className="mono">-dump-vmstate</span> manifests and its <span className="mono">query-machines</span> reply (with{' '}
              <span className="mono">&quot;compat-props&quot;: true</span> from QEMU 9.1 on). Each file&apos;s build is read from its content and shown on its chip in Files; same-named files of
              different builds are told apart. Add a CSV of real load outcomes to see where prediction and reality agree.
            </p>
            <NotesList notes={b.notes} />
          </div>
        )}
      </div>
      <aside className="matrix-side">
        {board !== undefined && view !== undefined && matrixCell !== undefined ? (
          <BoardPanel board={board} view={view} pivot={pivot} selected={matrixCell} onClose={() => store.selectMatrixCell(undefined)} />
        ) : board !== undefined ? (
          <p className="muted matrix-side-hint">Pick a cell for its findings, the compat properties pinned on it and the real loads of its column.</p>
        ) : undefined}
        {b.observedFiles.length > 0 ? (
          <section className="versioned-files" aria-label="Load outcomes">
            <h3>Load outcomes</h3>
            <ul>
              {b.observedFiles.map((o, i) => (
                <li key={`${i}-${o.name}`} data-testid="observed-file">
                  <span className="vf-name mono ellipsis" title={o.name}>
                    {o.name}
                  </span>
                  {o.problem !== undefined ? <span className="error-text">{o.problem}</span> : <span className="muted">{o.rows} loads</span>}
                </li>
              ))}
            </ul>
          </section>
        ) : undefined}
        <VersionedFileList files={b.files} title="Manifests and machine lists" />
      </aside>
    </div>
    </>
  );
}
