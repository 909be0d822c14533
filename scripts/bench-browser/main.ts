// Decodes the picked file in a Web Worker, as the dashboard does, and publishes the timing.
import type { BenchReply } from './worker.ts';

declare global {
  interface Window {
    __bench?: BenchReply;
  }
}

const input = document.getElementById('file') as HTMLInputElement;
input.addEventListener('change', () => {
  const file = input.files?.[0];
  if (file === undefined) return;
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  worker.onmessage = (e: MessageEvent<BenchReply>) => {
    window.__bench = e.data;
    (document.getElementById('out') as HTMLElement).textContent = JSON.stringify(e.data);
    worker.terminate();
  };
  // `#read`: only read the file through the same source, the floor the decode can reach.
  worker.postMessage({ file, readOnly: location.hash === '#read' });
});
