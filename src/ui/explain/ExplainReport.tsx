import type { ReactElement } from 'react';
import type { ExplainResult } from '../../analysis/explain/index.ts';
import type { DecodeResult } from '../../format/index.ts';
import { ExplainNotes } from './ExplainNotes.tsx';
import { sectionsBefore, type LoadedSection } from './explain-report.ts';
import { FailurePlace } from './FailurePlace.tsx';
import { FailureStory } from './FailureStory.tsx';
import { LoadedSections } from './LoadedSections.tsx';
import { VerdictHeader } from './VerdictHeader.tsx';

export interface ExplainReportProps {
  readonly result: ExplainResult;
  readonly stream: DecodeResult;
  readonly streamName: string;
  readonly logName: string | undefined;
  readonly problems: readonly string[];
  readonly versionFrom: string | undefined;
  readonly sampleName?: string | undefined;
  readonly devicePropsName?: string | undefined;
  readonly onShowFailure: () => void;
  readonly onShowSection: (section: LoadedSection) => void;
}

/** The explanation as a report: what the Explain view shows and what "Print report" prints. */
export function ExplainReport({ result, stream, streamName, logName, problems, versionFrom, sampleName, devicePropsName, onShowFailure, onShowSection }: ExplainReportProps): ReactElement {
  const failure = result.failure;
  const placed = failure !== undefined && (failure.section !== undefined || failure.offset !== undefined);
  // Only a failure stops the load; a risk may not happen, so every section is listed then.
  const stopped = result.verdict === 'fails' && failure !== undefined;
  const loaded = sectionsBefore(stream, stopped ? failure : undefined);
  return (
    <article className="explain-report" aria-label="Explanation" data-testid="explain-report">
      <VerdictHeader result={result} streamName={streamName} logName={logName} onShowInStream={placed ? onShowFailure : undefined} />
      {failure !== undefined ? (
        <div className="explain-columns">
          <FailureStory result={result} failure={failure} />
          <FailurePlace failure={failure} onShowSection={placed ? onShowFailure : undefined} />
        </div>
      ) : (
        <p className="explain-none">{result.basis === 'log' ? 'The destination log shows no load error.' : 'Nothing known of the destination stops this stream.'}</p>
      )}
      <ExplainNotes result={result} problems={problems} versionFrom={versionFrom} sampleName={sampleName} devicePropsName={devicePropsName} />
      <LoadedSections sections={loaded} beforeFailure={stopped} onShow={onShowSection} />
    </article>
  );
}
