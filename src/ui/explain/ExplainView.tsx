import type { ReactElement } from 'react';
import { PlaceholderView } from '../views/PlaceholderView.tsx';
import { viewInfo } from '../views/views.ts';
import { PairingNotes } from '../workspace/PairingNotes.tsx';
import { usePairings } from '../workspace/use-pairings.ts';
import { useWorkspaceStore } from '../workspace/workspace-context.ts';
import { DestinationForm } from './DestinationForm.tsx';
import './explain.css';
import { failureTarget } from './explain-report.ts';
import { ExplainReport } from './ExplainReport.tsx';
import { useExplanation } from './use-explanation.ts';

/**
 * The Explain tab: why the active stream's load failed (with the destination's log) or whether
 * it will (with what is known of the destination), in words, with the place in the stream.
 */
export function ExplainView(): ReactElement {
  const store = useWorkspaceStore();
  const explanation = useExplanation();
  const streamLoad = usePairings().streamLoad;

  if (explanation.status === 'no-stream') {
    return (
      <div className="view-body" data-app-state="empty">
        <PlaceholderView view={viewInfo('explain')} />
      </div>
    );
  }
  const logName = explanation.log?.file.name;
  let body: ReactElement;
  let state: 'loading' | 'failed' | 'ready';
  if (explanation.status === 'loading') {
    state = 'loading';
    body = <p className="muted explain-wait">Reading {explanation.stream.file.name}{logName !== undefined ? ` and ${logName}` : ''}…</p>;
  } else if (explanation.status === 'failed') {
    state = 'failed';
    body = (
      <p className="error-text explain-wait" role="alert">
        {explanation.message}
      </p>
    );
  } else {
    state = 'ready';
    const { result, decoded } = explanation;
    const showFailure = (): void => {
      const target = failureTarget(result.failure);
      if (target === undefined) return;
      if (!store.focusNode(target)) {
        store.setNotice({ tone: 'info', text: 'Pick the stream in Files to see its bytes.' });
      }
    };
    body = (
      <ExplainReport
        result={result}
        stream={decoded}
        streamName={explanation.stream.file.name}
        logName={logName}
        problems={explanation.problems}
        versionFrom={explanation.destination.versionFrom}
        sampleName={explanation.destination.sample?.file.name}
        devicePropsName={explanation.destination.deviceProps?.file.name}
        onShowFailure={showFailure}
        onShowSection={(s) => store.focusSection(s.idstr, s.instance)}
      />
    );
  }
  return (
    <div className="view-body explain-view" data-app-state={state} data-testid="explain-view">
      <div className="explain-scroll">
        {streamLoad !== undefined && streamLoad.status !== 'same' ? <PairingNotes pairs={[streamLoad]} together="the log explains this stream's load" /> : undefined}
        {body}
      </div>
      <aside className="explain-side no-print">
        <DestinationForm used={explanation.status === 'ready' ? explanation.destination : undefined} hasLog={explanation.log !== undefined} />
      </aside>
    </div>
  );
}
