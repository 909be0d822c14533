// The browser bench's worker: holds the picked File and, per request, either reads it whole by
// one method (the read ceiling) or decodes it as the dashboard's decode worker does.
import { blobSource, decodeStream } from '../../src/format/index.ts';

export type ReadMethod = 'slice-arrayBuffer' | 'slice-stream-byob' | 'stream-byob' | 'FileReaderSync';

export type BenchRequest = { readonly type: 'file'; readonly file: File } | { readonly type: 'read'; readonly method: ReadMethod; readonly window: number } | { readonly type: 'decode' };

export interface BenchReply {
  readonly ms: number;
  readonly bytes: number;
  readonly error: string | null;
  readonly normalPages: number;
}

declare const FileReaderSync: { new (): { readAsArrayBuffer(blob: Blob): ArrayBuffer } };

let file: File | undefined;

/** Reads `blob` whole into a window-sized buffer; returns a checksum so no read is dead code. */
async function readAll(blob: Blob, method: ReadMethod, window: number): Promise<number> {
  let sum = 0;
  if (method === 'stream-byob') {
    // One stream over the whole file: no per-window slice, the browser picks chunk sizes.
    const reader = blob.stream().getReader({ mode: 'byob' });
    let buf = new Uint8Array(window);
    for (;;) {
      const { done, value } = await reader.read(buf);
      if (value !== undefined) {
        sum += value[0] ?? 0;
        buf = new Uint8Array(value.buffer);
      }
      if (done) break;
    }
    return sum;
  }
  let buf = new Uint8Array(window);
  const frs = method === 'FileReaderSync' ? new FileReaderSync() : undefined;
  for (let at = 0; at < blob.size; at += window) {
    const slice = blob.slice(at, Math.min(blob.size, at + window));
    if (method === 'slice-arrayBuffer') {
      sum += new Uint8Array(await slice.arrayBuffer())[0] ?? 0;
    } else if (frs !== undefined) {
      sum += new Uint8Array(frs.readAsArrayBuffer(slice))[0] ?? 0;
    } else {
      const reader = slice.stream().getReader({ mode: 'byob' });
      let filled = 0;
      while (filled < slice.size) {
        const { done, value } = await reader.read(new Uint8Array(buf.buffer, filled, slice.size - filled));
        // The read transferred the buffer, also when it says done: keep the one it came back in.
        if (value !== undefined) {
          buf = new Uint8Array(value.buffer);
          filled += value.length;
        }
        if (value === undefined || done) break;
      }
      sum += buf[0] ?? 0;
      // Not awaited: a cancel of a stream read to its end has been seen never to settle.
      reader.cancel().catch(() => undefined);
    }
  }
  return sum;
}

self.onmessage = async (e: MessageEvent<BenchRequest>) => {
  const post = (reply: BenchReply): void => (self as unknown as { postMessage(m: unknown): void }).postMessage(reply);
  const req = e.data;
  if (req.type === 'file') {
    file = req.file;
    post({ ms: 0, bytes: file.size, error: null, normalPages: 0 });
    return;
  }
  if (file === undefined) throw new Error('no file');
  const t = performance.now();
  if (req.type === 'read') {
    try {
      await readAll(file, req.method, req.window);
      post({ ms: performance.now() - t, bytes: file.size, error: null, normalPages: 0 });
    } catch (err) {
      post({ ms: performance.now() - t, bytes: file.size, error: `${req.method} ${req.window}: ${String(err)}`, normalPages: 0 });
    }
    return;
  }
  const r = await decodeStream(blobSource(file, file.name));
  post({ ms: performance.now() - t, bytes: r.source.size, error: r.error === undefined ? null : `${r.error.code}: ${r.error.message}`, normalPages: r.ram?.normalPages ?? 0 });
};
