import type { ReactElement } from 'react';
import { useWorkspaceState } from '../workspace/workspace-context.ts';
import { activeFile } from '../workspace/workspace-store.ts';
import { ExplainBannerLine } from './ExplainBannerLine.tsx';

/**
 * The Stream view's verdict line: there only when a load log sits next to the stream, so that
 * dropping the destination's log on an open stream explains the failure in place.
 */
export function ExplainBanner(): ReactElement | undefined {
  const state = useWorkspaceState();
  if (activeFile(state, 'load') === undefined) return undefined;
  return <ExplainBannerLine />;
}
