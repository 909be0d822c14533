import { useMemo, useRef, type ReactElement, type ReactNode } from 'react';
import { NotesList } from './NotesList.tsx';
import { exportCsv, exportJson, exportPng, exportSvg } from '../export/export-files.ts';
import { ExportMenu } from '../export/ExportMenu.tsx';
import { useWorkspaceState, useWorkspaceStore } from '../workspace/workspace-context.ts';
import { CompatMatrix } from './CompatMatrix.tsx';
import { MATRIX_CSV_HEADER, matrixCsvRows, matrixJson } from './matrix-export.ts';
import { heatMap, type Direction } from './matrix-layout.ts';
import { setMatrixOptions, useMatrixOptions } from './matrix-options.ts';
import './matrix.css';
import { MatrixCellPanel } from './MatrixCellPanel.tsx';
import { MatrixLegend } from './MatrixLegend.tsx';
import { ObservedLoads } from './observed/ObservedLoads.tsx';
import { useColorScheme } from './use-color-scheme.ts';
import { useCompatMatrix } from './use-compat-matrix.ts';
import { VersionedFileList } from './VersionedFileList.tsx';
import { VersionInput } from './VersionInput.tsx';
import { ReleaseBoardPane } from './board/ReleaseBoardPane.tsx';
import type { MatrixLayout } from '../workspace/workspace-store.ts';

const DIRECTIONS: readonly { readonly id: Direction; readonly label: string }[] = [
  { id: 'both', label: 'Both' },
  { id: 'forward', label: 'Forward' },
  { id: 'backward', label: 'Backward' },
];

const LAYOUTS: readonly { readonly id: MatrixLayout; readonly label: string; readonly title: string }[] = [
  { id: 'board', label: 'Board', title: 'Every machine type at once: devices down, machine types and version pairs across' },
  { id: 'pivot', label: 'Pivot', title: 'Machine types down, version pairs across: how many devices break' },
  { id: 'machine', label: 'One machine type', title: 'One machine type as a heat map, optionally narrowed to the VM of a stream' },
];

/**
 * The Matrix tab: the release board (every machine type of the loaded builds at once), its
 * pivot, or one machine type's heat map; a cell opens its findings.
 */
export function MatrixView(): ReactElement {
  const store = useWorkspaceStore();
  const { matrixLayout } = useWorkspaceState();
  const switcher = (
    <span className="segmented" role="radiogroup" aria-label="Layout">
      {LAYOUTS.map((l) => (
        <label key={l.id} className={matrixLayout === l.id ? 'on' : undefined} title={l.title}>
          <input type="radio" name="matrix-layout" value={l.id} checked={matrixLayout === l.id} onChange={() => store.setMatrixLayout(l.id)} />
          {l.label}
        </label>
      ))}
    </span>
  );
  return (
    <div className="view-body matrix-view" data-testid="matrix-view" data-layout={matrixLayout}>
      {matrixLayout === 'machine' ? (
        <MachineMatrix switcher={switcher} />
      ) : (
        <>
          <ReleaseBoardPane layout={matrixLayout} switcher={switcher} />
          {/* Real load outcomes row by row, each failed one a way into Explain (the board marks its cells with them). */}
          <ObservedLoads />
        </>
      )}
    </div>
  );
}

/** One machine type: every device against every ordered pair of the loaded releases. */
function MachineMatrix({ switcher }: { readonly switcher: ReactNode }): ReactElement {
  const store = useWorkspaceStore();
  const { matrixCell } = useWorkspaceState();
  const options = useMatrixOptions();
  const scheme = useColorScheme();
  const m = useCompatMatrix();
  const svgRef = useRef<SVGSVGElement | null>(null);
  const matrix = m.matrix;
  const map = useMemo(() => (matrix !== undefined ? heatMap(matrix, { direction: options.direction, hideFine: options.hideFine, scheme }) : undefined), [matrix, options.direction, options.hideFine, scheme]);

  const openCell = matrix !== undefined && matrixCell !== undefined ? matrix.cells.find((c) => c.device === matrixCell.row && `${c.source}->${c.dest}` === matrixCell.col) : undefined;
  const openPair = openCell !== undefined ? matrix?.pairs.find((p) => p.source === openCell.source && p.dest === openCell.dest) : undefined;
  const base = matrix !== undefined ? `matrix-${matrix.machine}-${matrix.versions.join('_')}` : 'matrix';
  const state = m.pending ? 'loading' : matrix === undefined ? 'empty' : 'ready';

  return (
    <div className="matrix-machine" data-app-state={state}>
      <div className="view-toolbar matrix-toolbar">
        {switcher}
        <label className="tool-field">
          <span>Machine type</span>
          <select value={options.machine ?? ''} onChange={(e) => setMatrixOptions({ machine: e.target.value === '' ? undefined : e.target.value })} aria-label="Machine type" data-testid="matrix-machine">
            <option value="">{matrix !== undefined && options.machine === undefined ? `auto: ${matrix.machine}` : 'auto'}</option>
            {m.machineOptions.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <span className="segmented" role="radiogroup" aria-label="Direction">
          {DIRECTIONS.map((d) => (
            <label key={d.id} className={options.direction === d.id ? 'on' : undefined}>
              <input type="radio" name="matrix-direction" value={d.id} checked={options.direction === d.id} onChange={() => setMatrixOptions({ direction: d.id })} />
              {d.label}
            </label>
          ))}
        </span>
        <label className="tool-check">
          <input type="checkbox" checked={options.hideFine} onChange={(e) => setMatrixOptions({ hideFine: e.target.checked })} />
          Hide fine rows{map !== undefined && options.hideFine && map.hiddenRows > 0 ? <span className="muted"> ({map.hiddenRows})</span> : undefined}
        </label>
        {m.stream !== undefined ? (
          <span className="tool-check" title={m.stream.unused !== undefined ? `Not narrowed: ${m.stream.unused}` : 'Columns of the release that saved the stream show only the devices its VM has'}>
            <label>
              <input type="checkbox" checked={options.narrow} onChange={(e) => setMatrixOptions({ narrow: e.target.checked })} />
              Narrow to <span className="mono">{m.stream.file.file.name}</span>
            </label>
            {options.narrow ? (
              <>
                <span className="muted">saved by</span>
                <VersionInput fileId={m.stream.file.id} fileName={m.stream.file.file.name} version={m.stream.version} />
                {m.stream.unused !== undefined ? <span className="warn-text">{m.stream.unused}</span> : undefined}
              </>
            ) : undefined}
          </span>
        ) : undefined}
        <span className="toolbar-spacer" />
        {matrix !== undefined && map !== undefined ? (
          <ExportMenu
            ariaLabel="Export the matrix"
            items={[
              { label: 'Cells on show (CSV)', run: () => exportCsv(`${base}.csv`, MATRIX_CSV_HEADER, matrixCsvRows(map)) },
              { label: 'Whole matrix (JSON)', run: () => exportJson(`${base}.json`, matrixJson(matrix)) },
              { label: 'Heat map (SVG)', run: () => exportSvg(`${base}.svg`, shownSvg(svgRef.current)) },
              { label: 'Heat map (PNG)', run: () => exportPng(`${base}.png`, shownSvg(svgRef.current)) },
            ]}
          />
        ) : undefined}
      </div>
      <div className="matrix-main">
        <div className="matrix-scroll">
          {matrix !== undefined && map !== undefined ? (
            <>
              <div className="matrix-caption">
                <p>
                  <span className="mono">{matrix.machine}</span> across {matrix.versions.join(', ')}: {map.rows.length} of {matrix.devices.length} rows
                  {options.hideFine && map.hiddenRows > 0 ? ` (${map.hiddenRows} fine rows hidden)` : ''}. Click a cell, or focus the map and use the arrow keys and Enter.
                </p>
                <MatrixLegend legend={map.legend} />
              </div>
              {map.rows.length === 0 ? (
                <p className="muted">Every device is fine between these versions{options.direction !== 'both' ? ` (${options.direction})` : ''}.</p>
              ) : (
                <CompatMatrix
                  map={map}
                  machine={matrix.machine}
                  selected={matrixCell}
                  svgRef={svgRef}
                  onOpen={(c) => store.selectMatrixCell({ row: c.rowKey, col: c.columnKey })}
                  onClose={() => store.selectMatrixCell(undefined)}
                />
              )}
              <NotesList notes={[...m.notes, ...matrix.notes]} />
            </>
          ) : (
            <div className="matrix-empty">
              <h2>No matrix yet</h2>
              <p>{m.pending ? 'Reading the manifests…' : m.problem}</p>
              <p className="muted">
                Load each release&apos;s <span className="mono">-dump-vmstate</span> manifest (and its <span className="mono">query-machines</span> reply, which names the release
                and says whether it offers the machine type). Releases are read from names like <span className="mono">qemu-7.2.*</span>, from the reply dropped with a
                manifest, or typed in the list on the right.
              </p>
              <NotesList notes={m.notes} />
            </div>
          )}
          <ObservedLoads />
        </div>
        <aside className="matrix-side">
          {openCell !== undefined ? (
            <MatrixCellPanel
              cell={openCell}
              sections={matrix?.sections[openCell.device] ?? []}
              direction={openPair?.direction}
              narrowedTo={openPair?.stream}
              onClose={() => store.selectMatrixCell(undefined)}
            />
          ) : matrix !== undefined ? (
            <p className="muted matrix-side-hint">Pick a cell to see its findings: the device, the field, the verdict and why.</p>
          ) : undefined}
          <VersionedFileList files={m.files} title="Manifests and machine lists" />
        </aside>
      </div>
    </div>
  );
}

function shownSvg(svg: SVGSVGElement | null): SVGSVGElement {
  if (svg === null) throw new Error('no heat map is shown');
  return svg;
}
