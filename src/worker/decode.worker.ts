/**
 * Decodes one file off the main thread. Thin on purpose: all format knowledge is in
 * src/format; this only moves bytes and results across the thread boundary.
 */
import { blobSource, decodeOpened, decodeStream, openStream, type DecodeProgress, type DecodeResult, type OpenedStream, type VmstateSchema } from '../format/index.ts';
import type { WorkerReply, WorkerRequest } from './protocol.ts';

/** The DOM lib is loaded project-wide, so describe the worker scope we use by hand. */
interface WorkerScope {
  onmessage: ((e: MessageEvent<WorkerRequest>) => void) | null;
  postMessage(message: WorkerReply, transfer?: Transferable[]): void;
}

const scope = self as unknown as WorkerScope;

/** Progress is cheap to compute but each message costs a main-thread render. */
const PROGRESS_INTERVAL_MS = 50;

scope.onmessage = (e) => {
  const req = e.data;
  if (req.type !== 'decode') return;
  decode(req.id, req.blob, req.name, req.schema).catch((err: unknown) => {
    scope.postMessage({ type: 'error', id: req.id, message: err instanceof Error ? err.message : String(err) });
  });
};

async function decode(id: number, blob: Blob, name: string, schema: VmstateSchema | undefined): Promise<void> {
  let lastPost = 0;
  const onProgress = (progress: DecodeProgress): void => {
    const now = performance.now();
    if (now - lastPost < PROGRESS_INTERVAL_MS) return;
    lastPost = now;
    scope.postMessage({ type: 'progress', id, progress });
  };

  const file = blobSource(blob, name);
  let opened: OpenedStream;
  try {
    opened = await openStream(file);
  } catch {
    // decodeStream turns a container error into a result with `error` set.
    const result = await decodeStream(file, { onProgress, ...(schema !== undefined ? { schema } : {}) });
    scope.postMessage({ type: 'result', id, result });
    return;
  }
  const result: DecodeResult = await decodeOpened(name, opened, { onProgress, ...(schema !== undefined ? { schema } : {}) });
  scope.postMessage({ type: 'progress', id, progress: { bytesRead: result.source.size, bytesTotal: result.source.size, sections: result.sections.length } });

  if (opened.container === 'gzip' || opened.container === 'libvirt+gzip') {
    const bytes = await opened.source.read(0, opened.source.size);
    const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
    const streamBytes = whole ? (bytes.buffer as ArrayBuffer) : bytes.slice().buffer;
    scope.postMessage({ type: 'result', id, result, streamBytes }, [streamBytes]);
    return;
  }
  scope.postMessage({ type: 'result', id, result });
}
