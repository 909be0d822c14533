import { memo, type ReactElement } from 'react';
import type { AxisTick } from './time-scale.ts';
import { clampX, failureLabelPlacement, LANE_H, ROW_BOX } from './lane-geometry.ts';
import type { BarRun, TimelineFailure, TimelineLane } from './timeline-layout.ts';

export interface TimelineLanesProps {
  readonly lanes: readonly TimelineLane[];
  /** Per lane, per row: what visibleRuns gave for the current window. */
  readonly runs: readonly (readonly (readonly BarRun[])[])[];
  readonly toPx: (t: number) => number;
  readonly width: number;
  readonly ticks: readonly AxisTick[];
  readonly activeLane: number;
  readonly failure: TimelineFailure | undefined;
}

/**
 * The drawing: lane stripes, bars, grid and the failure marker. Memoised: the pointer moving
 * over it (hover) re-renders the timeline, not these thousands of rects.
 */
export const TimelineLanes = memo(function TimelineLanes({ lanes, runs, toPx, width, ticks, activeLane, failure }: TimelineLanesProps): ReactElement {
  const height = lanes.length * LANE_H;
  const failureLane = failure?.laneIndex !== undefined ? lanes[failure.laneIndex] : undefined;
  const fx = failure !== undefined ? toPx(failure.at) : undefined;
  const fy = failure?.laneIndex !== undefined ? failure.laneIndex * LANE_H : 0;
  // The label goes where no bar of its lane is (the strip above the lanes says it in full).
  const laneBars: (readonly [number, number])[] = [];
  if (failure?.laneIndex !== undefined) {
    for (const row of runs[failure.laneIndex] ?? []) {
      for (const run of row) {
        const x1 = clampX(toPx(run.start), width);
        laneBars.push([x1, Math.max(x1 + 1, clampX(toPx(run.end), width))]);
      }
    }
  }
  const label = failure !== undefined && fx !== undefined ? failureLabelPlacement(fx, laneBars, width, failure.message, measureLabel) : undefined;
  return (
    <svg width={width} height={height} className="lanes-svg" aria-hidden="true">
      {ticks.map((t) => (
        <line key={t.t} className="grid" x1={t.x} x2={t.x} y1={0} y2={height} />
      ))}
      {lanes.map((lane, i) => (
        <g
          key={lane.key}
          transform={`translate(0 ${i * LANE_H})`}
          className={`lane${i === activeLane ? ' active' : ''}${lane.failure ? ' failed' : ''}${i % 2 === 1 ? ' odd' : ''}`}
          data-lane={lane.key}
        >
          <rect className="lane-bg" x={0} y={0} width={width} height={LANE_H} />
          {lane.rows[0] !== undefined && lane.rows[0].bars.length > 1 ? (
            <line className="lane-extent" x1={clampX(toPx(lane.start), width)} x2={clampX(toPx(lane.end), width)} y1={8} y2={8} />
          ) : undefined}
          {runs[i]?.map((rowRuns, r) => rowRuns.map((run) => barRect(run, r, lane, toPx, width)))}
        </g>
      ))}
      {failure !== undefined && fx !== undefined && fx >= -1 && fx <= width + 1 ? (
        <g className="failure-marker" data-testid="failure-marker" data-lane={failureLane?.key ?? ''}>
          <line x1={fx} x2={fx} y1={0} y2={height} />
          {failureLane !== undefined ? <circle cx={fx} cy={fy + 8} r={4} /> : undefined}
          {label !== undefined ? (
            <text className="failure-label" x={label.x} y={fy + 16} textAnchor={label.anchor} data-extent={`${Math.round(label.extent[0])} ${Math.round(label.extent[1])}`}>
              <title>{failure.message}</title>
              {label.text}
            </text>
          ) : (
            <title>{failure.message}</title>
          )}
        </g>
      ) : undefined}
    </svg>
  );
});

function barRect(run: BarRun, row: number, lane: TimelineLane, toPx: (t: number) => number, width: number): ReactElement {
  const bar = lane.rows[row]?.bars[run.first];
  const [top, h] = ROW_BOX[row] ?? [0, 0];
  const x1 = clampX(toPx(run.start), width);
  const x2 = clampX(toPx(run.end), width);
  const bad = !run.ok || run.failurePoint;
  return (
    <rect
      key={`${row}-${run.first}`}
      className={`bar r${row} k-${bar?.kind ?? 'field'}${bad ? ' bad' : ''}${run.count > 1 ? ' merged' : ''}`}
      x={x1}
      y={top}
      width={Math.max(1, x2 - x1)}
      height={h}
    />
  );
}

/** Text width in the label's font (.failure-label in timeline.css: 600 11px, the UI font), from a canvas. */
let measureContext: CanvasRenderingContext2D | null | undefined;

function measureLabel(text: string): number {
  measureContext ??= document.createElement('canvas').getContext('2d');
  if (measureContext === null) return text.length * 7;
  const family = getComputedStyle(document.documentElement).getPropertyValue('--font-ui').trim() || 'sans-serif';
  measureContext.font = `600 11px ${family}`;
  // A little over: the stroke drawn around the text for contrast widens it.
  return measureContext.measureText(text).width + 4;
}
