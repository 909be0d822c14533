import type { ReactElement } from 'react';
import type { DecodeErrorInfo } from '../../format/index.ts';
import { ERROR_SENTENCES } from './error-text.ts';
import { hexOffset } from './format-value.ts';

export interface ErrorPanelProps {
  readonly error: DecodeErrorInfo;
  /** Sections decoded completely before the error, still browsable. */
  readonly sectionsBefore: number;
  readonly onShowOffset: (offset: number) => void;
}

export function ErrorPanel({ error, sectionsBefore, onShowOffset }: ErrorPanelProps): ReactElement {
  return (
    <section className="error-panel" role="alert" aria-label="Decode error">
      <div className="error-title">
        <span className="error-code">{error.code}</span>
        <span>{ERROR_SENTENCES[error.code]}</span>
      </div>
      <dl className="error-facts">
        <div>
          <dt>at</dt>
          <dd>
            <button type="button" className="offset-link" onClick={() => onShowOffset(error.offset)} title="Show this byte in the hex view" data-testid="error-offset">
              {hexOffset(error.offset)}
            </button>
          </dd>
        </div>
        <div>
          <dt>in</dt>
          <dd className="mono">{error.path.length > 0 ? error.path.join(' › ') : '(stream)'}</dd>
        </div>
        {error.expected !== undefined ? (
          <div>
            <dt>expected</dt>
            <dd className="mono">{error.expected}</dd>
          </div>
        ) : undefined}
        {error.actual !== undefined ? (
          <div>
            <dt>found</dt>
            <dd className="mono">{error.actual}</dd>
          </div>
        ) : undefined}
        <div className="wide">
          <dt>detail</dt>
          <dd>{error.message}</dd>
        </div>
      </dl>
      <p className="error-after muted">
        {sectionsBefore === 0
          ? 'No section decoded completely before this point.'
          : `Everything before this point decoded: ${sectionsBefore} complete ${sectionsBefore === 1 ? 'section' : 'sections'}, listed below.`}
      </p>
    </section>
  );
}
