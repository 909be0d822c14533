import type { ReactElement } from 'react';
import type { ExplainFailure, ExplainResult } from '../../analysis/explain/index.ts';
import { ClippedText } from '../common/ClippedText.tsx';
import { inUiTerms } from './ui-terms.ts';

export interface FailureStoryProps {
  readonly result: ExplainResult;
  readonly failure: ExplainFailure;
}

/** What QEMU printed (or would print), why, and what to do: the CLI's text, as sections. */
export function FailureStory({ result, failure }: FailureStoryProps): ReactElement {
  const printed = result.verdict === 'at-risk' ? 'If it fails, QEMU prints' : result.basis === 'log' ? 'QEMU printed' : 'QEMU prints';
  return (
    <section className="explain-story" aria-label="What happened">
      {failure.message !== '' ? (
        <>
          <h3>{printed}</h3>
          <pre className="explain-message" data-testid="explain-message">
            <ClippedText text={failure.message} />
          </pre>
        </>
      ) : undefined}
      <h3>Why</h3>
      <p data-testid="explain-why">
        <ClippedText text={inUiTerms(failure.explanation)} />
      </p>
      <h3>Fix</h3>
      <p data-testid="explain-fix">{inUiTerms(failure.fix)}</p>
    </section>
  );
}
