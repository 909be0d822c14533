import type { ReactElement } from 'react';
import { useWorkspaceStore } from '../workspace/workspace-context.ts';
import './explain.css';
import { bannerText } from './explain-report.ts';
import { useExplanation } from './use-explanation.ts';

/** "Load fails: Missing section footer for mc146818rtc — open explanation". */
export function ExplainBannerLine(): ReactElement | undefined {
  const store = useWorkspaceStore();
  const explanation = useExplanation();
  if (explanation.status !== 'ready' || explanation.log === undefined) return undefined;
  const { result } = explanation;
  return (
    <div className={`explain-banner explain-${result.verdict}`} role="status" data-testid="explain-banner" data-verdict={result.verdict}>
      <span className="explain-banner-mark" aria-hidden="true" />
      <span className="explain-banner-text">{bannerText(result)}</span>
      <span className="muted explain-banner-log ellipsis" title={explanation.log.file.name}>
        per {explanation.log.file.name}
      </span>
      <button type="button" className="offset-link explain-banner-open" onClick={() => store.setView('explain')}>
        open explanation
      </button>
    </div>
  );
}
