/**
 * What the Matrix view exports: the whole matrix as `migscope matrix --json` prints it (so a
 * file saved from the dashboard and one from the CLI compare), and the cells on show as CSV.
 */
import type { CompatMatrix } from '../../analysis/compat-matrix.ts';
import { matrixLayout } from '../../analysis/matrix-cells.ts';
import type { HeatMap } from './matrix-layout.ts';
import { findingJson } from '../../analysis/finding-json.ts';

export { findingJson } from '../../analysis/finding-json.ts';

export function matrixJson(m: CompatMatrix): unknown {
  const layout = matrixLayout(m);
  return {
    machine: m.machine,
    versions: m.versions,
    notes: m.notes,
    rows: layout.rows.map((r) => ({ device: r.key, qomTypes: r.qomTypes, verdict: r.verdict, breaks: r.breaks, atRisk: r.atRisk })),
    pairs: m.pairs,
    cells: m.cells.map((c) => ({ device: c.device, source: c.source, dest: c.dest, verdict: c.verdict, inVm: c.inVm, findings: c.findings.map(findingJson) })),
  };
}

export const MATRIX_CSV_HEADER = ['device', 'qom types', 'source', 'destination', 'direction', 'verdict', 'breaking', 'at risk', 'findings', 'in the VM'] as const;

/** One line per cell on show, rows in the map's order. */
export function matrixCsvRows(map: HeatMap): (string | number)[][] {
  const direction = new Map(map.columns.map((c) => [c.key, c.direction]));
  return map.cells.map((c) => [
    c.rowKey,
    (map.rows[c.row]?.qomTypes ?? []).join(' '),
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
