import type { ReactElement } from 'react';
import type { DecodeProgress } from '../../format/index.ts';
import { groupedInt, humanBytes } from './format-value.ts';

export interface ProgressPanelProps {
  readonly name: string;
  readonly fileSize: number;
  readonly progress: DecodeProgress | undefined;
  readonly onCancel: () => void;
}

export function ProgressPanel({ name, fileSize, progress, onCancel }: ProgressPanelProps): ReactElement {
  const fraction = progress !== undefined && progress.bytesTotal > 0 ? Math.min(1, progress.bytesRead / progress.bytesTotal) : undefined;
  return (
    <section className="progress-panel" aria-label="Decoding" aria-busy="true">
      <div className="progress-title">
        Decoding <span className="file-name">{name}</span> <span className="muted">({humanBytes(fileSize)})</span>
      </div>
      <progress max={1} {...(fraction !== undefined ? { value: fraction } : {})} aria-label="Decode progress" />
      <div className="progress-facts mono">
        {progress !== undefined ? (
          <>
            {fraction !== undefined ? <span data-testid="decode-percent">{Math.floor(fraction * 100)} %</span> : undefined} · {humanBytes(progress.bytesRead)} of{' '}
            {humanBytes(progress.bytesTotal)} · {groupedInt(progress.sections)} sections
          </>
        ) : (
          <span className="muted">opening (a gzip file is inflated first)…</span>
        )}
      </div>
      <button type="button" className="btn" onClick={onCancel}>
        Cancel
      </button>
    </section>
  );
}
