import type { ReactElement } from 'react';
import type { MatrixCell } from '../../analysis/compat-matrix.ts';
import { byVerdict } from '../../analysis/verdict.ts';

export interface MatrixCellPanelProps {
  readonly cell: MatrixCell;
  /** The vmsd names (stream sections) the row's QOM type saves as. */
  readonly sections: readonly string[];
  readonly direction: 'forward' | 'backward' | undefined;
  readonly narrowedTo: string | undefined;
  readonly onClose: () => void;
}

const VERDICT_WORD: Readonly<Record<string, string>> = { breaks: 'breaks', 'at-risk': 'at risk', fine: 'fine' };

/** One cell's findings: what the judge found for this device between these two versions. */
export function MatrixCellPanel({ cell, sections, direction, narrowedTo, onClose }: MatrixCellPanelProps): ReactElement {
  const findings = byVerdict(cell.findings);
  return (
    <section className="matrix-cell-panel" aria-label={`Findings for ${cell.device}, ${cell.source} → ${cell.dest}`} data-testid="matrix-cell-panel" data-row={cell.device} data-source={cell.source} data-dest={cell.dest}>
      <header className="matrix-cell-head">
        <h3 className="mono">{cell.device}</h3>
        <button type="button" className="notice-close" aria-label="Close the findings" onClick={onClose}>
          ×
        </button>
      </header>
      <p className="matrix-cell-pair">
        <span className="mono">
          {cell.source} → {cell.dest}
        </span>
        {direction !== undefined ? <span className="muted"> ({direction})</span> : undefined}{' '}
        <span className={`verdict-chip verdict-chip-${cell.verdict}`} data-testid="matrix-cell-verdict">
          {VERDICT_WORD[cell.verdict] ?? cell.verdict}
        </span>
      </p>
      {sections.length > 0 ? (
        <p className="muted matrix-cell-qom">
          Saves as <span className="mono">{sections.join(', ')}</span>
        </p>
      ) : undefined}
      {cell.notComparable !== undefined ? (
        <p className="matrix-not-comparable" data-testid="matrix-not-comparable">
          {cell.notComparable}
        </p>
      ) : undefined}
      {cell.inVm === false ? <p className="muted">The VM in {narrowedTo ?? 'the stream'} has no {cell.device}: nothing of it travels.</p> : undefined}
      {findings.length === 0 ? (
        <p className="muted">No findings: both versions describe {cell.device} the same way{cell.inVm === true ? ', and the VM has it' : ''}.</p>
      ) : (
        <ol className="matrix-findings" data-testid="matrix-findings">
          {findings.map((f, i) => (
            <li key={`${f.path}-${f.kind}-${i}`} className={`finding finding-${f.verdict}`} data-verdict={f.verdict} data-kind={f.kind}>
              <div className="finding-head">
                <span className={`verdict-chip verdict-chip-${f.verdict}`}>{VERDICT_WORD[f.verdict] ?? f.verdict}</span>
                <span className="finding-kind mono">{f.kind}</span>
                {f.sourceVersion !== undefined || f.destVersion !== undefined ? (
                  <span className="muted mono" title="version_id in the source and destination">
                    v{f.sourceVersion ?? '?'} → v{f.destVersion ?? '?'}
                  </span>
                ) : undefined}
              </div>
              <div className="finding-path mono" title="Where in the vmsd">
                {f.path}
              </div>
              <p className="finding-reason">{f.reason}</p>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
