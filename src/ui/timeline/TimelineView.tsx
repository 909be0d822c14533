import { useCallback, type ReactElement } from 'react';
import { DropZone } from '../stream/DropZone.tsx';
import { useWorkspaceState, useWorkspaceStore } from '../workspace/workspace-context.ts';
import { activeFile } from '../workspace/workspace-store.ts';
import './timeline.css';
import type { TimelineLane } from './timeline-layout.ts';
import { TimelinePane } from './TimelinePane.tsx';

export interface TimelineViewProps {
  readonly dragging: boolean;
  readonly onFiles: (files: readonly File[]) => void;
}

/**
 * The Timeline tab: the active save-side trace above the active load-side log, each on its
 * own clock (the two hosts' clocks are not comparable; each starts at its first event).
 */
export function TimelineView({ dragging, onFiles }: TimelineViewProps): ReactElement {
  const state = useWorkspaceState();
  const store = useWorkspaceStore();
  const save = activeFile(state, 'save');
  const load = activeFile(state, 'load');
  const stream = activeFile(state, 'stream');

  const openLane = useCallback(
    (lane: TimelineLane) => {
      if (!store.focusSection(lane.idstr, lane.instance)) {
        store.setNotice({ tone: 'info', text: `Load the migration stream too, to see the bytes of ${lane.idstr}.` });
      }
    },
    [store],
  );

  if (save === undefined && load === undefined) {
    return (
      <div className="view-body empty-view" data-app-state="empty">
        <div className="timeline-empty">
          <h2>No trace log loaded</h2>
          <p className="muted">
            The timeline shows what QEMU saved and loaded, device by device, from a trace log: run the source with{' '}
            <code>-trace &apos;vmstate_*&apos; -trace &apos;savevm_*&apos; -D save.log</code>, the destination with{' '}
            <code>-trace &apos;vmstate_*&apos; -trace &apos;qemu_loadvm_*&apos; -trace &apos;loadvm_*&apos;</code> and keep its stderr. Or open the sample
            &ldquo;Failed load: Missing section footer&rdquo;.
          </p>
        </div>
        <DropZone dragging={dragging} onFiles={onFiles} large />
      </div>
    );
  }
  return (
    <div className={`view-body timeline-view${save !== undefined && load !== undefined ? ' both' : ''}`} data-app-state="ready">
      {save !== undefined ? <TimelinePane key={`save-${save.id}`} file={save} side="save" canOpen={stream !== undefined} onOpenLane={openLane} /> : undefined}
      {load !== undefined ? <TimelinePane key={`load-${load.id}`} file={load} side="load" canOpen={stream !== undefined} onOpenLane={openLane} /> : undefined}
    </div>
  );
}
