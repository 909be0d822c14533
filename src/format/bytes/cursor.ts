/**
 * A forward cursor over a ByteSource. It holds one window of the source and decodes
 * synchronously from it; `need(n)` (async) refills only when the window lacks bytes, so hot
 * loops check `has(n)` first and stay synchronous. Skips past the window never read the
 * skipped bytes: RAM page payloads are seeked over, as analyze-migration.py does.
 */
import { READ_ALIGNMENT, type ByteSource } from './byte-source.ts';
import { DecodeError } from '../errors.ts';

/** 1 MiB: larger windows fall out of the CPU caches and decode slower (npm run bench). */
export const DEFAULT_WINDOW = 1024 * 1024;
/** Consecutive windows share this many bytes, so a record up to this size never needs a re-read. */
const OVERLAP = 64 * 1024;
const NO_BYTES = new Uint8Array(0);

export class Cursor {
  private buf: Uint8Array = new Uint8Array(0);
  private view: DataView = new DataView(this.buf.buffer);
  private bufStart = 0;
  private rel = 0;
  /** Path of the node being decoded, for errors. */
  path: readonly string[] = [];
  /**
   * The next window is requested while the decoder walks the current one, so reading and
   * decoding overlap (Blob reads in a browser cost milliseconds each). Windows overlap by up to
   * OVERLAP bytes, so a record that straddles two windows is still whole in the next one. With
   * a source that fills buffers we own (readInto), two buffers are used in turn instead of a
   * fresh allocation per window.
   */
  private bufs: [Uint8Array, Uint8Array] | undefined;
  private current: 0 | 1 = 0;
  private prefetch: { readonly start: number; readonly index: 0 | 1; readonly data: Promise<Uint8Array> } | undefined;
  private readonly window: number;

  constructor(
    readonly source: ByteSource,
    window?: number,
    start = 0,
  ) {
    this.window = window ?? source.preferredWindow ?? DEFAULT_WINDOW;
    this.bufStart = start;
  }

  get pos(): number {
    return this.bufStart + this.rel;
  }

  get size(): number {
    return this.source.size;
  }

  get remaining(): number {
    return this.source.size - this.pos;
  }

  /** True when the next `n` bytes are already in the window. */
  has(n: number): boolean {
    return this.rel + n <= this.buf.length;
  }

  /** Makes the next `n` bytes available, or fails with UNEXPECTED_EOF naming what was read. */
  async need(n: number, what = `${n} bytes`): Promise<void> {
    if (this.rel + n <= this.buf.length) return;
    const pos = this.pos;
    if (pos + n > this.source.size) {
      throw new DecodeError(
        'UNEXPECTED_EOF',
        pos,
        this.path,
        `stream ends inside ${what}`,
        `${n} bytes`,
        `${Math.max(0, this.source.size - pos)} bytes before the end at 0x${this.source.size.toString(16)}`,
      );
    }
    const length = Math.min(Math.max(n, this.window), this.source.size - pos);
    let data = await this.fill(pos, length, n);
    if (data.length < n) {
      // A source may answer short; gather the rest so the invariant holds.
      const full = new Uint8Array(length);
      full.set(data);
      let done = data.length;
      while (done < n) {
        const part = await this.source.read(pos + done, length - done);
        if (part.length === 0) break;
        full.set(part, done);
        done += part.length;
      }
      if (done < n) {
        throw new DecodeError('UNEXPECTED_EOF', pos, this.path, `source returned short read inside ${what}`);
      }
      data = full.subarray(0, done);
    }
    this.buf = data;
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    this.bufStart = pos;
    this.rel = 0;
  }

  private async fill(pos: number, length: number, n: number): Promise<Uint8Array> {
    if (length > this.window) return this.source.read(pos, length);
    const pf = this.prefetch;
    this.prefetch = undefined;
    let out: Uint8Array | undefined;
    let index: 0 | 1 = this.current === 0 ? 1 : 0;
    if (pf !== undefined) {
      // Always wait: a read still in flight must not race a later read into its buffer.
      const data = await pf.data;
      if (pf.start <= pos && pos + n <= pf.start + data.length) {
        out = data.subarray(pos - pf.start);
        index = pf.index;
      }
    }
    out ??= await this.readWindow(pos, length, index);
    this.current = index;
    const end = pos + out.length;
    if (end < this.source.size) {
      const other: 0 | 1 = index === 0 ? 1 : 0;
      const start = end - Math.min(OVERLAP, out.length >> 1);
      // The overlap is copied from this window, not read again: the source then reads strictly
      // forward (a Blob serves that from one stream, 1.8x faster than a slice per window in
      // Chromium) and 6 % fewer bytes come out of the page cache with 1 MiB windows.
      const data = this.readWindow(start, Math.min(this.window, this.source.size - start), other, out.subarray(start - pos));
      data.catch(() => undefined);
      this.prefetch = { start, index: other, data };
    }
    return out;
  }

  /** Reads [pos, pos + length) into buffer `index`; `carry` holds its first bytes already. */
  private async readWindow(pos: number, length: number, index: 0 | 1, carry: Uint8Array = NO_BYTES): Promise<Uint8Array> {
    const readInto = this.source.readInto;
    if (readInto === undefined) return this.source.read(pos, length);
    const allocate = this.source.allocate;
    // With a source's own buffers, place each read so buffer and file offsets agree modulo
    // READ_ALIGNMENT (the copy from the page cache is several times faster so).
    const skew = allocate === undefined ? 0 : pos % READ_ALIGNMENT;
    const size = allocate === undefined ? this.window : this.window + READ_ALIGNMENT;
    const make = (): Uint8Array => (allocate === undefined ? new Uint8Array(size) : allocate.call(this.source, size));
    const bufs = (this.bufs ??= [make(), make()]);
    const target = bufs[index].subarray(skew, skew + length);
    target.set(carry);
    const filled = await readInto.call(this.source, pos + carry.length, target.subarray(carry.length));
    const at = filled.byteOffset - carry.length;
    // The source may have transferred the buffer (a BYOB reader does): keep the one the bytes are in.
    if (filled.buffer !== bufs[index].buffer) bufs[index] = new Uint8Array(filled.buffer, at - skew, size);
    return new Uint8Array(filled.buffer, at, carry.length + filled.length);
  }

  /** Moves to an absolute offset; reads nothing. */
  seek(offset: number): void {
    const rel = offset - this.bufStart;
    if (rel >= 0 && rel <= this.buf.length) {
      this.rel = rel;
    } else {
      this.buf = new Uint8Array(0);
      this.view = new DataView(this.buf.buffer);
      this.bufStart = offset;
      this.rel = 0;
    }
  }

  skip(n: number): void {
    this.seek(this.pos + n);
  }

  // The readers below assume `need` or `has` covered them.
  peek8(): number {
    return this.buf[this.rel] as number;
  }

  u8(): number {
    return this.buf[this.rel++] as number;
  }

  u16be(): number {
    const v = this.view.getUint16(this.rel);
    this.rel += 2;
    return v;
  }

  u32be(): number {
    const v = this.view.getUint32(this.rel);
    this.rel += 4;
    return v;
  }

  u64be(): bigint {
    const v = this.view.getBigUint64(this.rel);
    this.rel += 8;
    return v;
  }

  /** A be64 as two halves, for the RAM hot loop where bigint is too slow. */
  u64parts(): { hi: number; lo: number } {
    const hi = this.view.getUint32(this.rel);
    const lo = this.view.getUint32(this.rel + 4);
    this.rel += 8;
    return { hi, lo };
  }

  /** A view of the next n bytes; valid until the next `need` (buffers are reused). Copy it to keep it. */
  bytes(n: number): Uint8Array {
    const out = this.buf.subarray(this.rel, this.rel + n);
    this.rel += n;
    return out;
  }

  async readU8(what: string): Promise<number> {
    await this.need(1, what);
    return this.u8();
  }

  async readU16(what: string): Promise<number> {
    await this.need(2, what);
    return this.u16be();
  }

  async readU32(what: string): Promise<number> {
    await this.need(4, what);
    return this.u32be();
  }

  async readU64(what: string): Promise<bigint> {
    await this.need(8, what);
    return this.u64be();
  }

  async readBytes(n: number, what: string): Promise<Uint8Array> {
    await this.need(n, what);
    return this.bytes(n).slice();
  }

  /** `u8 len` + bytes (qemu_get_counted_string). */
  async readCountedString(what: string): Promise<string> {
    await this.need(1, `${what} length`);
    const len = this.u8();
    await this.need(len, what);
    return latin1(this.bytes(len));
  }
}

/**
 * Names in streams are bytes, not UTF-8 guaranteed; decode them as UTF-8 when valid, and
 * keep them displayable (each invalid byte becomes U+FFFD) otherwise.
 */
const utf8 = new TextDecoder('utf-8', { fatal: false });
export function latin1(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}
