/**
 * Lazily read bytes of a Blob-backed stream in fixed pages, keeping the most recently used
 * ones: the hex view only ever shows a few hundred bytes of a file that may be gigabytes.
 */
import type { HexSource } from './hex-source.ts';

export const PAGE_SIZE = 64 * 1024;
const MAX_PAGES = 64;

export class BytePages {
  private readonly pages = new Map<number, Uint8Array>();
  private readonly loading = new Map<number, Promise<void>>();

  constructor(private readonly source: HexSource) {}

  get size(): number {
    return this.source.size;
  }

  /** The byte at `offset`, or undefined while its page is not loaded (or past the end). */
  byteAt(offset: number): number | undefined {
    if (offset < 0 || offset >= this.source.size) return undefined;
    if (this.source.kind === 'memory') return this.source.bytes[offset];
    const page = this.pages.get(Math.floor(offset / PAGE_SIZE));
    return page?.[offset % PAGE_SIZE];
  }

  /** Starts loading the pages covering [from, to); resolves when all are there, or undefined if they already are. */
  ensure(from: number, to: number): Promise<void> | undefined {
    const source = this.source;
    if (source.kind === 'memory') return undefined;
    const first = Math.floor(Math.max(0, from) / PAGE_SIZE);
    const last = Math.floor((Math.min(to, source.size) - 1) / PAGE_SIZE);
    const waits: Promise<void>[] = [];
    for (let p = first; p <= last; p++) {
      const page = this.pages.get(p);
      if (page !== undefined) {
        // Refresh its place in the LRU order.
        this.pages.delete(p);
        this.pages.set(p, page);
        continue;
      }
      let load = this.loading.get(p);
      if (load === undefined) {
        const start = source.offset + p * PAGE_SIZE;
        const end = Math.min(source.offset + source.size, start + PAGE_SIZE);
        load = source.blob
          .slice(start, end)
          .arrayBuffer()
          .then((buf) => {
            this.pages.set(p, new Uint8Array(buf));
            this.evict();
          })
          .finally(() => this.loading.delete(p));
        this.loading.set(p, load);
      }
      waits.push(load);
    }
    return waits.length > 0 ? Promise.all(waits).then(() => undefined) : undefined;
  }

  private evict(): void {
    while (this.pages.size > MAX_PAGES) {
      const oldest = this.pages.keys().next().value;
      if (oldest === undefined) return;
      this.pages.delete(oldest);
    }
  }
}
