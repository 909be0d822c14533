import type { ReactElement } from 'react';
import { DEFAULT_SAMPLE_SET, openSample } from '../app/samples.ts';
import { useWorkspaceState, useWorkspaceStore } from '../workspace/workspace-context.ts';

export const TOUR_BUTTON_ID = 'tour-button';

/** Starts the tour on the stream on show; with none, on the 11.1 sample, loaded for it. */
export function TourButton(): ReactElement {
  const store = useWorkspaceStore();
  const state = useWorkspaceState();
  const open = state.tourStep !== undefined;
  const start = (): void => {
    if (state.active.stream === undefined) {
      const set = DEFAULT_SAMPLE_SET;
      void openSample(store, set, 'stream').then(() => store.setTourStep(0));
      return;
    }
    store.setView('stream');
    store.setTourStep(0);
  };
  return (
    <button
      type="button"
      id={TOUR_BUTTON_ID}
      className="btn"
      aria-pressed={open}
      title="A guided walk through the bytes of a migration stream"
      onClick={() => (open ? store.setTourStep(undefined) : start())}
    >
      Tour the format
    </button>
  );
}
