import type { ReactElement } from 'react';
import { KIND_WORD, type HoverInfo } from './hover-info.ts';

export interface TimelineTooltipProps {
  readonly info: HoverInfo;
  /** Pointer position inside the plot. */
  readonly x: number;
  readonly y: number;
  /** Plot width: the tooltip flips left near the right edge. */
  readonly width: number;
  /** Near the bottom of the visible lanes: shown above the pointer. */
  readonly above: boolean;
  readonly canOpen: boolean;
}

/** The span under the pointer and the log event it starts with. */
export function TimelineTooltip({ info, x, y, width, above, canOpen }: TimelineTooltipProps): ReactElement {
  const flip = x > width - 340;
  return (
    <div
      role="tooltip"
      className="timeline-tooltip"
      data-testid="timeline-tooltip"
      style={{ left: flip ? x - 14 : x + 14, top: above ? y - 12 : y + 16, transform: `translate(${flip ? '-100%' : '0'}, ${above ? '-100%' : '0'})` }}
    >
      <div className="tt-title">
        <span className="tt-kind">{KIND_WORD[info.kind]}</span> <span className="tt-name">{info.name}</span>
        {info.note !== undefined ? <span className="muted"> · {info.note}</span> : undefined}
      </div>
      {info.event !== undefined ? (
        <div className="tt-event mono">
          <span className="tt-event-name">{info.event.name}</span> {info.event.args}
        </div>
      ) : undefined}
      <div className="tt-meta muted">
        {info.lines} · {info.at} · {info.duration} · {info.lane}
      </div>
      {!info.ok || info.failurePoint ? <div className="tt-bad">{info.failurePoint ? 'open when the load failed' : 'did not finish'}</div> : undefined}
      {info.merged > 1 ? <div className="muted">{info.merged} spans in this pixel; zoom in to tell them apart</div> : undefined}
      {canOpen ? <div className="tt-hint muted">click: show this section in the Stream view</div> : undefined}
    </div>
  );
}
