/**
 * Random-access byte sources. The decoder needs random access because the vmdesc JSON that
 * describes device state sits at the tail of the stream (read first, used for the sections
 * before it). Node's file-handle source lives in src/cli; this module stays platform-neutral.
 */

export interface ByteSource {
  readonly name: string;
  readonly size: number;
  /** Returns up to `length` bytes at `offset` (fewer only at the end of the source). */
  read(offset: number, length: number): Promise<Uint8Array>;
  /**
   * Optional fast path: fills `target` from `offset` and returns the bytes filled (fewer only
   * at the end of the source). Lets the cursor reuse its window buffers instead of allocating
   * (and zero-filling) one per read. A source may transfer `target`'s buffer (a BYOB stream
   * reader does): the returned view is then over the transferred buffer, and the caller keeps
   * that one and drops `target`.
   */
  readInto?(offset: number, target: Uint8Array): Promise<Uint8Array>;
  /**
   * Optional: a buffer for readInto that this source fills fastest (the Node file source gives
   * page-aligned memory). The cursor then reads offset `o` at index `o % READ_ALIGNMENT` of it,
   * so the buffer's pages line up with the file's: see READ_ALIGNMENT.
   */
  allocate?(length: number): Uint8Array;
  /** The window size this source reads best in (Blob reads have a high fixed cost). */
  readonly preferredWindow?: number;
}

/**
 * Reads copy out of the OS page cache, whose pages are aligned to the file. On this project's
 * VM (AMD EPYC, FSRM) that copy runs 4-5x slower into a buffer misaligned with the file: a warm
 * 631 MiB file read by readSync in 1 MiB windows took 370-530 ms into `new Uint8Array` (glibc
 * puts it 16 bytes past a page), 75-120 ms into page-aligned memory, as fast as `dd`.
 */
export const READ_ALIGNMENT = 4096;

export function bytesSource(bytes: Uint8Array, name = 'memory'): ByteSource {
  return {
    name,
    size: bytes.length,
    read: (offset, length) => {
      const start = Math.max(0, Math.min(offset, bytes.length));
      return Promise.resolve(bytes.subarray(start, Math.min(bytes.length, start + length)));
    },
  };
}

/** Minimal Blob shape, so this module compiles without the DOM library. */
export interface BlobLike {
  readonly size: number;
  slice(start?: number, end?: number): BlobSliceLike;
}

interface BlobSliceLike {
  arrayBuffer(): Promise<ArrayBuffer>;
  /** A byte stream; absent on Blob shapes that only buffer. */
  stream?(): { getReader(options: { mode: 'byob' }): ByobReaderLike };
}

interface ByobReaderLike {
  read(view: Uint8Array): Promise<{ readonly done: boolean; readonly value: Uint8Array | undefined }>;
  releaseLock(): void;
  cancel(): Promise<void>;
}

export function blobSource(blob: BlobLike, name = 'blob'): ByteSource {
  const read = async (offset: number, length: number): Promise<Uint8Array> => {
    const start = Math.max(0, Math.min(offset, blob.size));
    const end = Math.min(blob.size, start + length);
    return new Uint8Array(await blob.slice(start, end).arrayBuffer());
  };
  // The stream the last readInto left off in: the cursor reads forward, so one stream serves a
  // whole decode. Measured on a 631 MiB guest stream in headless Chromium (npm run bench): one
  // stream read into a 16 MiB buffer 0.9 s, a slice and stream per 16 MiB window 1.8 s,
  // slice().arrayBuffer() 2.2 s, FileReaderSync 1.3 s.
  let open: { reader: ByobReaderLike; pos: number } | undefined;
  return {
    name,
    size: blob.size,
    preferredWindow: 16 * 1024 * 1024,
    read,
    // A fresh ArrayBuffer per 16 MiB window piles up faster than the worker collects it
    // (+225 MiB renderer RSS over a 1 GiB decode); a BYOB reader fills the cursor's own buffers.
    readInto: async (offset, target) => {
      const start = Math.max(0, Math.min(offset, blob.size));
      const total = Math.min(blob.size, start + target.length) - start;
      if (open?.pos !== start) {
        // A jump (mapped-ram pages, a seek past a window): drop the stream, start one here.
        open?.reader.cancel().catch(() => undefined);
        open = undefined;
        const slice = blob.slice(start);
        if (slice.stream === undefined) {
          const bytes = await read(start, total);
          target.set(bytes);
          return target.subarray(0, bytes.length);
        }
        open = { reader: slice.stream().getReader({ mode: 'byob' }), pos: start };
      }
      const stream = open;
      // Each read transfers the buffer (the old views read as empty): keep offsets, not views.
      const at = target.byteOffset;
      let buffer = target.buffer;
      let filled = 0;
      try {
        while (filled < total) {
          const { done, value } = await stream.reader.read(new Uint8Array(buffer, at + filled, total - filled));
          if (value !== undefined) {
            buffer = value.buffer;
            filled += value.length;
          }
          if (done || value === undefined) {
            stream.reader.releaseLock();
            open = undefined;
            break;
          }
        }
      } catch (e) {
        open = undefined;
        throw e;
      }
      stream.pos += filled;
      // At the end of the blob, close the browser's side now rather than when collected.
      if (open !== undefined && stream.pos >= blob.size) {
        open = undefined;
        stream.reader.cancel().catch(() => undefined);
      }
      return new Uint8Array(buffer, at, filled);
    },
  };
}

/** A window of another source: the QEMU stream inside a libvirt save file. */
export function subrangeSource(inner: ByteSource, offset: number, name = inner.name): ByteSource {
  const size = Math.max(0, inner.size - offset);
  return {
    name,
    size,
    read: (at, length) => {
      const start = Math.max(0, Math.min(at, size));
      return inner.read(offset + start, Math.min(length, size - start));
    },
  };
}

/**
 * Serves reads in fixed-size chunks, for tests that prove the decoder does not depend on how
 * the bytes arrive.
 */
export function chunkedSource(inner: ByteSource, chunk: number): ByteSource {
  return {
    name: inner.name,
    size: inner.size,
    read: async (offset, length) => {
      const want = Math.min(length, Math.max(0, inner.size - offset));
      const out = new Uint8Array(want);
      let done = 0;
      while (done < want) {
        const part = await inner.read(offset + done, Math.min(chunk, want - done));
        if (part.length === 0) break;
        out.set(part, done);
        done += part.length;
      }
      return done === want ? out : out.subarray(0, done);
    },
  };
}

/** A source that fills caller-owned buffers, like the CLI's file source (tests use it). */
export function bytesSourceWithReadInto(bytes: Uint8Array, name = 'memory'): ByteSource {
  const base = bytesSource(bytes, name);
  return {
    ...base,
    readInto: (offset, target) => {
      const part = bytes.subarray(offset, Math.min(bytes.length, offset + target.length));
      target.set(part);
      return Promise.resolve(target.subarray(0, part.length));
    },
  };
}
