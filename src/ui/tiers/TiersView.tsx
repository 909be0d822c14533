import type { ReactElement } from 'react';
import { PlaceholderView } from '../views/PlaceholderView.tsx';
import { viewInfo } from '../views/views.ts';

/**
 * The Tiers tab. A placeholder until its analysis lands (src/analysis): replace the body.
 * What to read: useParsedFiles(kind) / useVmstateManifest / useQueryMachines / useFileText /
 * useTraceLog from workspace/use-file-content.ts, the active stream through
 * useWorkspaceState() + activeFile(state, 'stream') and use-stream-decode.ts; views.ts lists
 * the files this view needs.
 */
export function TiersView(): ReactElement {
  return <PlaceholderView view={viewInfo('tiers')} />;
}
