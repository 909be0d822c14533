/**
 * What the Matrix view exports: the whole matrix as `migscope matrix --json` prints it
 * (src/analysis/matrix-json.ts, so a file saved from the dashboard and one from the CLI
 * compare), and the cells on show as CSV.
 */
import type { HeatMap } from './matrix-layout.ts';

export { matrixJson } from '../../analysis/matrix-json.ts';

export const MATRIX_CSV_HEADER = ['device', 'sections', 'source', 'destination', 'direction', 'verdict', 'breaking', 'at risk', 'findings', 'in the VM'] as const;

/** One line per cell on show, rows in the map's order. */
export function matrixCsvRows(map: HeatMap): (string | number)[][] {
  const direction = new Map(map.columns.map((c) => [c.key, c.direction]));
  return map.cells.map((c) => [
    c.rowKey,
    (map.rows[c.row]?.sections ?? []).join(' '),
    c.cell.source,
    c.cell.dest,
    direction.get(c.columnKey) ?? '',
    c.applicable ? c.verdict : 'not in the VM',
    c.cell.findings.filter((f) => f.verdict === 'breaks').length,
    c.cell.findings.filter((f) => f.verdict === 'at-risk').length,
    c.findings,
    c.cell.inVm === undefined ? '' : c.cell.inVm ? 'yes' : 'no',
  ]);
}
