import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import type { ReactElement } from 'react';
import { WorkspaceContext } from '../workspace/workspace-context.ts';
import type { WorkspaceStore } from '../workspace/workspace-store.ts';
import { Workspace } from './Workspace.tsx';

export interface AppProps {
  readonly queryClient: QueryClient;
  readonly store: WorkspaceStore;
}

export function App({ queryClient, store }: AppProps): ReactElement {
  return (
    <QueryClientProvider client={queryClient}>
      <WorkspaceContext value={store}>
        <Workspace />
      </WorkspaceContext>
    </QueryClientProvider>
  );
}
