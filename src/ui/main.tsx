import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.tsx';
import './app/app.css';
import { installIdleProbe } from './app/idle.ts';
import { createQueryClient } from './app/query-client.ts';

const queryClient = createQueryClient();
installIdleProbe(queryClient);

const rootElement = document.getElementById('root');
if (rootElement === null) throw new Error('index.html has no #root element');
createRoot(rootElement).render(
  <StrictMode>
    <App queryClient={queryClient} />
  </StrictMode>,
);
