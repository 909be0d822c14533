/**
 * The vmdesc trailer: `0x06 be32 len JSON` after EOF (qemu_savevm_state_complete_precopy_
 * non_iterable() in migration/savevm.c). It is not self-delimited, and it describes sections
 * that come before it, so we find it from the tail first: the last position p where
 * byte[p] = 0x06, be32 at p+1 runs exactly to the end, and the JSON starts with '{'.
 */
import type { ByteSource } from '../bytes/byte-source.ts';
import { DecodeError, type Diagnostic } from '../errors.ts';
import type { VmdescDevice, VmdescField, VmdescJson, VmdescVmsd } from '../model.ts';
import { QEMU_VM_VMDESCRIPTION } from '../stream/constants.ts';

/** Real trailers are 11 - 117 KB; anything near this bound is not a vmdesc we can use. */
export const VMDESC_TAIL_SCAN = 16 * 1024 * 1024;
/** Deeper nesting than this is hostile input, not a device. */
export const VMDESC_MAX_DEPTH = 64;

export interface LocatedVmdesc {
  readonly start: number;
  readonly jsonStart: number;
  readonly jsonLength: number;
}

/** Backward scan for a trailer that ends exactly at the end of the source. */
export async function locateVmdesc(source: ByteSource): Promise<LocatedVmdesc | undefined> {
  // Read the tail in growing steps: a real trailer is found in the first 256 KiB, so a decode
  // no longer reads (and allocates) 16 MiB up front (1 GiB guest: 16 MiB less RSS, ~10 ms).
  // A position that failed in a shorter tail fails in a longer one (the test is relative to
  // the end), so each step scans only what the previous one did not.
  let scanned = 0;
  for (let tailLen = Math.min(source.size, 256 * 1024); ; tailLen = Math.min(source.size, VMDESC_TAIL_SCAN, tailLen * 4)) {
    const base = source.size - tailLen;
    const tail = await source.read(base, tailLen);
    // The JSON ends with '}' in every real trailer; cheap reject before scanning.
    if (tail.length < 6 || tail[tail.length - 1] !== 0x7d) return undefined;
    const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
    for (let p = tail.length - 7 - Math.max(0, scanned - 7); p >= 0; p--) {
      if (tail[p] !== QEMU_VM_VMDESCRIPTION || tail[p + 5] !== 0x7b) continue;
      const len = view.getUint32(p + 1);
      if (p + 5 + len === tail.length) {
        return { start: base + p, jsonStart: base + p + 5, jsonLength: len };
      }
    }
    if (tailLen >= Math.min(source.size, VMDESC_TAIL_SCAN)) return undefined;
    scanned = tailLen;
  }
}

/**
 * Parses the JSON and checks the shape every decode relies on: an object with `page_size` and a
 * `devices` array. The entries inside a device are checked only when its section is decoded
 * (body.ts), so that one odd entry (7.2's struct without fields for a NULL pointer, an unknown
 * shape) costs that device, not the description: see {@link usableDevices}.
 */
export function parseVmdesc(text: string, offset: number): VmdescJson {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new DecodeError(
      'VMDESCRIPTION_INVALID',
      offset,
      ['vmdesc'],
      `vmdesc is not valid JSON: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  const fail = (jsonPath: string, message: string): never => {
    throw new DecodeError('VMDESCRIPTION_INVALID', offset, ['vmdesc', jsonPath], message);
  };
  if (!isObject(raw)) return fail('$', 'vmdesc is not a JSON object');
  const pageSize = raw['page_size'];
  if (typeof pageSize !== 'number' || !Number.isInteger(pageSize) || pageSize < 512 || pageSize > 1 << 26 || (pageSize & (pageSize - 1)) !== 0) {
    return fail('$.page_size', `page_size must be a power of two between 512 and 64 MiB, got ${JSON.stringify(pageSize)}`);
  }
  if (!Array.isArray(raw['devices'])) return fail('$.devices', 'devices must be an array');
  return raw as unknown as VmdescJson;
}

/**
 * The device entries a section can be matched with (an object with a string `name` and a
 * numeric `instance_id`); the others are reported and left as holes, so that positions still
 * line up with the sections (the matcher falls back on position for a damaged header).
 */
export function usableDevices(json: VmdescJson, offset: number, diagnostics: Diagnostic[]): (VmdescDevice | undefined)[] {
  return (json.devices as readonly unknown[]).map((d, i) => {
    if (isObject(d) && typeof d['name'] === 'string' && typeof d['instance_id'] === 'number') {
      return d as unknown as VmdescDevice;
    } else {
      diagnostics.push({
        severity: 'warning',
        code: 'VMDESC_ENTRY_UNUSABLE',
        offset,
        message: `vmdesc devices[${i}] has no string 'name' and numeric 'instance_id', so no section can use it`,
      });
      return undefined;
    }
  });
}

/**
 * Why a field entry of the vmdesc cannot be followed, or undefined when it can. Checked as each
 * entry is decoded; the caller degrades the device from that entry on.
 */
export function fieldEntryProblem(f: unknown): string | undefined {
  if (!isObject(f)) return 'the entry is not an object';
  if (typeof f['name'] !== 'string') return "the entry has no string 'name'";
  if (typeof f['type'] !== 'string') return "the entry has no string 'type'";
  const size = f['size'];
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) return `'size' must be a non-negative integer, not ${JSON.stringify(size)}`;
  const arrayLen = f['array_len'];
  if (arrayLen !== undefined && (typeof arrayLen !== 'number' || !Number.isSafeInteger(arrayLen) || arrayLen < 0)) {
    return `'array_len' must be a non-negative integer, not ${JSON.stringify(arrayLen)}`;
  }
  const struct = f['struct'];
  if (struct !== undefined && !isObject(struct)) return "'struct' is not an object";
  if (struct === undefined && f['fields'] !== undefined && !Array.isArray(f['fields'])) return "the inline 'fields' is not a list";
  return undefined;
}

/** Why a description (device, struct or subsection) cannot be followed, or undefined. */
export function vmsdEntryProblem(v: unknown): string | undefined {
  if (!isObject(v)) return 'the description is not an object';
  if (!Array.isArray(v['fields'])) return "the description has no 'fields' list";
  const subs = v['subsections'];
  if (subs !== undefined) {
    if (!Array.isArray(subs)) return "'subsections' is not a list";
    for (const s of subs as unknown[]) {
      if (!isObject(s) || typeof s['vmsd_name'] !== 'string') return "a subsection has no string 'vmsd_name'";
    }
  }
  return undefined;
}

/**
 * The vmdesc as the layers above read it (`DecodeResult.vmdesc.json`): only the devices whose
 * every description and field entry has the shape the types promise, so an analysis walking a
 * damaged or hostile vmdesc meets the types, never a number where a list should be. (The
 * decoder follows the raw JSON entry by entry and reports each problem where it meets it.)
 * `version` is checked too, since analyses compare it. The walk is iterative: depth is the
 * file's to choose.
 */
export function followableVmdesc(json: VmdescJson): VmdescJson {
  const devices = (json.devices as readonly unknown[]).filter(
    (d) => isObject(d) && typeof d['name'] === 'string' && typeof d['instance_id'] === 'number' && isFollowable(d),
  ) as VmdescDevice[];
  const { configuration, ...rest } = json;
  return { ...rest, devices, ...(configuration !== undefined && isFollowable(configuration) ? { configuration } : {}) };
}

function isFollowable(root: unknown): boolean {
  const todo: unknown[] = [root];
  for (let v = todo.pop(); v !== undefined; v = todo.pop()) {
    if (vmsdEntryProblem(v) !== undefined) return false;
    const vmsd = v as Record<string, unknown>;
    if (vmsd['version'] !== undefined && typeof vmsd['version'] !== 'number') return false;
    if (vmsd['vmsd_name'] !== undefined && typeof vmsd['vmsd_name'] !== 'string') return false;
    for (const f of vmsd['fields'] as unknown[]) {
      if (fieldEntryProblem(f) !== undefined) return false;
      const field = f as Record<string, unknown>;
      const struct = field['struct'] as Record<string, unknown> | undefined;
      // 7.2's NULL pointer of an array of pointers: an empty `struct` (isNullPointerStruct).
      if (struct !== undefined && !Array.isArray(struct['fields']) && field['size'] === 1) continue;
      if (struct !== undefined) todo.push(struct);
      else if (field['fields'] !== undefined) todo.push(field);
    }
    for (const sub of (vmsd['subsections'] as unknown[] | undefined) ?? []) todo.push(sub);
  }
  return true;
}

/**
 * QEMU <= 9.x writes the NULL element of an array of pointers to structs (e.g. s390x
 * `s390_css.css`, VMSTATE_ARRAY_OF_POINTER_TO_STRUCT) as the field's own type `struct` with an
 * empty `struct` object and size 1: the bytes are the 0x30 marker of vmstate_info_nullptr
 * (migration/vmstate.c vmstate_save_state_v, 7.2). 10.0 writes a `nullptr` entry instead.
 */
export function isNullPointerStruct(field: VmdescField): boolean {
  return field.struct !== undefined && !Array.isArray(field.struct.fields) && field.size === 1;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The nested description a field's bytes follow, if any (`struct`, or inline for tmp/vstruct). */
export function nestedVmsd(field: VmdescField): VmdescVmsd | undefined {
  if (field.struct !== undefined) return field.struct;
  if (field.fields !== undefined) return field as VmdescVmsd;
  return undefined;
}

export function deviceKey(d: VmdescDevice): string {
  return `${d.name}#${d.instance_id}`;
}
