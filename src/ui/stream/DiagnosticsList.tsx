import type { ReactElement } from 'react';
import type { Diagnostic } from '../../format/index.ts';
import { hexOffset } from './format-value.ts';

export interface DiagnosticsListProps {
  readonly diagnostics: readonly Diagnostic[];
  readonly onShowOffset: (offset: number) => void;
}

export function DiagnosticsList({ diagnostics, onShowOffset }: DiagnosticsListProps): ReactElement | undefined {
  if (diagnostics.length === 0) return undefined;
  const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
  return (
    <details className="diagnostics" open={diagnostics.length <= 4}>
      <summary>
        Diagnostics <span className="muted">({diagnostics.length}{warnings > 0 ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''})</span>
      </summary>
      <ul>
        {diagnostics.map((d, i) => (
          <li key={i} className={`diag sev-${d.severity}`}>
            <span className="sev">{d.severity}</span>
            <span className="diag-code mono">{d.code}</span>
            <button type="button" className="offset-link" onClick={() => onShowOffset(d.offset)}>
              {hexOffset(d.offset)}
            </button>
            <span className="diag-msg">{d.message}</span>
          </li>
        ))}
      </ul>
    </details>
  );
}
