import type { ReactElement } from 'react';
import { useWorkspaceState } from '../workspace/workspace-context.ts';
import { activeFile } from '../workspace/workspace-store.ts';
import { PairingNotes } from '../workspace/PairingNotes.tsx';
import { usePairings } from '../workspace/use-pairings.ts';
import { ExplainBannerLine } from './ExplainBannerLine.tsx';

/**
 * The Stream view's verdict line: there only when a load log sits next to the stream, so that
 * dropping the destination's log on an open stream explains the failure in place.
 */
export function ExplainBanner(): ReactElement | undefined {
  const state = useWorkspaceState();
  const streamLoad = usePairings().streamLoad;
  if (activeFile(state, 'load') === undefined) return undefined;
  // A log of another VM does not explain this stream: say so instead of a verdict.
  if (streamLoad !== undefined && !streamLoad.paired) return <PairingNotes pairs={[streamLoad]} together="the log explains this stream's load" />;
  return <ExplainBannerLine />;
}
