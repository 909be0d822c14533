import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.tsx';
import './app/app.css';
import { installIdleProbe } from './app/idle.ts';
import { createQueryClient } from './app/query-client.ts';
import { DEFAULT_SAMPLE_SET, openSample, sampleFromHash } from './app/samples.ts';
import { WorkspaceStore } from './workspace/workspace-store.ts';

const queryClient = createQueryClient();
const store = new WorkspaceStore();
installIdleProbe(queryClient, store);

// The app opens on a sample, decoded at once: something to look at before any file is found.
const initial = sampleFromHash(window.location.hash) ?? DEFAULT_SAMPLE_SET;
void openSample(store, initial);

const rootElement = document.getElementById('root');
if (rootElement === null) throw new Error('index.html has no #root element');
createRoot(rootElement).render(
  <StrictMode>
    <App queryClient={queryClient} store={store} />
  </StrictMode>,
);
