/**
 * The `ram` section (migration/ram.c, version 4). Every record starts with a be64 carrying
 * flags in the bits below the target page size and an offset above them. Page payloads are
 * seeked over, never copied; only counts per block are kept. The current block carries across
 * PART/END sections: a CONTINUE record refers to the last block named, even in an earlier section.
 */
import type { ByteSource } from '../bytes/byte-source.ts';
import type { Cursor } from '../bytes/cursor.ts';
import { DecodeError, type Diagnostic } from '../errors.ts';
import type { DecodedNode, MappedRamHeader, RamBlockSummary, RamSummary } from '../model.ts';
import {
  ENCODING_FLAG_XBZRLE,
  RAM_SAVE_FLAG_COMPRESS_PAGE,
  RAM_SAVE_FLAG_CONTINUE,
  RAM_SAVE_FLAG_EOS,
  RAM_SAVE_FLAG_HOOK,
  RAM_SAVE_FLAG_MEM_SIZE,
  RAM_SAVE_FLAG_MULTIFD_FLUSH,
  RAM_SAVE_FLAG_PAGE,
  RAM_SAVE_FLAG_XBZRLE,
  RAM_SAVE_FLAG_ZERO,
} from './constants.ts';

/** More blocks than this in one setup record is not a VM we know how to show. */
const MAX_RAM_BLOCKS = 4096;
/** Bitmaps above this (≈ 2 TiB of 4 KiB pages) are refused rather than read. */
const MAX_BITMAP_BYTES = 64 * 1024 * 1024;

export interface RamState {
  readonly summary: RamSummary;
  readonly byName: Map<string, RamBlockSummary>;
  current: RamBlockSummary | undefined;
  readonly ignoreShared: boolean;
  readonly mappedRam: boolean;
  readonly diagnostics: Diagnostic[];
  readonly onBytes: (pos: number) => void;
}

export function newRamState(
  pageSize: number,
  opts: { ignoreShared: boolean; mappedRam: boolean; diagnostics: Diagnostic[]; onBytes: (pos: number) => void },
): RamState {
  return {
    summary: {
      pageSize,
      totalBytes: 0,
      blocks: [],
      zeroPages: 0,
      normalPages: 0,
      xbzrlePages: 0,
      compressedPages: 0,
      multifdFlushes: 0,
      eosCount: 0,
      records: 0,
    },
    byName: new Map(),
    current: undefined,
    ...opts,
  };
}

interface SectionCounts {
  zero: number;
  normal: number;
  xbzrle: number;
  compressed: number;
  flushes: number;
}

/** Reads RAM records until EOS; appends block nodes (setup) and a records node to `into`. */
export async function decodeRamBody(cur: Cursor, st: RamState, path: readonly string[], into: DecodedNode[]): Promise<void> {
  const pageSize = st.summary.pageSize;
  const flagMask = pageSize - 1;
  const counts: SectionCounts = { zero: 0, normal: 0, xbzrle: 0, compressed: 0, flushes: 0 };
  // Created at the first record after the setup list, and pushed before it is complete, so a
  // section cut short still shows the records read so far.
  let records: DecodedNode | undefined;
  let nextReport = cur.pos + (16 << 20);
  cur.path = path;
  try {
    for (;;) {
      if (!cur.has(8)) await cur.need(8, 'RAM record header');
      const at = cur.pos;
      if (at >= nextReport) {
        st.onBytes(at);
        nextReport = at + (16 << 20);
      }
      const hi = cur.u32be();
      const lo = cur.u32be();
      const flags = lo & flagMask;
      // Offsets stay below 2^53 for any real guest, so plain numbers are exact.
      const addr = hi * 0x1_0000_0000 + ((lo & ~flagMask) >>> 0);

      if (flags & RAM_SAVE_FLAG_MEM_SIZE) {
        if (flags !== RAM_SAVE_FLAG_MEM_SIZE) throw badFlags(at, path, flags);
        await decodeSetup(cur, st, addr, path, into);
        continue;
      }
      if (records === undefined) {
        records = { kind: 'ram-records', name: 'records', path: [...path, 'records'], start: at, end: undefined };
        into.push(records);
      }
      const kind = flags & ~RAM_SAVE_FLAG_CONTINUE;
      if (kind === RAM_SAVE_FLAG_EOS) {
        st.summary.eosCount++;
        records.end = cur.pos;
        break;
      }
      if (kind === RAM_SAVE_FLAG_MULTIFD_FLUSH) {
        st.summary.multifdFlushes++;
        counts.flushes++;
        continue;
      }
      if (kind !== RAM_SAVE_FLAG_ZERO && kind !== RAM_SAVE_FLAG_PAGE && kind !== RAM_SAVE_FLAG_XBZRLE && kind !== RAM_SAVE_FLAG_COMPRESS_PAGE) {
        if (kind === RAM_SAVE_FLAG_HOOK) {
          throw new DecodeError('BAD_RAM_RECORD', at, path, 'RAM_SAVE_FLAG_HOOK (RDMA control) cannot appear in a stored stream', 'a page record', 'HOOK');
        }
        throw badFlags(at, path, flags);
      }
      if (st.mappedRam) {
        throw new DecodeError('BAD_RAM_RECORD', at, path, `page record in a mapped-ram stream (QEMU: "Unexpected RAM flags: ${flags}")`, 'EOS only', `flags 0x${flags.toString(16)}`);
      }
      let block = st.current;
      if ((flags & RAM_SAVE_FLAG_CONTINUE) === 0) {
        if (!cur.has(1)) await cur.need(1, 'RAM block name length');
        const len = cur.u8();
        if (!cur.has(len)) await cur.need(len, 'RAM block name');
        const name = decodeName(cur.bytes(len));
        block = st.byName.get(name);
        if (block === undefined) {
          throw new DecodeError('BAD_RAM_RECORD', at, path, `page record names RAM block '${name}', which the setup record did not list`, 'a block from the setup record', `'${name}'`);
        }
        st.current = block;
      } else if (block === undefined) {
        throw new DecodeError('BAD_RAM_RECORD', at, path, 'CONTINUE record before any named block (QEMU: "Ack, bad migration stream!")', 'a block name', 'CONTINUE');
      }
      if (addr >= block.usedLength) {
        throw new DecodeError('BAD_RAM_RECORD', at, path, `page offset 0x${addr.toString(16)} is past the end of '${block.name}' (0x${block.usedLength.toString(16)} bytes)`, `< 0x${block.usedLength.toString(16)}`, `0x${addr.toString(16)}`);
      }
      st.summary.records++;
      if (kind === RAM_SAVE_FLAG_ZERO) {
        if (!cur.has(1)) await cur.need(1, 'zero page fill byte');
        const fill = cur.u8();
        if (fill !== 0) {
          st.diagnostics.push({ severity: 'warning', code: 'ZERO_PAGE_FILL', offset: cur.pos - 1, message: `zero page with fill byte 0x${fill.toString(16)} (10.x and later reject it: "Found a zero page with value ${fill}")` });
        }
        block.zeroPages++;
        st.summary.zeroPages++;
        counts.zero++;
      } else if (kind === RAM_SAVE_FLAG_PAGE) {
        if (cur.pos + pageSize > cur.size) await cur.need(pageSize, 'RAM page');
        cur.skip(pageSize);
        block.normalPages++;
        st.summary.normalPages++;
        counts.normal++;
      } else if (kind === RAM_SAVE_FLAG_XBZRLE) {
        if (!cur.has(3)) await cur.need(3, 'XBZRLE header');
        const enc = cur.u8();
        const len = cur.u16be();
        if (enc !== ENCODING_FLAG_XBZRLE) {
          throw new DecodeError('BAD_RAM_RECORD', cur.pos - 3, path, 'Failed to load XBZRLE page - wrong compression!', '0x01', `0x${enc.toString(16)}`);
        }
        if (len > pageSize) {
          throw new DecodeError('BAD_RAM_RECORD', cur.pos - 2, path, 'Failed to load XBZRLE page - len overflow!', `<= ${pageSize}`, `${len}`);
        }
        if (cur.pos + len > cur.size) await cur.need(len, 'XBZRLE data');
        cur.skip(len);
        block.xbzrlePages++;
        st.summary.xbzrlePages++;
        counts.xbzrle++;
      } else {
        const len = await cur.readU32('compressed page length');
        // compressBound(page) is a little over the page size; QEMU rejects anything larger.
        if (len === 0 || len > pageSize + (pageSize >> 8) + 64) {
          throw new DecodeError('BAD_RAM_RECORD', cur.pos - 4, path, `Invalid compressed data length: ${len}`, `1..${pageSize}`, `${len}`);
        }
        if (cur.pos + len > cur.size) await cur.need(len, 'compressed page');
        cur.skip(len);
        block.compressedPages++;
        st.summary.compressedPages++;
        counts.compressed++;
      }
    }
  } finally {
    if (records !== undefined) {
      records.value = counts.zero + counts.normal + counts.xbzrle + counts.compressed;
      records.note = describeCounts(counts, records.end !== undefined);
    }
  }
}

function describeCounts(c: SectionCounts, complete: boolean): string {
  const parts = [`${c.normal} normal`, `${c.zero} zero`];
  if (c.xbzrle > 0) parts.push(`${c.xbzrle} XBZRLE`);
  if (c.compressed > 0) parts.push(`${c.compressed} compressed`);
  let text = `${parts.join(', ')} pages`;
  if (c.flushes > 0) text += `, ${c.flushes} multifd flushes`;
  return complete ? `${text}, then EOS` : `${text} before the cut`;
}

function badFlags(at: number, path: readonly string[], flags: number): DecodeError {
  return new DecodeError('BAD_RAM_RECORD', at, path, `Unknown combination of migration flags: 0x${flags.toString(16)}`, 'one of ZERO, PAGE, XBZRLE, MEM_SIZE, EOS, MULTIFD_FLUSH (+CONTINUE)', `0x${flags.toString(16)}`);
}

const utf8 = new TextDecoder();
function decodeName(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}

/** The setup record: total size, then `name, used_length[, mr_addr][, MappedRamHeader]` per block. */
async function decodeSetup(cur: Cursor, st: RamState, total: number, path: readonly string[], into: DecodedNode[]): Promise<void> {
  st.summary.totalBytes = total;
  let remaining = total;
  while (remaining > 0) {
    if (st.summary.blocks.length >= MAX_RAM_BLOCKS) {
      throw new DecodeError('LIMIT_EXCEEDED', cur.pos, path, `more than ${MAX_RAM_BLOCKS} RAM blocks in the setup record`);
    }
    const start = cur.pos;
    const name = await cur.readCountedString('RAM block name');
    const usedBig = await cur.readU64(`used_length of '${name}'`);
    if (usedBig > BigInt(Number.MAX_SAFE_INTEGER) || usedBig === 0n || Number(usedBig) > remaining) {
      throw new DecodeError('BAD_RAM_RECORD', start, [...path, name], `RAM block '${name}' length 0x${usedBig.toString(16)} does not fit the total 0x${remaining.toString(16)} left`, `<= 0x${remaining.toString(16)}`, `0x${usedBig.toString(16)}`);
    }
    const usedLength = Number(usedBig);
    let mrAddr: bigint | undefined;
    if (st.ignoreShared) mrAddr = await cur.readU64(`mr_addr of '${name}'`);
    let mappedRam: MappedRamHeader | undefined;
    if (st.mappedRam) mappedRam = await readMappedRamHeader(cur, st, name, usedLength, path);
    const block: RamBlockSummary = {
      name,
      usedLength,
      offset: start,
      zeroPages: 0,
      normalPages: 0,
      xbzrlePages: 0,
      compressedPages: 0,
      ...(mrAddr !== undefined ? { mrAddr } : {}),
      ...(mappedRam !== undefined ? { mappedRam } : {}),
    };
    if (mappedRam?.pagesSet !== undefined) {
      block.normalPages = mappedRam.pagesSet;
      st.summary.normalPages += mappedRam.pagesSet;
    }
    st.summary.blocks.push(block);
    st.byName.set(name, block);
    const node: DecodedNode = {
      kind: 'ram-block',
      name,
      path: [...path, name],
      start,
      end: start + 1 + name.length + 8,
      value: usedLength,
      note: `${formatBytes(usedLength)}${mappedRam !== undefined ? `, mapped-ram pages at 0x${mappedRam.pagesOffset.toString(16)}` : ''}`,
    };
    into.push(node);
    remaining -= usedLength;
  }
}

async function readMappedRamHeader(cur: Cursor, st: RamState, name: string, usedLength: number, path: readonly string[]): Promise<MappedRamHeader> {
  const at = cur.pos;
  await cur.need(28, `mapped-ram header of '${name}'`);
  const version = cur.u32be();
  const pageSize = Number(cur.u64be());
  const bitmapOffset = Number(cur.u64be());
  const pagesOffset = Number(cur.u64be());
  if (version !== 1) {
    throw new DecodeError('BAD_RAM_RECORD', at, [...path, name], `mapped-ram header version ${version} not supported`, '1', `${version}`);
  }
  if (pageSize !== st.summary.pageSize) {
    throw new DecodeError('BAD_RAM_RECORD', at + 4, [...path, name], `mapped-ram header has invalid page_size ${pageSize}`, `${st.summary.pageSize}`, `${pageSize}`);
  }
  const header: MappedRamHeader = { version, pageSize, bitmapOffset, pagesOffset };
  if (bitmapOffset === 0 && pagesOffset === 0) return header; // shared block under x-ignore-shared
  const pages = Math.ceil(usedLength / pageSize);
  const bitmapBytes = Math.ceil(pages / 64) * 8;
  if (bitmapBytes > MAX_BITMAP_BYTES) {
    throw new DecodeError('LIMIT_EXCEEDED', at, [...path, name], `mapped-ram bitmap of ${bitmapBytes} bytes`);
  }
  if (bitmapOffset + bitmapBytes > cur.size || pagesOffset + usedLength > cur.size) {
    throw new DecodeError('UNEXPECTED_EOF', at, [...path, name], `mapped-ram region of '${name}' runs past the end of the stream`, `0x${(pagesOffset + usedLength).toString(16)}`, `0x${cur.size.toString(16)}`);
  }
  header.pagesSet = await countBits(cur.source, bitmapOffset, bitmapBytes, pages);
  cur.seek(pagesOffset + usedLength);
  return header;
}

async function countBits(source: ByteSource, offset: number, length: number, pages: number): Promise<number> {
  const bitmap = await source.read(offset, length);
  let n = 0;
  for (let i = 0; i < bitmap.length; i++) {
    let b = bitmap[i] as number;
    // Bits past num_pages are padding of the last host long.
    const base = i * 8;
    if (base + 8 > pages) b &= (1 << Math.max(0, pages - base)) - 1;
    while (b !== 0) {
      b &= b - 1;
      n++;
    }
  }
  return n;
}

function formatBytes(n: number): string {
  if (n >= 1 << 30 && n % (1 << 30) === 0) return `${n / (1 << 30)} GiB`;
  if (n >= 1 << 20 && n % (1 << 20) === 0) return `${n / (1 << 20)} MiB`;
  if (n >= 1 << 10 && n % (1 << 10) === 0) return `${n / (1 << 10)} KiB`;
  return `${n} bytes`;
}
