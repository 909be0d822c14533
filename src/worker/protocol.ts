/**
 * Messages between the UI and the decode worker. Every message carries the id of the request
 * it belongs to, so a late reply of an abandoned decode can never be taken for the current one.
 */
import type { DecodeProgress, DecodeResult, VmstateSchema } from '../format/index.ts';

export interface DecodeRequest {
  readonly type: 'decode';
  readonly id: number;
  readonly blob: Blob;
  readonly name: string;
  /** A -dump-vmstate manifest as the schema of sections no vmdesc describes (structured-cloned). */
  readonly schema?: VmstateSchema;
}

export type WorkerRequest = DecodeRequest;

export interface ProgressReply {
  readonly type: 'progress';
  readonly id: number;
  readonly progress: DecodeProgress;
}

export interface ResultReply {
  readonly type: 'result';
  readonly id: number;
  /** Structured-cloned: bigint values and shared node references survive. */
  readonly result: DecodeResult;
  /**
   * The QEMU stream bytes when they exist only inside the worker (a gzip container was
   * inflated there): transferred, not copied. Absent when the file's own bytes are the stream.
   */
  readonly streamBytes?: ArrayBuffer;
}

/** The worker itself failed (not bad input: that is `result.error`). */
export interface ErrorReply {
  readonly type: 'error';
  readonly id: number;
  readonly message: string;
}

export type WorkerReply = ProgressReply | ResultReply | ErrorReply;

export function isWorkerReply(data: unknown): data is WorkerReply {
  if (typeof data !== 'object' || data === null) return false;
  const { type, id } = data as { type?: unknown; id?: unknown };
  return typeof id === 'number' && (type === 'progress' || type === 'result' || type === 'error');
}
