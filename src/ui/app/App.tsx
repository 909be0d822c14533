import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import type { ReactElement } from 'react';
import { Workspace } from './Workspace.tsx';

export interface AppProps {
  readonly queryClient: QueryClient;
}

export function App({ queryClient }: AppProps): ReactElement {
  return (
    <QueryClientProvider client={queryClient}>
      <Workspace />
    </QueryClientProvider>
  );
}
