import { useCallback, useMemo, useState, type ReactElement } from 'react';
import type { ByteExtent } from '../../format/index.ts';
import { DropZone } from '../stream/DropZone.tsx';
import type { StreamIndex } from '../stream/stream-index.ts';
import { PairingNotes } from '../workspace/PairingNotes.tsx';
import { usePairings } from '../workspace/use-pairings.ts';
import { useWorkspaceStore } from '../workspace/workspace-context.ts';
import { ALIGN_LABEL, cannotShareAxis, mergedLaneKeys, sharedAxis, withLaneOrder, type AlignMode } from './compare-layout.ts';
import { DowntimeList } from './DowntimeList.tsx';
import { downtimeRows } from './downtime.ts';
import { ScrollSync } from './scroll-sync.ts';
import type { TimeWindow } from './time-scale.ts';
import './timeline.css';
import { layoutTimeline, type TimelineLane } from './timeline-layout.ts';
import { TimelinePane, type PaneAxis } from './TimelinePane.tsx';

export interface TimelineViewProps {
  readonly dragging: boolean;
  readonly onFiles: (files: readonly File[]) => void;
}

const AXIS_ORIGIN: Readonly<Record<AlignMode, string>> = {
  start: 'since each side’s first migration event',
  device: 'since each side’s first device section',
};

/** Each section's bytes in the stream, by lane key: its START or FULL record, as the Sections table gives it. */
function laneBytes(index: StreamIndex): Map<string, ByteExtent> {
  const out = new Map<string, ByteExtent>();
  for (const row of index.rows) {
    if (row.type === 'CONF') out.set('configuration', row.extent);
    else if (row.isSection && (row.type === 'START' || row.type === 'FULL')) {
      const key = `${row.name}#${row.instanceId ?? 0}`;
      if (!out.has(key)) out.set(key, row.extent);
    }
  }
  return out;
}

/**
 * The Timeline tab: the active save-side trace above the active load-side log. When the two
 * are of one VM they share one axis (each from its first migration event, or lined up at the
 * first device section) and one set of rows, scrolled together; otherwise each keeps its own
 * clock and rows, and a note says why. Downtime per device, when the logs trace it, beside them.
 */
export function TimelineView({ dragging, onFiles }: TimelineViewProps): ReactElement {
  const store = useWorkspaceStore();
  const p = usePairings();
  const { save, load, stream } = p;
  const [mode, setMode] = useState<AlignMode>('start');
  const [shared, setShared] = useState<{ readonly key: string; readonly win: TimeWindow } | undefined>(undefined);
  const [scrollSync] = useState(() => new ScrollSync());

  const saveLayout = useMemo(() => (p.saveLog !== undefined ? layoutTimeline(p.saveLog.model) : undefined), [p.saveLog]);
  const loadLayout = useMemo(() => (p.loadLog !== undefined ? layoutTimeline(p.loadLog.model) : undefined), [p.loadLog]);
  const axisProblem = saveLayout !== undefined && loadLayout !== undefined ? cannotShareAxis(saveLayout, loadLayout) : undefined;
  const compared = p.saveLoad?.paired === true && saveLayout !== undefined && loadLayout !== undefined && axisProblem === undefined && saveLayout.lanes.length > 0 && loadLayout.lanes.length > 0;

  const compare = useMemo(() => {
    if (!compared || saveLayout === undefined || loadLayout === undefined) return undefined;
    const keys = mergedLaneKeys(saveLayout.lanes, loadLayout.lanes);
    const s = withLaneOrder(saveLayout, keys, loadLayout.lanes);
    const l = withLaneOrder(loadLayout, keys, saveLayout.lanes);
    return { save: s, load: l, axis: sharedAxis(s, l, mode) };
  }, [compared, saveLayout, loadLayout, mode]);

  const compareKey = `${save?.id ?? ''}|${load?.id ?? ''}|${mode}`;
  const win = compare !== undefined ? (shared?.key === compareKey ? shared.win : compare.axis.focus) : undefined;
  const setWin = useCallback((w: TimeWindow) => setShared({ key: compareKey, win: w }), [compareKey]);

  const ranges = useMemo(() => (p.decoded !== undefined ? laneBytes(p.decoded.index) : undefined), [p.decoded]);
  // Two logs of different VMs are not one migration's downtime: then only the load side's.
  const downtimeSave = load === undefined || p.saveLoad?.paired === true ? p.saveLog?.model : undefined;
  const rowsOfDowntime = useMemo(() => downtimeRows(downtimeSave, p.loadLog?.model), [downtimeSave, p.loadLog]);

  const openLane = useCallback(
    (lane: TimelineLane, side: 'save' | 'load') => {
      const pair = side === 'save' ? p.streamSave : p.streamLoad;
      if (stream === undefined) {
        store.setNotice({ tone: 'info', text: `Load the migration stream too, to see the bytes of ${lane.idstr}.` });
        return;
      }
      if (pair !== undefined && !pair.paired) {
        store.setNotice({ tone: 'info', text: `${stream.file.name} is not read with this log (see the note above the timeline): its bytes are not this ${lane.idstr}'s.` });
        return;
      }
      store.focusSection(lane.idstr, lane.instance);
    },
    [store, stream, p.streamSave, p.streamLoad],
  );
  const openSave = useCallback((lane: TimelineLane) => openLane(lane, 'save'), [openLane]);
  const openLoad = useCallback((lane: TimelineLane) => openLane(lane, 'load'), [openLane]);

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

  const axisFor = (side: 'save' | 'load'): PaneAxis | undefined => {
    if (compare === undefined || win === undefined) return undefined;
    return {
      layout: side === 'save' ? compare.save : compare.load,
      window: win,
      onWindowChange: setWin,
      bounds: compare.axis.bounds,
      focus: compare.axis.focus,
      shift: compare.axis.shifts[side === 'save' ? 0 : 1],
      axisOrigin: AXIS_ORIGIN[mode],
      scrollSync,
    };
  };
  const rangesFor = (side: 'save' | 'load'): ReadonlyMap<string, ByteExtent> | undefined =>
    (side === 'save' ? p.streamSave : p.streamLoad)?.paired === true ? ranges : undefined;

  return (
    <div className={`view-body timeline-view${save !== undefined && load !== undefined ? ' both' : ''}`} data-app-state="ready">
      <PairingNotes pairs={[p.saveLoad, p.streamSave, p.streamLoad]} together="lanes to sections and their bytes; the two logs on one axis" />
      {save !== undefined && load !== undefined && p.saveLoad?.paired === true && axisProblem !== undefined ? (
        <p className="timeline-compare-bar muted">Each log keeps its own axis: {axisProblem}.</p>
      ) : undefined}
      {compare !== undefined ? (
        <div className="timeline-compare-bar" data-testid="timeline-compare">
          <span>
            Save and load on one axis, one row per section on both sides.{' '}
          </span>
          <label>
            Time 0:{' '}
            <select value={mode} onChange={(e) => setMode(e.target.value === 'device' ? 'device' : 'start')} aria-label="Where the two sides line up">
              {(['start', 'device'] as const).map((m) => (
                <option key={m} value={m}>
                  {ALIGN_LABEL[m]}
                </option>
              ))}
            </select>
          </label>
        </div>
      ) : undefined}
      <div className="timeline-main">
        <div className="timeline-panes">
          {save !== undefined ? (
            <TimelinePane key={`save-${save.id}`} file={save} side="save" canOpen={stream !== undefined} onOpenLane={openSave} axis={axisFor('save')} byteRanges={rangesFor('save')} layout={saveLayout} />
          ) : undefined}
          {load !== undefined ? (
            <TimelinePane key={`load-${load.id}`} file={load} side="load" canOpen={stream !== undefined} onOpenLane={openLoad} axis={axisFor('load')} byteRanges={rangesFor('load')} layout={loadLayout} />
          ) : undefined}
        </div>
        {rowsOfDowntime.length > 0 ? (
          <DowntimeList
            key={`${save?.id ?? ''}|${load?.id ?? ''}|${p.loadLog !== undefined}`}
            rows={rowsOfDowntime}
            hasSave={(downtimeSave?.downtime.length ?? 0) > 0}
            hasLoad={(p.loadLog?.model.downtime.length ?? 0) > 0}
          />
        ) : undefined}
      </div>
    </div>
  );
}
