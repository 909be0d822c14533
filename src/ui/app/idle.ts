/**
 * `window.__appIdle()` for browser tests: true once nothing is loading, detecting, parsing or
 * decoding and the UI has rendered the outcome. Tests wait on it instead of sleeping.
 */
import type { QueryClient } from '@tanstack/react-query';
import type { WorkspaceStore } from '../workspace/workspace-store.ts';

/** States of `data-app-state` in which nothing more is coming. */
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

/**
 * Every element with `data-app-state` (the shell, and each view with work of its own) must
 * be settled, and React must have rendered the store's latest state: the shell writes the
 * store version it rendered into `data-workspace-version`.
 */
export function installIdleProbe(queryClient: QueryClient, store: WorkspaceStore): void {
  window.__appIdle = () => {
    const states = [...document.querySelectorAll<HTMLElement>('[data-app-state]')].map((e) => e.dataset['appState'] ?? '');
    const rendered = document.querySelector<HTMLElement>('[data-workspace-version]')?.dataset['workspaceVersion'];
    const s = store.getState();
    return (
      states.length > 0 &&
      states.every((st) => SETTLED.has(st)) &&
      rendered === String(s.version) &&
      s.pending === 0 &&
      queryClient.isFetching() === 0 &&
      pendingReads === 0
    );
  };
}
