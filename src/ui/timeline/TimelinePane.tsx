import { useMemo, useState, type ReactElement } from 'react';
import type { ByteExtent } from '../../format/index.ts';
import { useTraceLog } from '../workspace/use-file-content.ts';
import type { WorkspaceFile } from '../workspace/workspace-store.ts';
import { clipText } from '../../lib/clip-text.ts';
import { describeUnread } from '../../trace/index.ts';
import { SHOW_PAGE, ShowMore } from '../common/ShowMore.tsx';
import { limitLanes } from './lane-limit.ts';
import { LogLines } from './log-lines.ts';
import type { ScrollSync } from './scroll-sync.ts';
import type { TimeBounds, TimeWindow } from './time-scale.ts';
import { Timeline } from './Timeline.tsx';
import { layoutTimeline, type TimelineLane, type TimelineLayout } from './timeline-layout.ts';

/** Shared with the other side when the two are compared on one axis (see TimelineView). */
export interface PaneAxis {
  /** This side's layout with the rows of both sides (compare-layout.ts). */
  readonly layout: TimelineLayout;
  readonly window: TimeWindow;
  readonly onWindowChange: (win: TimeWindow) => void;
  readonly bounds: TimeBounds;
  readonly focus: TimeWindow;
  readonly shift: number;
  readonly axisOrigin: string;
  readonly scrollSync: ScrollSync;
}

export interface TimelinePaneProps {
  readonly file: WorkspaceFile;
  readonly side: 'save' | 'load';
  readonly canOpen: boolean;
  readonly onOpenLane: (lane: TimelineLane) => void;
  readonly axis?: PaneAxis | undefined;
  readonly byteRanges?: ReadonlyMap<string, ByteExtent> | undefined;
  /** This log's own layout when the view already made it (laying out is linear in sections, but not free). */
  readonly layout?: TimelineLayout | undefined;
}

const TITLE = { save: 'Save side (source)', load: 'Load side (destination)' } as const;

/** One log of the Timeline tab: read and laid out, or why not. */
export function TimelinePane({ file, side, canOpen, onOpenLane, axis, byteRanges, layout: given }: TimelinePaneProps): ReactElement {
  const log = useTraceLog(file);
  const own = useMemo(() => (log.data !== undefined && axis === undefined && given === undefined ? layoutTimeline(log.data.model) : given), [log.data, axis, given]);
  const full = axis?.layout ?? own;
  const [shown, setShown] = useState(SHOW_PAGE);
  const layout = useMemo(() => (full !== undefined ? limitLanes(full, shown) : undefined), [full, shown]);
  const hidden = (full?.lanes.length ?? 0) - (layout?.lanes.length ?? 0);
  const lines = useMemo(() => (log.data !== undefined ? new LogLines(log.data.text) : undefined), [log.data]);

  // What the parser left out of a damaged or hostile log, said where its picture is drawn.
  const unread = (log.data?.model.unread ?? []).map((u) => (
    <p key={u.what} className="muted timeline-unread" data-testid="timeline-unread">
      {describeUnread(u)}
    </p>
  ));

  if (log.isError) {
    return (
      <section className="timeline timeline-message" data-app-state="failed" aria-label={`${TITLE[side]} timeline`}>
        <p className="error-text">{log.error.message}</p>
      </section>
    );
  }
  if (layout === undefined || lines === undefined) {
    return (
      <section className="timeline timeline-message" data-app-state="loading" aria-busy="true" aria-label={`${TITLE[side]} timeline`}>
        <p className="muted">Reading {file.file.name}…</p>
      </section>
    );
  }
  if (layout.lanes.length === 0) {
    const messages = log.data?.model.messages ?? [];
    return (
      <section className="timeline timeline-message" data-app-state="ready" aria-label={`${TITLE[side]} timeline`} data-testid={`timeline-${side}`}>
        <h2>{TITLE[side]}</h2>
        <p className="muted">
          <span className="mono">{file.file.name}</span> has no migration trace events
          {messages.length > 0 ? '; QEMU printed:' : ' (was it run with -trace "vmstate_*" -trace "savevm_*"?).'}
        </p>
        {messages.length > 0 ? (
          <ul className="timeline-messages mono">
            {messages.slice(0, 8).map((m) => (
              <li key={m.line} className={`sev-${m.severity}`}>
                {clipText(m.text)}
              </li>
            ))}
          </ul>
        ) : undefined}
        {unread}
      </section>
    );
  }
  return (
    <div className="timeline-slot" data-app-state="ready">
      <Timeline
        key={file.id}
        layout={layout}
        lines={lines}
        title={TITLE[side]}
        fileName={file.file.name}
        canOpen={canOpen}
        onOpenLane={onOpenLane}
        {...(axis !== undefined
          ? {
              window: axis.window,
              onWindowChange: axis.onWindowChange,
              bounds: axis.bounds,
              focus: axis.focus,
              shift: axis.shift,
              axisOrigin: axis.axisOrigin,
              scrollSync: axis.scrollSync,
            }
          : {})}
        {...(byteRanges !== undefined ? { byteRanges } : {})}
      />
      {unread}
      <ShowMore shown={layout.lanes.length} total={layout.lanes.length + hidden} what="sections" onMore={() => setShown((n) => n + SHOW_PAGE)} />
    </div>
  );
}
