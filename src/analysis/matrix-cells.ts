/**
 * Pure layout of a compatibility matrix for a grid view (d3 or plain DOM): rows, columns, and
 * one cell record per grid position with its indices, so a view only maps indices to pixels.
 */
import type { CompatMatrix, MatrixCell } from './compat-matrix.ts';
import { verdictRank, worstVerdict, type Verdict } from './verdict.ts';

export interface MatrixRow {
  readonly key: string;
  readonly index: number;
  /** The vmsd names (stream sections) it saves as. */
  readonly sections: readonly string[];
  /** Worst verdict along the row. */
  readonly verdict: Verdict;
  readonly breaks: number;
  readonly atRisk: number;
}

export interface MatrixColumn {
  /** `5.2->7.2`. */
  readonly key: string;
  readonly index: number;
  readonly source: string;
  readonly dest: string;
  /** `5.2 → 7.2`. */
  readonly label: string;
  readonly direction: 'forward' | 'backward';
  readonly verdict: Verdict;
  readonly narrowedTo: string | undefined;
}

export interface MatrixGridCell {
  readonly row: number;
  readonly column: number;
  readonly rowKey: string;
  readonly columnKey: string;
  readonly verdict: Verdict;
  readonly findings: number;
  /** False when a stream narrowed the column and the VM lacks the device. */
  readonly applicable: boolean;
  readonly cell: MatrixCell;
}

export interface MatrixLayout {
  readonly rows: readonly MatrixRow[];
  readonly columns: readonly MatrixColumn[];
  readonly cells: readonly MatrixGridCell[];
}

export interface LayoutOptions {
  /** Drop rows whose every cell is fine (and, with `onlyInVm`, rows no stream contains). */
  readonly hideFine?: boolean | undefined;
  /** Rows: `severity` (worst first, then by name), `name`, or the matrix's own order (default). */
  readonly order?: 'matrix' | 'severity' | 'name' | undefined;
  /** Columns: forward pairs first (default), or the matrix's order. */
  readonly columns?: 'forward-first' | 'matrix' | undefined;
}

export function columnKey(source: string, dest: string): string {
  return `${source}->${dest}`;
}

export function matrixLayout(matrix: CompatMatrix, options: LayoutOptions = {}): MatrixLayout {
  const pairs = options.columns === 'matrix' ? matrix.pairs : [...matrix.pairs.filter((p) => p.direction === 'forward'), ...matrix.pairs.filter((p) => p.direction === 'backward')];
  const columns: MatrixColumn[] = pairs.map((p, index) => ({
    key: columnKey(p.source, p.dest),
    index,
    source: p.source,
    dest: p.dest,
    label: `${p.source} → ${p.dest}`,
    direction: p.direction,
    verdict: p.verdict,
    narrowedTo: p.stream,
  }));
  const byKey = new Map<string, MatrixCell>();
  for (const c of matrix.cells) byKey.set(`${c.device}\u0000${columnKey(c.source, c.dest)}`, c);

  let rowKeys = [...matrix.devices];
  const rowCells = (key: string): MatrixCell[] => columns.flatMap((col) => byKey.get(`${key}\u0000${col.key}`) ?? []);
  if (options.hideFine === true) rowKeys = rowKeys.filter((k) => rowCells(k).some((c) => c.verdict !== 'fine'));
  const summary = new Map(rowKeys.map((k) => {
    const cs = rowCells(k);
    return [k, { verdict: worstVerdict(cs.map((c) => c.verdict)), breaks: cs.filter((c) => c.verdict === 'breaks').length, atRisk: cs.filter((c) => c.verdict === 'at-risk').length }];
  }));
  if (options.order === 'name') rowKeys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (options.order === 'severity') {
    rowKeys.sort((a, b) => {
      const x = summary.get(a);
      const y = summary.get(b);
      if (x === undefined || y === undefined) return 0;
      return verdictRank(y.verdict) - verdictRank(x.verdict) || y.breaks - x.breaks || y.atRisk - x.atRisk || (a < b ? -1 : a > b ? 1 : 0);
    });
  }
  const rows: MatrixRow[] = rowKeys.map((key, index) => {
    const s = summary.get(key) ?? { verdict: 'fine' as Verdict, breaks: 0, atRisk: 0 };
    return { key, index, sections: matrix.sections[key] ?? [], verdict: s.verdict, breaks: s.breaks, atRisk: s.atRisk };
  });
  const cells: MatrixGridCell[] = [];
  for (const row of rows) {
    for (const col of columns) {
      const cell = byKey.get(`${row.key}\u0000${col.key}`);
      if (cell === undefined) continue;
      cells.push({ row: row.index, column: col.index, rowKey: row.key, columnKey: col.key, verdict: cell.verdict, findings: cell.findings.length, applicable: cell.inVm !== false, cell });
    }
  }
  return { rows, columns, cells };
}
