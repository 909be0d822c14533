/** The matrix as JSON: one shape for `migscope matrix --json` and the Matrix view's export, so the two files compare. */
import type { CompatMatrix } from './compat-matrix.ts';
import { findingJson } from './finding-json.ts';
import { matrixLayout } from './matrix-cells.ts';

export function matrixJson(m: CompatMatrix): unknown {
  const layout = matrixLayout(m);
  return {
    machine: m.machine,
    versions: m.versions,
    notes: m.notes,
    rows: layout.rows.map((r) => ({ device: r.key, sections: r.sections, verdict: r.verdict, breaks: r.breaks, atRisk: r.atRisk })),
    pairs: m.pairs,
    cells: m.cells.map((c) => ({ device: c.device, section: c.section, source: c.source, dest: c.dest, verdict: c.verdict, comparable: c.comparable, notComparable: c.notComparable, inVm: c.inVm, findings: c.findings.map(findingJson) })),
  };
}
