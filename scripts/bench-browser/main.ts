// The browser bench's page: starts the worker, hands it the picked file, and forwards requests.
import type { BenchReply, BenchRequest } from './worker.ts';

declare global {
  interface Window {
    __benchRun?: (req: BenchRequest) => Promise<BenchReply>;
  }
}

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const run = (req: BenchRequest): Promise<BenchReply> =>
  new Promise((resolve) => {
    worker.onmessage = (e: MessageEvent<BenchReply>) => resolve(e.data);
    worker.postMessage(req);
  });
const input = document.getElementById('file') as HTMLInputElement;
input.addEventListener('change', () => {
  const file = input.files?.[0];
  if (file === undefined) return;
  void run({ type: 'file', file }).then(() => {
    window.__benchRun = run;
  });
});
