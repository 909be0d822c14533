/**
 * Iterative sections besides `ram` whose framing QEMU's source fixes, decoded record by record
 * instead of scanned for their footer. Both are read by analyze-migration.py too (HTABSection,
 * S390StorageAttributes), and their wire format is the same in 5.2, 7.2, 10.0 and 11.1.
 *
 * `spapr/htab` (hw/ppc/spapr.c, version 1): every START/PART/END body opens with a be32 header.
 *   htab_save_setup writes htab_shift (log2 of the hash table's size), or -1 when the guest has
 *   no hash table (radix); htab_save_iterate / _complete write 0 (or -1), then chunks
 *   `be32 index, be16 n_valid, be16 n_invalid, n_valid x 16-byte HPTEs` (htab_save_chunk)
 *   and the end marker 0/0/0 (htab_save_end_marker). htab_load reads exactly this.
 * `s390-storage_attributes` (hw/s390x/s390-stattrib.c, version 0): be64 records `address |
 *   flags` (flags in the bits below the 4 KiB target page): MORE is followed by be64 count and
 *   count attribute bytes, DONE marks the end of precopy, EOS ends the body (cmma_save,
 *   cmma_load).
 */
import type { Cursor } from '../bytes/cursor.ts';
import type { Diagnostic } from '../errors.ts';
import type { DecodedNode } from '../model.ts';

/** What one iterative handler keeps from section to section (the hash table's size). */
export interface IterativeState {
  htabShift?: number;
}

export interface IterativeHandler {
  /** The version its loader accepts (htab_load, cmma_load): another one is left opaque. */
  readonly version: number;
  readonly decode: (cur: Cursor, st: IterativeState, path: readonly string[], into: DecodedNode[], diagnostics: Diagnostic[]) => Promise<void>;
}

/** Section idstr (instance 0) -> handler; QEMU registers both with these names. */
const HANDLERS: Readonly<Record<string, IterativeHandler>> = {
  'spapr/htab': { version: 1, decode: decodeHtabBody },
  's390-storage_attributes': { version: 0, decode: decodeStorageAttributesBody },
};

export function iterativeHandlerFor(idstr: string, instanceId: number): IterativeHandler | undefined {
  return instanceId === 0 && Object.hasOwn(HANDLERS, idstr) ? HANDLERS[idstr] : undefined;
}

/** Chunk nodes kept per section; a larger hash table is counted, not listed. */
const MAX_CHUNK_NODES = 4096;
const HASH_PTE_SIZE_64 = 16;
/** `htab_shift` is at most 46 in QEMU (spapr_hpt_shift_for_ramsize, SPAPR_MAX_HPT_SHIFT). */
const MAX_HTAB_SHIFT = 46;

type Leaf = (name: string, start: number, end: number, type: string, value: DecodedNode['value'], note?: string) => DecodedNode;

function leafMaker(path: readonly string[]): Leaf {
  return (name, start, end, type, value, note) => ({ kind: 'field', name, path: [...path, name], start, end, type, value, ...(note !== undefined ? { note } : {}) });
}

async function skipPayload(cur: Cursor, length: number, what: string): Promise<void> {
  if (cur.pos + length > cur.size) await cur.need(length, what);
  cur.skip(length);
}

async function decodeHtabBody(cur: Cursor, st: IterativeState, path: readonly string[], into: DecodedNode[], diagnostics: Diagnostic[]): Promise<void> {
  const leaf = leafMaker(path);
  const at = cur.pos;
  const header = await cur.readU32('htab section header');
  if (header === 0xffffffff) {
    into.push(leaf('header', at, cur.pos, 'int32', -1, 'no hash page table (a radix guest): nothing follows'));
    return;
  }
  if (header !== 0) {
    if (header > MAX_HTAB_SHIFT) {
      diagnostics.push({ severity: 'warning', code: 'HTAB_SHIFT_UNLIKELY', offset: at, message: `spapr/htab: htab_shift ${header} is larger than QEMU allows (${MAX_HTAB_SHIFT}); spapr_reallocate_hpt() would refuse it` });
    }
    st.htabShift = header;
    into.push(leaf('htab_shift', at, cur.pos, 'uint32', header, `the hash table is 2^${header} bytes (${2 ** Math.max(0, header - 4)} HPTEs of 16 bytes); htab_save_setup`));
    return;
  }
  into.push(leaf('header', at, cur.pos, 'uint32', 0, 'HPTE chunks follow (htab_save_iterate / htab_save_complete)'));
  const chunks: DecodedNode[] = [];
  // Listed from the first chunk on (a section cut short still shows what was read).
  const chunksNode: DecodedNode = { kind: 'struct', name: 'chunks', path: [...path, 'chunks'], start: cur.pos, end: undefined, type: 'htab chunks', children: chunks };
  const slots = st.htabShift !== undefined && st.htabShift <= MAX_HTAB_SHIFT ? 2 ** st.htabShift / HASH_PTE_SIZE_64 : undefined;
  let count = 0;
  let valid = 0;
  let invalid = 0;
  for (;;) {
    const start = cur.pos;
    await cur.need(8, 'htab chunk header');
    const index = cur.u32be();
    const nValid = cur.u16be();
    const nInvalid = cur.u16be();
    if (index === 0 && nValid === 0 && nInvalid === 0) {
      chunksNode.end = start;
      chunksNode.note = `${count} chunks: ${valid} valid HPTEs sent, ${invalid} cleared${count > MAX_CHUNK_NODES ? `; the first ${MAX_CHUNK_NODES} are listed` : ''}`;
      into.push(leaf('end', start, cur.pos, 'htab end marker', 0, 'index 0, n_valid 0, n_invalid 0 (htab_save_end_marker)'));
      break;
    }
    if (slots !== undefined && index + nValid + nInvalid > slots) {
      diagnostics.push({
        severity: 'warning',
        code: 'HTAB_BAD_INDEX',
        offset: start,
        message: `spapr/htab: chunk at index ${index} with ${nValid}+${nInvalid} entries runs past the ${slots} HPTEs of htab_shift ${st.htabShift}; QEMU: "htab_load() bad index"`,
      });
    }
    if (count === 0) into.push(chunksNode);
    await skipPayload(cur, nValid * HASH_PTE_SIZE_64, `${nValid} HPTEs`);
    count++;
    valid += nValid;
    invalid += nInvalid;
    if (chunks.length < MAX_CHUNK_NODES) {
      const cp = [...chunksNode.path, `chunk[${count - 1}]`];
      const cl = leafMaker(cp);
      chunks.push({
        kind: 'struct',
        name: `chunk[${count - 1}]`,
        path: cp,
        start,
        end: cur.pos,
        type: 'htab chunk',
        children: [
          cl('index', start, start + 4, 'uint32', index),
          cl('n_valid', start + 4, start + 6, 'uint16', nValid),
          cl('n_invalid', start + 6, start + 8, 'uint16', nInvalid, nInvalid > 0 ? 'these HPTEs are cleared on load: no bytes follow for them' : undefined),
          ...(nValid > 0 ? [cl('hptes', start + 8, cur.pos, 'buffer', { offset: start + 8, length: nValid * HASH_PTE_SIZE_64 })] : []),
        ],
      });
    }
  }
}

const STATTR_FLAG_EOS = 0x01;
const STATTR_FLAG_MORE = 0x02;
const STATTR_FLAG_ERROR = 0x04;
const STATTR_FLAG_DONE = 0x08;
/** s390x's target page is 4 KiB: the flags are the bits below it (TARGET_PAGE_MASK). */
const S390_PAGE_MASK = 0xfff;

async function decodeStorageAttributesBody(cur: Cursor, _st: IterativeState, path: readonly string[], into: DecodedNode[], diagnostics: Diagnostic[]): Promise<void> {
  const leaf = leafMaker(path);
  let blocks = 0;
  for (;;) {
    const start = cur.pos;
    await cur.need(8, 'storage attribute record');
    const hi = cur.u32be();
    const lo = cur.u32be();
    const flags = lo & S390_PAGE_MASK;
    // Guest addresses stay below 2^53: plain numbers are exact.
    const addr = hi * 0x1_0000_0000 + ((lo & ~S390_PAGE_MASK) >>> 0);
    if (flags === STATTR_FLAG_EOS) {
      into.push(leaf('eos', start, cur.pos, 'stattr flags', flags, 'STATTR_FLAG_EOS: end of this section'));
      return;
    }
    if (flags === STATTR_FLAG_DONE) {
      into.push(leaf('done', start, cur.pos, 'stattr flags', flags, 'STATTR_FLAG_DONE: precopy of the attributes is complete'));
      continue;
    }
    if (flags === STATTR_FLAG_MORE) {
      const count = await cur.readU64('storage attribute count');
      // Bounded by the stream: a count past its end fails as UNEXPECTED_EOF in skipPayload.
      const n = count > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(count);
      const p = [...path, `block[${blocks}]`];
      const bl = leafMaker(p);
      await skipPayload(cur, n, `${n} storage attribute bytes`);
      into.push({
        kind: 'struct',
        name: `block[${blocks}]`,
        path: p,
        start,
        end: cur.pos,
        type: 'stattr block',
        note: `attributes of ${n} pages from guest frame ${addr / 4096}`,
        children: [
          bl('address', start, start + 8, 'uint64', BigInt(addr), 'STATTR_FLAG_MORE | first page address'),
          bl('count', start + 8, start + 16, 'uint64', count),
          bl('attributes', start + 16, cur.pos, 'buffer', { offset: start + 16, length: n }),
        ],
      });
      blocks++;
      continue;
    }
    // cmma_load refuses anything else; ERROR means the source could not read the attributes.
    diagnostics.push({
      severity: 'warning',
      code: 'STATTR_BAD_FLAGS',
      offset: start,
      message:
        flags === STATTR_FLAG_ERROR
          ? 's390-storage_attributes: STATTR_FLAG_ERROR; QEMU: "Storage attributes data is incomplete"'
          : `s390-storage_attributes: flags 0x${flags.toString(16)}; QEMU: "Unexpected storage attribute flag data: 0x${flags.toString(16)}"`,
    });
    cur.seek(start);
    throw new IterativeRecordUnknown(start);
  }
}

/** A record the handler's loader refuses: the caller finds the footer instead. */
export class IterativeRecordUnknown extends Error {
  constructor(readonly offset: number) {
    super(`unknown iterative record at 0x${offset.toString(16)}`);
  }
}
