import { useCallback, useEffect, useId, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent, type ReactElement } from 'react';
import { useElementWidth } from '../common/use-element-width.ts';
import { exportJson, exportPng, exportSvg } from '../export/export-files.ts';
import { ExportMenu, type ExportItem } from '../export/ExportMenu.tsx';
import { hoverInfo, laneLabel, type HoverInfo } from './hover-info.ts';
import type { LogLines } from './log-lines.ts';
import {
  axisTicks,
  axisUnit,
  formatTime,
  fullWindow,
  panBy,
  panByPx,
  pxToTime,
  sameWindow,
  timeScale,
  zoomAround,
  clampWindow,
  type TimeWindow,
} from './time-scale.ts';
import { LANE_H, ROW1_TOP, ROW2_TOP } from './lane-geometry.ts';
import { barAt, visibleRuns, type TimelineLane, type TimelineLayout } from './timeline-layout.ts';
import type { ByteExtent } from '../../format/index.ts';
import { clipText } from '../../lib/clip-text.ts';
import { groupedInt, hexOffset } from '../stream/format-value.ts';
import type { ScrollSync } from './scroll-sync.ts';
import type { TimeBounds } from './time-scale.ts';
import { timelineJson, timelineSvg } from './timeline-export.ts';
import { TimelineLanes } from './TimelineLanes.tsx';
import { TimelineTooltip } from './TimelineTooltip.tsx';

export interface TimelineProps {
  readonly layout: TimelineLayout;
  readonly lines: LogLines;
  /** `Load side (destination)`. */
  readonly title: string;
  readonly fileName: string;
  /** A stream is loaded: opening a lane shows its section there. */
  readonly canOpen: boolean;
  readonly onOpenLane: (lane: TimelineLane) => void;
  /**
   * Compared with the other side on one axis: the shared window (and its setter), bounds and
   * focus, and `shift`, this log's own time that the shared axis calls 0. Without them the
   * timeline keeps a window of its own, from its log's first event.
   */
  readonly window?: TimeWindow;
  readonly onWindowChange?: (win: TimeWindow) => void;
  readonly bounds?: TimeBounds;
  readonly focus?: TimeWindow;
  readonly shift?: number;
  /** What the axis counts from, e.g. `since its first device section`. */
  readonly axisOrigin?: string;
  /** Scrolls the lanes together with the other side's, row for row. */
  readonly scrollSync?: ScrollSync;
  /** Each lane's bytes in the stream paired with this log (by lane key), as the Stream view gives them. */
  readonly byteRanges?: ReadonlyMap<string, ByteExtent>;
}

const AXIS_H = 24;
const UNIT_WORD = { 'µs': 'µs', ms: 'ms', s: 'seconds', line: 'lines' } as const;
const ZOOM_STEP = 1.6;
const PAN_STEP = 0.15;
/** Pixels a press may move and still be a click. */
const CLICK_SLOP = 3;

interface Hover {
  readonly x: number;
  readonly y: number;
  /** Bottom of the scrolled lanes' visible part, in plot coordinates: the tooltip flips up near it. */
  readonly visibleBottom: number;
  readonly info: HoverInfo;
}

interface Drag {
  readonly x0: number;
  readonly win0: TimeWindow;
  moved: boolean;
}

/**
 * One log as lanes over time. React renders every element; d3 only maps time to pixels.
 * Wheel zooms around the pointer, drag pans, hover shows the event, click opens the section
 * in the Stream view; the lane list takes the keyboard (↑↓ lane, Enter open, ←→ pan, + − 0 zoom).
 */
export function Timeline(props: TimelineProps): ReactElement {
  const { layout, lines, title, fileName, canOpen, onOpenLane, scrollSync, byteRanges } = props;
  const { lanes, failure, timeBase } = layout;
  const bounds = props.bounds ?? layout.bounds;
  const focus = props.focus ?? layout.focus;
  const shift = props.shift ?? 0;
  const idPrefix = useId();
  const [ownWin, setOwnWin] = useState<TimeWindow>(focus);
  const win = props.window ?? ownWin;
  const setWin = props.onWindowChange ?? setOwnWin;
  // The window in this log's own time: what its bars are looked up and drawn in.
  const localWin = useMemo(() => ({ start: win.start + shift, end: win.end + shift }), [win, shift]);
  const [activeLane, setActiveLane] = useState(() => failure?.laneIndex ?? 0);
  const [hover, setHover] = useState<Hover | undefined>(undefined);
  const plotRef = useRef<HTMLDivElement | null>(null);
  const scrollRef = useRef<HTMLDivElement | null>(null);
  const drag = useRef<Drag | undefined>(undefined);
  const sectionRef = useRef<HTMLElement | null>(null);
  const width = useElementWidth(plotRef);

  const scale = useMemo(() => timeScale(localWin, width), [localWin, width]);
  const runs = useMemo(() => lanes.map((lane) => lane.rows.map((row) => visibleRuns(row, localWin, width))), [lanes, localWin, width]);
  const ticks = useMemo(() => (width > 0 ? axisTicks(win, width, timeBase) : []), [win, width, timeBase]);
  const unit = axisUnit(win, timeBase);
  const height = lanes.length * LANE_H;
  const zoomed = !sameWindow(win, focus);

  // The wheel listener is native (React's is passive and cannot stop the page from scrolling).
  const live = useRef({ win, width, setWin });
  live.current = { win, width, setWin };
  useEffect(() => {
    const el = plotRef.current;
    if (el === null) return undefined;
    const onWheel = (e: WheelEvent): void => {
      const { win: w, width: wd, setWin: set } = live.current;
      if (wd <= 0) return;
      e.preventDefault();
      const unitPx = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? wd : 1;
      const x = e.clientX - el.getBoundingClientRect().left;
      const horizontal = e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY);
      if (horizontal) {
        const dx = (e.shiftKey ? e.deltaY : e.deltaX) * unitPx;
        set(panByPx(w, bounds, wd, -dx));
      } else {
        set(zoomAround(w, bounds, Math.exp(-e.deltaY * unitPx * 0.0015), pxToTime(w, wd, x)));
      }
      setHover(undefined);
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [bounds]);

  const revealLane = useCallback((index: number, center = false) => {
    const el = scrollRef.current;
    if (el === null) return;
    const top = index * LANE_H;
    if (center) el.scrollTop = Math.max(0, top - (el.clientHeight - LANE_H) / 2);
    else if (top < el.scrollTop) el.scrollTop = top;
    else if (top + LANE_H > el.scrollTop + el.clientHeight) el.scrollTop = top + LANE_H - el.clientHeight;
  }, []);

  useEffect(() => {
    const el = scrollRef.current;
    if (scrollSync === undefined || el === null) return undefined;
    return scrollSync.attach(el);
  }, [scrollSync]);

  // The failing lane is the one to look at first: centred the first time the timeline is
  // visible (a hidden tab has no size to centre in), then left where the user scrolls it.
  const revealed = useRef(false);
  useEffect(() => {
    if (revealed.current || width <= 0 || failure?.laneIndex === undefined) return;
    revealed.current = true;
    revealLane(failure.laneIndex, true);
  }, [failure, revealLane, width]);

  const zoomToLane = (index: number): void => {
    const lane = lanes[index];
    if (lane === undefined) return;
    if (lane.absent === true) return;
    const pad = Math.max((lane.end - lane.start) * 0.15, bounds.minSpan);
    const end = failure?.laneIndex === index ? Math.max(lane.end, failure.at) : lane.end;
    setWin(clampWindow({ start: lane.start - shift - pad, end: end - shift + pad }, bounds));
  };

  const hitTest = (x: number, y: number): { lane: number; info: HoverInfo | undefined } | undefined => {
    const laneIndex = Math.floor(y / LANE_H);
    const lane = lanes[laneIndex];
    if (lane === undefined || width <= 0) return undefined;
    const inLane = y - laneIndex * LANE_H;
    const row = inLane < ROW1_TOP - 1 ? 0 : inLane < ROW2_TOP - 0.5 ? 1 : 2;
    const t = pxToTime(localWin, width, x);
    const slack = (3 * (win.end - win.start)) / width;
    for (const r of row === 0 ? [0] : [row, 0]) {
      const barRow = lane.rows[r];
      if (barRow === undefined) continue;
      const at = barAt(barRow, t, slack);
      if (at === undefined) continue;
      const bar = barRow.bars[at];
      if (bar === undefined) continue;
      const merged = runs[laneIndex]?.[r]?.find((run) => run.first <= at && at < run.first + run.count && run.count > 1)?.count ?? 1;
      return { lane: laneIndex, info: hoverInfo(layout, lane, bar, lines, merged) };
    }
    return { lane: laneIndex, info: undefined };
  };

  const local = (e: PointerEvent<HTMLDivElement>): { x: number; y: number } => {
    const rect = e.currentTarget.getBoundingClientRect();
    return { x: e.clientX - rect.left, y: e.clientY - rect.top };
  };

  const onPointerDown = (e: PointerEvent<HTMLDivElement>): void => {
    if (e.button !== 0) return;
    drag.current = { x0: local(e).x, win0: win, moved: false };
    e.currentTarget.setPointerCapture(e.pointerId);
  };

  const onPointerMove = (e: PointerEvent<HTMLDivElement>): void => {
    const { x, y } = local(e);
    const d = drag.current;
    if (d !== undefined && (e.buttons & 1) === 1) {
      const dx = x - d.x0;
      if (Math.abs(dx) > CLICK_SLOP) d.moved = true;
      if (d.moved) {
        setWin(panByPx(d.win0, bounds, width, dx));
        setHover(undefined);
        return;
      }
    }
    const hit = hitTest(x, y);
    const scroller = scrollRef.current;
    const visibleBottom = scroller !== null ? scroller.scrollTop + scroller.clientHeight : Number.POSITIVE_INFINITY;
    setHover(hit?.info !== undefined ? { x, y, visibleBottom, info: hit.info } : undefined);
  };

  const onPointerUp = (e: PointerEvent<HTMLDivElement>): void => {
    const d = drag.current;
    drag.current = undefined;
    if (d === undefined || d.moved) return;
    const { x, y } = local(e);
    const hit = hitTest(x, y);
    if (hit === undefined) return;
    setActiveLane(hit.lane);
    const lane = lanes[hit.lane];
    if (hit.info !== undefined && lane !== undefined && lane.absent !== true) onOpenLane(lane);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    const span = win.end - win.start;
    const center = (win.start + win.end) / 2;
    let handled = true;
    switch (e.key) {
      case 'ArrowDown':
      case 'ArrowUp': {
        const next = Math.max(0, Math.min(lanes.length - 1, activeLane + (e.key === 'ArrowDown' ? 1 : -1)));
        setActiveLane(next);
        revealLane(next);
        break;
      }
      case 'Home':
      case 'End': {
        const next = e.key === 'Home' ? 0 : lanes.length - 1;
        setActiveLane(next);
        revealLane(next);
        break;
      }
      case 'Enter':
      case ' ': {
        const lane = lanes[activeLane];
        if (lane !== undefined && lane.absent !== true) onOpenLane(lane);
        break;
      }
      case 'ArrowLeft':
        setWin(panBy(win, bounds, -span * PAN_STEP));
        break;
      case 'ArrowRight':
        setWin(panBy(win, bounds, span * PAN_STEP));
        break;
      case '+':
      case '=':
        setWin(zoomAround(win, bounds, ZOOM_STEP, center));
        break;
      case '-':
      case '_':
        setWin(zoomAround(win, bounds, 1 / ZOOM_STEP, center));
        break;
      case '0':
        setWin(focus);
        break;
      case 'z':
        zoomToLane(activeLane);
        break;
      default:
        handled = false;
    }
    if (handled) {
      e.preventDefault();
      setHover(undefined);
    }
  };

  const failureLane = failure?.laneIndex !== undefined ? lanes[failure.laneIndex] : undefined;

  const baseName = `${fileName.replace(/\.(log|txt)(\.gz)?$/, '')}-timeline`;
  const picture = (): SVGSVGElement => {
    const svg = sectionRef.current !== null ? timelineSvg(sectionRef.current, title, fileName, win, layout) : undefined;
    if (svg === undefined) throw new Error('the timeline is not drawn yet');
    return svg;
  };
  const exports: readonly ExportItem[] = [
    { label: 'Picture (SVG)', run: () => exportSvg(`${baseName}.svg`, picture()) },
    { label: 'Picture (PNG)', run: () => exportPng(`${baseName}.png`, picture()) },
    { label: 'Lanes (JSON)', run: () => exportJson(`${baseName}.json`, timelineJson(layout, fileName)) },
  ];

  return (
    <section ref={sectionRef} className="timeline" aria-label={`${title} timeline`} data-testid={`timeline-${layout.side === 'save' ? 'save' : 'load'}`}>
      <header className="timeline-head">
        <h2>{title}</h2>
        <span className="timeline-file mono" title={fileName}>
          {fileName}
        </span>
        <span className="muted">
          {lanes.length} sections · {layout.spans.toLocaleString('en')} spans · {layout.events.toLocaleString('en')} events
        </span>
        <span className="pane-head-spacer" />
        <span className="muted mono timeline-range" data-testid="timeline-range">
          {formatTime(win.start, timeBase)} – {formatTime(win.end, timeBase)}
        </span>
        <button type="button" className="btn btn-icon" aria-label="Zoom out" title="Zoom out (−)" onClick={() => setWin(zoomAround(win, bounds, 1 / ZOOM_STEP, (win.start + win.end) / 2))}>
          −
        </button>
        <button type="button" className="btn btn-icon" aria-label="Zoom in" title="Zoom in (+)" onClick={() => setWin(zoomAround(win, bounds, ZOOM_STEP, (win.start + win.end) / 2))}>
          +
        </button>
        <button type="button" className="btn" disabled={!zoomed} title="Back to the migration, from its first section to its end (0)" onClick={() => setWin(focus)}>
          Reset
        </button>
        <button type="button" className="btn" disabled={sameWindow(win, fullWindow(bounds))} title="The whole log, from its first line" onClick={() => setWin(fullWindow(bounds))}>
          Whole log
        </button>
        <ExportMenu items={exports} ariaLabel={`Export the ${title.toLowerCase()} timeline`} />
      </header>
      {failure !== undefined ? (
        <div className="timeline-failure" data-testid="timeline-failure">
          <span className="failure-x" aria-hidden="true">
            ✕
          </span>
          <span className="failure-text">{failure.message}</span>
          <span className="muted">
            {failureLane !== undefined ? `in ${laneLabel(failureLane)}` : ''}
            {failure.path.length > 1 ? ` › ${failure.path.slice(1).join(' › ')}` : ''} · line {failure.line}
            {timeBase === 'us' ? ` · ${formatTime(failure.at, timeBase)}` : ''}
          </span>
          {failure.messages.length > 1 ? <span className="muted failure-more" title={clipText(failure.messages.join('\n'), 5000)}>+{failure.messages.length - 1} more line{failure.messages.length > 2 ? 's' : ''}</span> : undefined}
          {failure.laneIndex !== undefined ? (
            <button type="button" className="btn" onClick={() => zoomToLane(failure.laneIndex as number)}>
              Zoom to it
            </button>
          ) : undefined}
        </div>
      ) : undefined}
      <div className="timeline-body" onKeyDown={onKeyDown}>
        <div className="timeline-axis-row">
          <div className="timeline-corner" data-testid="timeline-axis-unit">
            {timeBase === 'line' ? 'log line (no timestamps in this log)' : `${UNIT_WORD[unit.name]} ${props.axisOrigin ?? 'since the first event'}`}
          </div>
          <svg className="timeline-axis" width={Math.max(0, width)} height={AXIS_H} data-testid="timeline-axis" aria-hidden="true">
            {ticks.map((t) => (
              <g key={t.t} transform={`translate(${t.x} 0)`}>
                <line y1={AXIS_H - 6} y2={AXIS_H} />
                <text x={3} y={AXIS_H - 9}>
                  {t.label}
                </text>
              </g>
            ))}
          </svg>
        </div>
        <div
          className="timeline-scroll"
          ref={scrollRef}
          onScroll={scrollSync !== undefined ? (e) => scrollSync.follow(e.currentTarget) : undefined}
        >
          <div className="timeline-rows" style={{ height }}>
            <div
              role="listbox"
              aria-label={`${title}: sections in stream order`}
              tabIndex={0}
              aria-activedescendant={`${idPrefix}-lane-${activeLane}`}
              className="lane-labels"
              data-testid="lane-labels"
            >
              {lanes.map((lane, i) => {
                const bytes = byteRanges?.get(lane.key);
                return (
                <div
                  key={lane.key}
                  id={`${idPrefix}-lane-${i}`}
                  role="option"
                  aria-selected={i === activeLane}
                  aria-label={laneAriaLabel(lane)}
                  className={`lane-label${i === activeLane ? ' active' : ''}${lane.failure ? ' failed' : ''}${lane.absent === true ? ' absent' : ''}`}
                  data-lane={lane.key}
                  {...(bytes !== undefined ? { 'data-start': bytes.start, 'data-end': bytes.end } : {})}
                  title={laneTitle(lane, canOpen, bytes)}
                  onClick={() => {
                    setActiveLane(i);
                    if (lane.absent !== true) onOpenLane(lane);
                  }}
                >
                  {lane.failure ? (
                    <span className="lane-fail" aria-hidden="true">
                      ✕
                    </span>
                  ) : undefined}
                  <span className="lane-name">{lane.idstr}</span>
                  {lane.kind === 'section' ? (
                    <span className={`lane-inst${lane.instanceInferred ? ' inferred' : ''}`}>#{lane.instance ?? 0}</span>
                  ) : undefined}
                  {lane.absent === true ? <span className="lane-absent">not in this log</span> : undefined}
                  {lane.version !== undefined ? <span className="lane-ver">v{lane.version}</span> : undefined}
                </div>
                );
              })}
            </div>
            <div
              className="timeline-plot"
              ref={plotRef}
              onPointerDown={onPointerDown}
              onPointerMove={onPointerMove}
              onPointerUp={onPointerUp}
              onPointerLeave={() => setHover(undefined)}
              onDoubleClick={(e) => {
                const rect = e.currentTarget.getBoundingClientRect();
                zoomToLane(Math.floor((e.clientY - rect.top) / LANE_H));
              }}
              data-testid="timeline-plot"
            >
              {width > 0 ? (
                <TimelineLanes lanes={lanes} runs={runs} toPx={scale} width={width} ticks={ticks} activeLane={activeLane} failure={failure} />
              ) : undefined}
              {hover !== undefined ? (
                <TimelineTooltip info={hover.info} x={hover.x} y={hover.y} width={width} above={hover.y > hover.visibleBottom - 130} canOpen={canOpen} />
              ) : undefined}
            </div>
          </div>
        </div>
      </div>
    </section>
  );
}

function laneAriaLabel(lane: TimelineLane): string {
  const inst = lane.kind === 'section' ? ` instance ${lane.instance ?? 0}${lane.instanceInferred ? ' (inferred)' : ''}` : '';
  return `${lane.idstr}${inst}${lane.failure ? ', failed here' : ''}${lane.absent === true ? ', not in this log' : ''}`;
}

function laneTitle(lane: TimelineLane, canOpen: boolean, bytes: ByteExtent | undefined): string {
  if (lane.absent === true) return `${laneLabel(lane)}\nnot in this log: only the other side has this section`;
  const parts = [laneLabel(lane)];
  if (bytes !== undefined) parts.push(`bytes ${hexOffset(bytes.start)}–${hexOffset(bytes.end)} in the stream (${groupedInt(bytes.end - bytes.start)} bytes${bytes.cut ? ', cut where decoding stopped' : ''})`);
  if (lane.version !== undefined) parts.push(`version ${lane.version}`);
  if (lane.handler !== undefined) parts.push(`handler ${lane.handler}`);
  parts.push(`log lines ${lane.line}–${lane.endLine}`);
  if (lane.instanceInferred) parts.push('instance inferred: this trace does not print instances');
  parts.push(canOpen ? 'click to show it in the Stream view' : 'load the stream to see its bytes');
  return parts.join('\n');
}
