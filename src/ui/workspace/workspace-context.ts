/**
 * How components reach the workspace store: one store per app, provided at the root, read
 * with useSyncExternalStore so every view renders from the same snapshot.
 */
import { createContext, useContext, useSyncExternalStore } from 'react';
import type { WorkspaceState, WorkspaceStore } from './workspace-store.ts';

export const WorkspaceContext = createContext<WorkspaceStore | undefined>(undefined);

export function useWorkspaceStore(): WorkspaceStore {
  const store = useContext(WorkspaceContext);
  if (store === undefined) throw new Error('useWorkspaceStore outside <WorkspaceContext>');
  return store;
}

/** The whole state: a new object only when something changed, so it is safe to depend on. */
export function useWorkspaceState(): WorkspaceState {
  const store = useWorkspaceStore();
  return useSyncExternalStore(store.subscribe, store.getState);
}
