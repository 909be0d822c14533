/**
 * Promise API over the decode worker. Each decode gets its own worker: cancelling terminates
 * it, which stops even a gzip inflate that has no abort point, and frees its memory at once.
 */
import type { DecodeProgress, DecodeResult } from '../format/index.ts';
import { isWorkerReply, type WorkerRequest } from './protocol.ts';

export interface DecodeReply {
  readonly result: DecodeResult;
  /** The inflated QEMU stream, when the file was a gzip container (see ResultReply). */
  readonly streamBytes?: Uint8Array;
}

export interface DecodeCallOptions {
  readonly onProgress?: (progress: DecodeProgress) => void;
  readonly signal?: AbortSignal;
}

let nextId = 1;

export function decodeInWorker(blob: Blob, name: string, opts: DecodeCallOptions = {}): Promise<DecodeReply> {
  const { signal, onProgress } = opts;
  if (signal?.aborted === true) return Promise.reject(abortReason(signal));
  const id = nextId++;
  return new Promise<DecodeReply>((resolve, reject) => {
    const worker = new Worker(new URL('./decode.worker.ts', import.meta.url), { type: 'module', name: `decode ${id}` });
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
      if (!isWorkerReply(reply) || reply.id !== id) return;
      switch (reply.type) {
        case 'progress':
          onProgress?.(reply.progress);
          return;
        case 'result':
          finish();
          resolve(reply.streamBytes !== undefined ? { result: reply.result, streamBytes: new Uint8Array(reply.streamBytes) } : { result: reply.result });
          return;
        case 'error':
          finish();
          reject(new Error(`decode worker failed: ${reply.message}`));
          return;
      }
    };
    worker.onerror = (e: ErrorEvent) => {
      finish();
      reject(new Error(`decode worker failed: ${e.message || 'could not start'}`));
    };
    worker.onmessageerror = () => {
      finish();
      reject(new Error('decode worker sent a message that could not be received'));
    };
    const request: WorkerRequest = { type: 'decode', id, blob, name };
    worker.postMessage(request);
  });
}

function abortReason(signal: AbortSignal | undefined): unknown {
  return signal?.reason ?? new DOMException('decode cancelled', 'AbortError');
}
