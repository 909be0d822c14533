/**
 * gzip through the platform's DecompressionStream (browsers, workers and Node 18+ all have
 * it), so the format layer needs no dependency and no Node module. A gzip file has no random
 * access, so the inflated stream is held in memory, bounded by `maxBytes`.
 */
import { DecodeError } from '../errors.ts';
import type { ByteSource } from './byte-source.ts';

export const GZIP_MAGIC0 = 0x1f;
export const GZIP_MAGIC1 = 0x8b;
export const MAX_INFLATED_BYTES = 1024 * 1024 * 1024;

interface StreamReader {
  read(): Promise<{ done: boolean; value?: Uint8Array }>;
  releaseLock(): void;
}
interface StreamWriter {
  write(chunk: Uint8Array): Promise<void>;
  close(): Promise<void>;
  abort(reason?: unknown): Promise<void>;
}
interface Transform {
  readonly readable: { getReader(): StreamReader };
  readonly writable: { getWriter(): StreamWriter };
}
type DecompressionCtor = new (format: 'gzip') => Transform;

export function isGzip(head: Uint8Array): boolean {
  return head[0] === GZIP_MAGIC0 && head[1] === GZIP_MAGIC1;
}

export async function inflateGzip(source: ByteSource, offset = 0, maxBytes = MAX_INFLATED_BYTES): Promise<Uint8Array> {
  const Ctor = (globalThis as unknown as { DecompressionStream?: DecompressionCtor }).DecompressionStream;
  if (Ctor === undefined) {
    throw new DecodeError('BAD_COMPRESSION', offset, ['gzip'], 'this platform cannot decompress gzip (no DecompressionStream)');
  }
  const ds = new Ctor('gzip');
  const writer = ds.writable.getWriter();
  const reader = ds.readable.getReader();
  // Feed and drain concurrently: the transform applies backpressure to the writer.
  const feeding = (async () => {
    const step = 1 << 20;
    for (let at = offset; at < source.size; at += step) {
      await writer.write(await source.read(at, Math.min(step, source.size - at)));
    }
    await writer.close();
  })();
  feeding.catch(() => undefined);
  const parts: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (value === undefined) continue;
      total += value.length;
      if (total > maxBytes) {
        await writer.abort('too large').catch(() => undefined);
        throw new DecodeError('LIMIT_EXCEEDED', offset, ['gzip'], `gzip stream inflates to more than ${maxBytes} bytes; gunzip it first`);
      }
      parts.push(value);
    }
    await feeding;
  } catch (e) {
    if (e instanceof DecodeError) throw e;
    throw new DecodeError('BAD_COMPRESSION', offset, ['gzip'], `gzip data is damaged after ${total} inflated bytes: ${e instanceof Error ? e.message : String(e)}`);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
