import { blobSource, decodeStream } from '../../src/format/index.ts';

export interface BenchReply {
  readonly ms: number;
  readonly bytes: number;
  readonly error: string | null;
  readonly normalPages: number;
  readonly progressEvents: number;
}

self.onmessage = async (e: MessageEvent<{ file: File; readOnly: boolean }>) => {
  const { file, readOnly } = e.data;
  const post = (reply: BenchReply): void => (self as unknown as { postMessage(m: unknown): void }).postMessage(reply);
  const t = performance.now();
  if (readOnly) {
    const source = blobSource(file, file.name);
    const window = source.preferredWindow ?? 1 << 20;
    let buf: Uint8Array = new Uint8Array(window);
    for (let at = 0; at < file.size; at += window) {
      const filled = await (source.readInto as NonNullable<typeof source.readInto>)(at, buf.subarray(0, Math.min(window, file.size - at)));
      buf = new Uint8Array(filled.buffer, filled.byteOffset, window);
    }
    post({ ms: performance.now() - t, bytes: file.size, error: null, normalPages: 0, progressEvents: 0 });
    return;
  }
  let progressEvents = 0;
  const r = await decodeStream(blobSource(file, file.name), { onProgress: () => void progressEvents++ });
  post({ ms: performance.now() - t, bytes: r.source.size, error: r.error === undefined ? null : `${r.error.code}: ${r.error.message}`, normalPages: r.ram?.normalPages ?? 0, progressEvents });
};
