import { useCallback, useEffect, useState, type ReactElement } from 'react';
import { ExplainView } from '../explain/ExplainView.tsx';
import { HostsView } from '../hosts/HostsView.tsx';
import { MatrixView } from '../matrix/MatrixView.tsx';
import { NegotiateView } from '../negotiate/NegotiateView.tsx';
import { DropZone } from '../stream/DropZone.tsx';
import { StreamPanel } from '../stream/StreamPanel.tsx';
import { TiersView } from '../tiers/TiersView.tsx';
import { CompatPropsView } from '../compat/CompatPropsView.tsx';
import { TimelineView } from '../timeline/TimelineView.tsx';
import { VIEWS } from '../views/views.ts';
import { TourButton } from '../tour/TourButton.tsx';
import { TourPanel } from '../tour/TourPanel.tsx';
import { FilesPanel } from '../workspace/FilesPanel.tsx';
import { useWorkspaceState, useWorkspaceStore } from '../workspace/workspace-context.ts';
import { activeFile, type ViewId, type WorkspaceState } from '../workspace/workspace-store.ts';
import { CopyLinkButton } from './CopyLinkButton.tsx';
import { openSample, SAMPLE_SETS, type SampleSet } from './samples.ts';
import { SampleGallery } from './SampleGallery.tsx';
import { useFileDrop } from './use-file-drop.ts';
import { useUrlSync } from './use-url-sync.ts';
import { panelId, tabId, ViewTabs } from './ViewTabs.tsx';

/** What `data-app-state` on the shell says; views add their own (see idle.ts). */
type ShellState = 'empty' | 'loading' | 'ready';

/** Views whose state is worth keeping while another tab is open (selection, zoom). */
const KEEP_MOUNTED: ReadonlySet<ViewId> = new Set(['stream', 'timeline']);

/** The app: toolbar, Files, the view tabs and the open view. */
export function Workspace(): ReactElement {
  const store = useWorkspaceStore();
  const state = useWorkspaceState();
  const [visited, setVisited] = useState<ReadonlySet<ViewId>>(() => new Set(['stream', state.view]));
  useEffect(() => {
    setVisited((v) => (v.has(state.view) ? v : new Set([...v, state.view])));
  }, [state.view]);

  // The URL's hash follows the workspace (and a link sets it up): see use-url-sync.
  useUrlSync(store);

  const openFiles = useCallback(
    (files: readonly File[]) => {
      void store.addFiles(files);
    },
    [store],
  );

  const showSample = useCallback(
    (set: SampleSet) => {
      void openSample(store, set);
    },
    [store],
  );

  const dragging = useFileDrop(openFiles);
  const shell: ShellState = state.pending > 0 ? 'loading' : state.files.length === 0 ? 'empty' : 'ready';
  const stream = activeFile(state, 'stream');

  const render = (view: ViewId): ReactElement => {
    switch (view) {
      case 'stream':
        return <StreamPanel file={stream} focus={state.focus} otherFiles={state.files.length} dragging={dragging} onFiles={openFiles} />;
      case 'timeline':
        return <TimelineView dragging={dragging} onFiles={openFiles} />;
      case 'explain':
        return <ExplainView />;
      case 'matrix':
        return <MatrixView />;
      case 'tiers':
        return <TiersView />;
      case 'compat':
        return <CompatPropsView />;
      case 'hosts':
        return <HostsView />;
      case 'negotiate':
        return <NegotiateView />;
    }
  };

  return (
    <div className={`app${dragging ? ' dragging' : ''}`} data-app-state={shell} data-workspace-version={state.version}>
      <header className="toolbar">
        <div className="brand">
          <span className="brand-name">migscope</span>
          <span className="brand-sub">QEMU migration inspector</span>
        </div>
        <DropZone dragging={dragging} onFiles={openFiles} />
        <SampleGallery sets={SAMPLE_SETS} current={state.sampleId} onOpen={showSample} />
        <TourButton />
        {state.notice !== undefined ? (
          <span className={`notice tone-${state.notice.tone}`} role="status">
            {state.notice.text}
            <button type="button" className="notice-close" aria-label="Dismiss" onClick={() => store.setNotice(undefined)}>
              ×
            </button>
          </span>
        ) : undefined}
        <span className="toolbar-spacer" />
        <CopyLinkButton />
        <span className="muted local-note">read locally · nothing is uploaded</span>
      </header>
      <FilesPanel state={state} store={store} />
      <ViewTabs current={state.view} counts={tabCounts(state)} onSelect={(v) => store.setView(v)} />
      <main className="workspace">
        <TourPanel />
        {VIEWS.map((v) => {
          const open = v.id === state.view;
          if (!open && !(KEEP_MOUNTED.has(v.id) && visited.has(v.id))) return undefined;
          return (
            <div key={v.id} role="tabpanel" id={panelId(v.id)} aria-labelledby={tabId(v.id)} hidden={!open} className="view-panel">
              {render(v.id)}
            </div>
          );
        })}
      </main>
    </div>
  );
}

/** Files each tab can use right now: streams, logs, and for the rest the kinds they read. */
function tabCounts(state: WorkspaceState): Partial<Record<ViewId, number>> {
  const out: Partial<Record<ViewId, number>> = {};
  for (const v of VIEWS) {
    const kinds = new Set(v.needs.map((n) => n.kind));
    out[v.id] = state.files.filter((f) => f.detection !== undefined && kinds.has(f.detection.kind)).length;
  }
  return out;
}
