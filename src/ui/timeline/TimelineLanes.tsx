import { memo, type ReactElement } from 'react';
import type { AxisTick } from './time-scale.ts';
import { clampX, LANE_H, ROW_BOX } from './lane-geometry.ts';
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
  // The label goes where there is room: left of the line when it is near the right edge.
  const labelLeft = fx !== undefined && fx > width * 0.6;
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
          <text className="failure-label" x={labelLeft ? fx - 8 : fx + 8} y={fy + 12} textAnchor={labelLeft ? 'end' : 'start'}>
            {failure.message}
          </text>
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
