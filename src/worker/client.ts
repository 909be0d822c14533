/** Promise API over the decode worker, with progress; see one-shot-worker.ts for cancelling. */
import type { DecodeProgress, DecodeResult, VmstateSchema } from '../format/index.ts';
import { callWorker } from './one-shot-worker.ts';
import { isWorkerReply, type WorkerRequest } from './protocol.ts';

export interface DecodeReply {
  readonly result: DecodeResult;
  /** The inflated QEMU stream, when the file was a gzip container (see ResultReply). */
  readonly streamBytes?: Uint8Array;
}

export interface DecodeCallOptions {
  readonly onProgress?: (progress: DecodeProgress) => void;
  readonly signal?: AbortSignal;
  /** A -dump-vmstate manifest as the schema of sections no vmdesc describes. */
  readonly schema?: VmstateSchema;
}

let nextId = 1;

export function decodeInWorker(blob: Blob, name: string, opts: DecodeCallOptions = {}): Promise<DecodeReply> {
  const id = nextId++;
  const request: WorkerRequest = { type: 'decode', id, blob, name, ...(opts.schema !== undefined ? { schema: opts.schema } : {}) };
  const spawn = (): Worker => new Worker(new URL('./decode.worker.ts', import.meta.url), { type: 'module', name: `decode ${id}` });
  return callWorker<DecodeReply>(
    spawn,
    request,
    'decode',
    (reply) => {
      if (!isWorkerReply(reply) || reply.id !== id) return undefined;
      switch (reply.type) {
        case 'progress':
          opts.onProgress?.(reply.progress);
          return undefined;
        case 'result':
          return { value: reply.streamBytes !== undefined ? { result: reply.result, streamBytes: new Uint8Array(reply.streamBytes) } : { result: reply.result } };
        case 'error':
          return { error: new Error(`decode worker failed: ${reply.message}`) };
      }
    },
    opts.signal,
  );
}
