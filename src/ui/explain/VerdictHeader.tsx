import type { ReactElement } from 'react';
import type { ExplainResult } from '../../analysis/explain/index.ts';
import { basisText, headline, VERDICT_TITLE } from './explain-report.ts';

export interface VerdictHeaderProps {
  readonly result: ExplainResult;
  readonly streamName: string;
  readonly logName: string | undefined;
  /** Undefined when the failure names no place in the stream. */
  readonly onShowInStream: (() => void) | undefined;
}

/** The answer first, big: fails / loads / at risk, from what, and the cause code. */
export function VerdictHeader({ result, streamName, logName, onShowInStream }: VerdictHeaderProps): ReactElement {
  const line = headline(result.failure);
  return (
    <header className={`explain-verdict explain-${result.verdict}`} data-testid="explain-verdict" data-verdict={result.verdict} data-basis={result.basis}>
      <div className="explain-verdict-main">
        <span className="explain-verdict-word">{VERDICT_TITLE[result.verdict]}</span>
        {result.failure !== undefined ? (
          <span className="explain-cause" data-testid="explain-cause" title="The cause, as `migscope explain` names it">
            {result.failure.cause}
          </span>
        ) : undefined}
        <span className="explain-actions no-print">
          {onShowInStream !== undefined ? (
            <button type="button" className="btn" onClick={onShowInStream} data-testid="explain-show-in-stream">
              Show the failing bytes in Stream
            </button>
          ) : undefined}
          <button type="button" className="btn" onClick={() => window.print()}>
            Print report
          </button>
        </span>
      </div>
      {line !== undefined ? <p className="explain-headline mono">{line}</p> : undefined}
      <p className="explain-basis muted">
        <span className="mono">{streamName}</span>: {basisText(result.basis, logName)}
      </p>
    </header>
  );
}
