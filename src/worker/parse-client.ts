/**
 * Promise API over the parse worker: one worker per file, terminated when done or cancelled
 * (a cancelled query's AbortSignal), as the decode client does.
 */
import { isParseReply, type Parsed, type ParseAs, type ParseRequest } from './parse-protocol.ts';

let nextId = 1;

export function parseInWorker(blob: Blob, name: string, as: ParseAs, signal?: AbortSignal): Promise<Parsed> {
  if (signal?.aborted === true) return Promise.reject(abortReason(signal));
  const id = nextId++;
  return new Promise<Parsed>((resolve, reject) => {
    const worker = new Worker(new URL('./parse.worker.ts', import.meta.url), { type: 'module', name: `parse ${id}` });
    const finish = (): void => {
      worker.terminate();
      signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = (): void => {
      finish();
      reject(abortReason(signal));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.onmessage = (e: MessageEvent<unknown>) => {
      const reply = e.data;
      if (!isParseReply(reply) || reply.id !== id) return;
      finish();
      if (reply.type === 'parsed') resolve(reply.value);
      else reject(new Error(`could not read ${name}: ${reply.message}`));
    };
    worker.onerror = (e: ErrorEvent) => {
      finish();
      reject(new Error(`parse worker failed: ${e.message || 'could not start'}`));
    };
    const request: ParseRequest = { type: 'parse', id, blob, name, as };
    worker.postMessage(request);
  });
}

function abortReason(signal: AbortSignal | undefined): unknown {
  return signal?.reason ?? new DOMException('parse cancelled', 'AbortError');
}
