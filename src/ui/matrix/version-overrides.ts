/**
 * Versions the user typed for files, by file id. Kept outside the workspace store on purpose
 * (it belongs to the Matrix, Tiers and Hosts views), and outside React state so that a
 * correction made in one of those tabs holds in the others and survives switching tabs.
 */
import { useSyncExternalStore } from 'react';

type Overrides = ReadonlyMap<string, string>;

let overrides: Overrides = new Map();
const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function snapshot(): Overrides {
  return overrides;
}

/** Sets (or, with an empty text, clears) the version typed for a file. */
export function setTypedVersion(fileId: string, text: string): void {
  const next = new Map(overrides);
  if (text.trim() === '') next.delete(fileId);
  else next.set(fileId, text.trim());
  overrides = next;
  for (const l of [...listeners]) l();
}

export function useTypedVersions(): Overrides {
  return useSyncExternalStore(subscribe, snapshot);
}
