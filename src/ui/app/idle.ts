/**
 * `window.__appIdle()` for browser tests: true once nothing is loading or decoding and the UI
 * has rendered the outcome. Tests wait on it instead of sleeping.
 */
import type { QueryClient } from '@tanstack/react-query';

/** States of `data-app-state` on the app root in which nothing more is coming. */
const SETTLED = new Set(['ready', 'empty', 'failed']);

let pendingReads = 0;

/** Counts background work the query cache does not know about (hex view byte reads). */
export function trackPending<T>(work: Promise<T>): Promise<T> {
  pendingReads++;
  const done = (): void => {
    pendingReads--;
  };
  work.then(done, done);
  return work;
}

declare global {
  interface Window {
    __appIdle?: () => boolean;
  }
}

export function installIdleProbe(queryClient: QueryClient): void {
  window.__appIdle = () => {
    const state = document.querySelector<HTMLElement>('[data-app-state]')?.dataset['appState'];
    return state !== undefined && SETTLED.has(state) && queryClient.isFetching() === 0 && pendingReads === 0;
  };
}
