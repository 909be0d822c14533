/**
 * The heat map's geometry: which rows and columns show (direction, fine rows hidden), where
 * each cell sits, and its colour. Pure: d3 scales do the arithmetic, React draws the rects.
 *
 * Rows and their order come from src/analysis/matrix-cells.ts (worst rows first), computed on
 * the pairs that show, so that hiding a direction also hides the rows only it had trouble in.
 */
import { max } from 'd3-array';
import { scaleBand, scaleOrdinal } from 'd3-scale';
import { schemeGreens, schemeOranges, schemeReds } from 'd3-scale-chromatic';
import type { CompatMatrix, MatrixCell } from '../../analysis/compat-matrix.ts';
import { matrixLayout } from '../../analysis/matrix-cells.ts';
import type { Verdict } from '../../analysis/verdict.ts';

export type Direction = 'forward' | 'backward' | 'both';
export type Scheme = 'light' | 'dark';

export interface HeatOptions {
  readonly direction: Direction;
  readonly hideFine: boolean;
  readonly scheme: Scheme;
}

export interface HeatRow {
  readonly key: string;
  readonly index: number;
  readonly y: number;
  readonly sections: readonly string[];
  readonly verdict: Verdict;
  readonly breaks: number;
  readonly atRisk: number;
}

export interface HeatColumn {
  /** `5.2->7.2`: what a selected cell names. */
  readonly key: string;
  readonly index: number;
  readonly x: number;
  readonly source: string;
  readonly dest: string;
  readonly label: string;
  readonly direction: 'forward' | 'backward';
  readonly verdict: Verdict;
  readonly fill: string;
  readonly narrowedTo: string | undefined;
}

export interface HeatCell {
  readonly id: string;
  readonly row: number;
  readonly column: number;
  readonly rowKey: string;
  readonly columnKey: string;
  readonly x: number;
  readonly y: number;
  readonly verdict: Verdict;
  /** Findings with the cell's own verdict (the number drawn in it); 0 for a fine cell. */
  readonly count: number;
  readonly findings: number;
  /** False when a stream narrowed the column and the VM lacks the device. */
  readonly applicable: boolean;
  readonly fill: string;
  readonly ink: string;
  readonly cell: MatrixCell;
}

export interface HeatMap {
  readonly width: number;
  readonly height: number;
  readonly labelWidth: number;
  readonly headerHeight: number;
  readonly cellWidth: number;
  readonly cellHeight: number;
  readonly rows: readonly HeatRow[];
  readonly columns: readonly HeatColumn[];
  /** Row-major. */
  readonly cells: readonly HeatCell[];
  /** Rows the filter hid. */
  readonly hiddenRows: number;
  readonly legend: readonly { readonly verdict: Verdict | 'no findings' | 'not in the VM'; readonly fill: string }[];
}

export const CELL_WIDTH = 72;
export const CELL_HEIGHT = 18;
export const HEADER_HEIGHT = 34;
const LABEL_CHAR_PX = 6.7;

export interface Palette {
  readonly verdict: Readonly<Record<Verdict, string>>;
  /** A fine cell with nothing to say. */
  readonly empty: string;
  readonly notInVm: string;
  readonly ink: Readonly<Record<Verdict, string>>;
}

/** ColorBrewer ramps: strong red for breaks, amber for at risk, a quiet green for fine. */
const PALETTES: Readonly<Record<Scheme, Palette>> = {
  light: {
    verdict: { breaks: pick(schemeReds, 6), 'at-risk': pick(schemeOranges, 3), fine: pick(schemeGreens, 1) },
    empty: '#f6f7f8',
    notInVm: 'transparent',
    ink: { breaks: '#ffffff', 'at-risk': '#3d2600', fine: '#1e4620' },
  },
  dark: {
    verdict: { breaks: pick(schemeReds, 7), 'at-risk': pick(schemeOranges, 7), fine: pick(schemeGreens, 8) },
    empty: '#2a2c30',
    notInVm: 'transparent',
    ink: { breaks: '#ffffff', 'at-risk': '#fff3e0', fine: '#d7f0dc' },
  },
};

/** The verdict colours of a colour scheme, shared by the heat map and the board. */
export function verdictPalette(scheme: Scheme): Palette {
  return PALETTES[scheme];
}

function pick(scheme: readonly (readonly string[])[], at: number): string {
  return scheme[9]?.[at] ?? '#888888';
}

/** The matrix with only the pairs of one direction (or both). */
export function pairsOf(matrix: CompatMatrix, direction: Direction): CompatMatrix {
  if (direction === 'both') return matrix;
  const pairs = matrix.pairs.filter((p) => p.direction === direction);
  const keep = new Set(pairs.map((p) => `${p.source}\u0000${p.dest}`));
  return { ...matrix, pairs, cells: matrix.cells.filter((c) => keep.has(`${c.source}\u0000${c.dest}`)) };
}

export function heatMap(matrix: CompatMatrix, options: HeatOptions): HeatMap {
  const shown = pairsOf(matrix, options.direction);
  const layout = matrixLayout(shown, { hideFine: options.hideFine, order: 'severity', columns: 'forward-first' });
  const palette = PALETTES[options.scheme];
  const color = scaleOrdinal<Verdict, string>()
    .domain(['breaks', 'at-risk', 'fine'])
    .range([palette.verdict.breaks, palette.verdict['at-risk'], palette.verdict.fine]);

  const longest = max(layout.rows, (r) => r.key.length) ?? 8;
  const labelWidth = Math.round(Math.min(280, Math.max(120, longest * LABEL_CHAR_PX + 20)));
  // Outer padding half the inner one keeps the band step at exactly CELL_WIDTH / CELL_HEIGHT.
  const x = scaleBand<number>()
    .domain(layout.columns.map((c) => c.index))
    .range([labelWidth, labelWidth + layout.columns.length * CELL_WIDTH])
    .paddingInner(0.06)
    .paddingOuter(0.03);
  const y = scaleBand<number>()
    .domain(layout.rows.map((r) => r.index))
    .range([HEADER_HEIGHT, HEADER_HEIGHT + layout.rows.length * CELL_HEIGHT])
    .paddingInner(0.1)
    .paddingOuter(0.05);

  const columns: HeatColumn[] = layout.columns.map((c) => ({
    key: c.key,
    index: c.index,
    x: x(c.index) ?? 0,
    source: c.source,
    dest: c.dest,
    label: c.label,
    direction: c.direction,
    verdict: c.verdict,
    fill: color(c.verdict),
    narrowedTo: c.narrowedTo,
  }));
  const rows: HeatRow[] = layout.rows.map((r) => ({ key: r.key, index: r.index, y: y(r.index) ?? 0, sections: r.sections, verdict: r.verdict, breaks: r.breaks, atRisk: r.atRisk }));
  const byPos = new Map(layout.cells.map((c) => [c.row * layout.columns.length + c.column, c]));
  const cells: HeatCell[] = [];
  for (const row of rows) {
    for (const col of columns) {
      const c = byPos.get(row.index * columns.length + col.index);
      if (c === undefined) continue;
      const count = c.verdict === 'fine' ? 0 : c.cell.findings.filter((f) => f.verdict === c.verdict).length;
      const quiet = c.verdict === 'fine' && c.findings === 0;
      cells.push({
        id: `cell-${row.index}-${col.index}`,
        row: row.index,
        column: col.index,
        rowKey: row.key,
        columnKey: col.key,
        x: col.x,
        y: row.y,
        verdict: c.verdict,
        count,
        findings: c.findings,
        applicable: c.applicable,
        fill: !c.applicable ? palette.notInVm : quiet ? palette.empty : color(c.verdict),
        ink: palette.ink[c.verdict],
        cell: c.cell,
      });
    }
  }
  return {
    width: labelWidth + columns.length * CELL_WIDTH + 4,
    height: HEADER_HEIGHT + rows.length * CELL_HEIGHT + 4,
    labelWidth,
    headerHeight: HEADER_HEIGHT,
    cellWidth: x.bandwidth(),
    cellHeight: y.bandwidth(),
    rows,
    columns,
    cells,
    hiddenRows: shown.devices.length - rows.length,
    legend: [
      { verdict: 'breaks', fill: color('breaks') },
      { verdict: 'at-risk', fill: color('at-risk') },
      { verdict: 'fine', fill: color('fine') },
      { verdict: 'no findings', fill: palette.empty },
      { verdict: 'not in the VM', fill: palette.notInVm },
    ],
  };
}

/** The cell at a grid position, if the map has one there. */
export function cellAt(map: HeatMap, row: number, column: number): HeatCell | undefined {
  const direct = map.cells[row * map.columns.length + column];
  if (direct !== undefined && direct.row === row && direct.column === column) return direct;
  return map.cells.find((c) => c.row === row && c.column === column);
}

/** Where the arrow keys go from a cell: one step, clamped to the grid; Home/End the row's ends. */
export function moveFocus(map: HeatMap, at: { readonly row: number; readonly column: number }, key: string, ctrl = false): { readonly row: number; readonly column: number } | undefined {
  const lastRow = map.rows.length - 1;
  const lastCol = map.columns.length - 1;
  if (lastRow < 0 || lastCol < 0) return undefined;
  const clamp = (r: number, c: number): { row: number; column: number } => ({ row: Math.max(0, Math.min(lastRow, r)), column: Math.max(0, Math.min(lastCol, c)) });
  switch (key) {
    case 'ArrowUp':
      return clamp(at.row - 1, at.column);
    case 'ArrowDown':
      return clamp(at.row + 1, at.column);
    case 'ArrowLeft':
      return clamp(at.row, at.column - 1);
    case 'ArrowRight':
      return clamp(at.row, at.column + 1);
    case 'Home':
      return ctrl ? clamp(0, 0) : clamp(at.row, 0);
    case 'End':
      return ctrl ? clamp(lastRow, lastCol) : clamp(at.row, lastCol);
    case 'PageUp':
      return clamp(at.row - 10, at.column);
    case 'PageDown':
      return clamp(at.row + 10, at.column);
    default:
      return undefined;
  }
}

/** The grid position of a selected cell (by its keys), if it shows. */
export function positionOf(map: HeatMap, rowKey: string, columnKey: string): { readonly row: number; readonly column: number } | undefined {
  const row = map.rows.findIndex((r) => r.key === rowKey);
  const column = map.columns.findIndex((c) => c.key === columnKey);
  return row >= 0 && column >= 0 ? { row, column } : undefined;
}
