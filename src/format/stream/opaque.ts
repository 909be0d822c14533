/**
 * Without a vmdesc (suppressed, missing or cut) a device body cannot be decoded, but its end
 * can be found: the footer `0x7e be32 section_id` followed by a byte that can start the next
 * top-level record. A heuristic, and said to be one wherever it is used.
 */
import type { Cursor } from '../bytes/cursor.ts';
import { DecodeError } from '../errors.ts';
import { QEMU_VM_COMMAND, QEMU_VM_SECTION_FOOTER } from './constants.ts';

const SCAN_CHUNK = 1 << 20;

function plausibleNext(b: number | undefined): boolean {
  return b === undefined || b <= 0x04 || b === QEMU_VM_COMMAND;
}

/** Returns the offset of the footer byte that ends the body starting at cur.pos. */
export async function findFooter(cur: Cursor, sectionId: number, what: string): Promise<number> {
  const source = cur.source;
  const id = [(sectionId >>> 24) & 0xff, (sectionId >>> 16) & 0xff, (sectionId >>> 8) & 0xff, sectionId & 0xff];
  let at = cur.pos;
  while (at < source.size) {
    const chunk = await source.read(at, Math.min(SCAN_CHUNK + 6, source.size - at));
    const limit = Math.min(chunk.length, SCAN_CHUNK);
    for (let i = 0; i < limit; i++) {
      if (chunk[i] !== QEMU_VM_SECTION_FOOTER) continue;
      if (i + 5 > chunk.length) break;
      if (chunk[i + 1] !== id[0] || chunk[i + 2] !== id[1] || chunk[i + 3] !== id[2] || chunk[i + 4] !== id[3]) continue;
      const next = i + 5 < chunk.length ? chunk[i + 5] : at + i + 5 >= source.size ? undefined : -1;
      if (next === -1 || plausibleNext(next)) return at + i;
    }
    if (chunk.length <= 6) break;
    at += limit;
  }
  throw new DecodeError('UNEXPECTED_EOF', cur.pos, cur.path, `no footer for ${what} before the end of the stream`, `0x7e ${id.map((b) => b.toString(16).padStart(2, '0')).join('')}`, 'end of stream');
}
