import { blobSource, decodeStream } from '../../src/format/index.ts';

export interface BenchReply {
  readonly ms: number;
  readonly bytes: number;
  readonly error: string | null;
  readonly normalPages: number;
  readonly progressEvents: number;
}

self.onmessage = async (e: MessageEvent<File>) => {
  const file = e.data;
  let progressEvents = 0;
  const t = performance.now();
  const r = await decodeStream(blobSource(file, file.name), { onProgress: () => void progressEvents++ });
  const reply: BenchReply = { ms: performance.now() - t, bytes: r.source.size, error: r.error === undefined ? null : `${r.error.code}: ${r.error.message}`, normalPages: r.ram?.normalPages ?? 0, progressEvents };
  (self as unknown as { postMessage(m: unknown): void }).postMessage(reply);
};
