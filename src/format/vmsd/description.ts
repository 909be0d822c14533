/**
 * The vmdesc trailer: `0x06 be32 len JSON` after EOF (qemu_savevm_state_complete_precopy_
 * non_iterable() in migration/savevm.c). It is not self-delimited, and it describes sections
 * that come before it, so we find it from the tail first: the last position p where
 * byte[p] = 0x06, be32 at p+1 runs exactly to the end, and the JSON starts with '{'.
 */
import type { ByteSource } from '../bytes/byte-source.ts';
import { DecodeError } from '../errors.ts';
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
  const tailLen = Math.min(source.size, VMDESC_TAIL_SCAN);
  const base = source.size - tailLen;
  const tail = await source.read(base, tailLen);
  // The JSON ends with '}' in every real trailer; cheap reject before scanning.
  if (tail.length < 6 || tail[tail.length - 1] !== 0x7d) return undefined;
  const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  for (let p = tail.length - 7; p >= 0; p--) {
    if (tail[p] !== QEMU_VM_VMDESCRIPTION || tail[p + 5] !== 0x7b) continue;
    const len = view.getUint32(p + 1);
    if (p + 5 + len === tail.length) {
      return { start: base + p, jsonStart: base + p + 5, jsonLength: len };
    }
  }
  return undefined;
}

/** Parses and shape-checks the JSON; errors carry the JSON path. */
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
  const devices = raw['devices'];
  if (!Array.isArray(devices)) return fail('$.devices', 'devices must be an array');
  devices.forEach((d: unknown, i: number) => {
    const at = `$.devices[${i}]`;
    if (!isObject(d)) return fail(at, 'device entry must be an object');
    if (typeof d['name'] !== 'string') return fail(`${at}.name`, 'name must be a string');
    if (typeof d['instance_id'] !== 'number') return fail(`${at}.instance_id`, 'instance_id must be a number');
    checkVmsd(d, at, 0, fail);
    return undefined;
  });
  const configuration = raw['configuration'];
  if (configuration !== undefined) {
    if (!isObject(configuration)) return fail('$.configuration', 'configuration must be an object');
    checkVmsd(configuration, '$.configuration', 0, fail);
  }
  return raw as unknown as VmdescJson;
}

type Fail = (jsonPath: string, message: string) => never;

function checkVmsd(v: Record<string, unknown>, at: string, depth: number, fail: Fail): void {
  if (depth > VMDESC_MAX_DEPTH) fail(at, `nested deeper than ${VMDESC_MAX_DEPTH} levels`);
  const fields = v['fields'];
  if (!Array.isArray(fields)) fail(`${at}.fields`, 'fields must be an array');
  (fields as unknown[]).forEach((f, i) => checkField(f, `${at}.fields[${i}]`, depth + 1, fail));
  const subs = v['subsections'];
  if (subs !== undefined) {
    if (!Array.isArray(subs)) fail(`${at}.subsections`, 'subsections must be an array');
    (subs as unknown[]).forEach((s, i) => {
      const sat = `${at}.subsections[${i}]`;
      if (!isObject(s)) return fail(sat, 'subsection must be an object');
      if (typeof s['vmsd_name'] !== 'string') return fail(`${sat}.vmsd_name`, 'vmsd_name must be a string');
      checkVmsd(s, sat, depth + 1, fail);
      return undefined;
    });
  }
}

function checkField(f: unknown, at: string, depth: number, fail: Fail): void {
  if (!isObject(f)) return fail(at, 'field must be an object');
  if (typeof f['name'] !== 'string') return fail(`${at}.name`, 'name must be a string');
  if (typeof f['type'] !== 'string') return fail(`${at}.type`, 'type must be a string');
  const size = f['size'];
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    return fail(`${at}.size`, `size must be a non-negative integer, got ${JSON.stringify(size)}`);
  }
  const arrayLen = f['array_len'];
  if (arrayLen !== undefined && (typeof arrayLen !== 'number' || !Number.isSafeInteger(arrayLen) || arrayLen < 0)) {
    return fail(`${at}.array_len`, 'array_len must be a non-negative integer');
  }
  const struct = f['struct'];
  if (struct !== undefined) {
    if (!isObject(struct)) return fail(`${at}.struct`, 'struct must be an object');
    checkVmsd(struct, `${at}.struct`, depth + 1, fail);
  } else if (f['fields'] !== undefined) {
    checkVmsd(f, at, depth + 1, fail);
  }
  return undefined;
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
