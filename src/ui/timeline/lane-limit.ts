/**
 * A timeline draws every lane it is given: a few hundred for a real VM, but a damaged or hostile
 * log can name tens of thousands of sections, and drawing them all froze the tab for seconds.
 * Lanes are shown a page at a time; the person asks for more.
 */
import type { TimelineLayout } from './timeline-layout.ts';

/** The layout with its first `shown` lanes; a failure in a lane left out keeps its time, not its lane. */
export function limitLanes(layout: TimelineLayout, shown: number): TimelineLayout {
  if (layout.lanes.length <= shown) return layout;
  const failure = layout.failure;
  return {
    ...layout,
    lanes: layout.lanes.slice(0, shown),
    failure: failure !== undefined && failure.laneIndex !== undefined && failure.laneIndex >= shown ? { ...failure, laneIndex: undefined } : failure,
  };
}
