/**
 * Which host the user put each file in (file id → host name, or not a host, or the VM's
 * source). Outside React state so that it survives switching tabs.
 */
import { useSyncExternalStore } from 'react';
import type { Assignment } from './host-groups.ts';

let chosen: ReadonlyMap<string, Assignment> = new Map();
const listeners = new Set<() => void>();

export function assignFile(fileId: string, to: Assignment | undefined): void {
  const next = new Map(chosen);
  if (to === undefined) next.delete(fileId);
  else next.set(fileId, to);
  chosen = next;
  for (const l of [...listeners]) l();
}

export function useHostAssignments(): ReadonlyMap<string, Assignment> {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => chosen,
  );
}
