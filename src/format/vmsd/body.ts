/**
 * Decodes a VMState body with the stream's own vmdesc as the schema (migration/vmstate.c
 * vmstate_save_state_v): fields in order, no tags or padding, each element `size` bytes
 * (`array_len` elements for compressed arrays), nested structs recursively, then the vmsd's
 * subsections as `0x05 name be32-version body`. Every value gets its path and byte range.
 */
import type { Cursor } from '../bytes/cursor.ts';
import { DecodeError, type Diagnostic } from '../errors.ts';
import type { DecodedNode, NodeValue, VmdescField, VmdescVmsd } from '../model.ts';
import { QEMU_VM_SUBSECTION, VMS_MARKER_PTR_VALID, VMS_NULLPTR_MARKER } from '../stream/constants.ts';
import { decodeDeviceState, DEVICE_STATE_MAX_BYTES, hasDeviceStateDecoder } from '../device-state/index.ts';
import { fieldEntryProblem, isNullPointerStruct, nestedVmsd, VMDESC_MAX_DEPTH, vmsdEntryProblem } from './description.ts';
import { KNOWN_VMDESC_TYPES } from './known-types.ts';
import { readerFor } from './field-readers.ts';

export interface BodyContext {
  readonly cur: Cursor;
  readonly diagnostics: Diagnostic[];
  /** The section's idstr: device-defined types may depend on it (the virtio transport). */
  readonly idstr: string;
}

/**
 * A vmdesc entry that cannot be followed (no fields list, a field without a size, 7.2's
 * compressed array whose first element was a NULL pointer...). Thrown before any byte of the
 * entry is read, so `offset` is where the bytes it describes begin; decodeSection catches it and
 * shows the rest of that one device as opaque bytes up to its footer.
 */
export class UnusableVmdescEntry extends Error {
  constructor(
    readonly offset: number,
    readonly path: readonly string[],
    readonly reason: string,
  ) {
    super(`vmdesc entry ${path.join('/')} at 0x${offset.toString(16)}: ${reason}`);
  }
}

export async function decodeVmsdBody(
  ctx: BodyContext,
  vmsd: VmdescVmsd,
  path: readonly string[],
  into: DecodedNode[],
  depth = 0,
): Promise<void> {
  if (depth > VMDESC_MAX_DEPTH) {
    throw new DecodeError('LIMIT_EXCEEDED', ctx.cur.pos, path, `vmdesc nests deeper than ${VMDESC_MAX_DEPTH} levels`);
  }
  const problem = vmsdEntryProblem(vmsd);
  if (problem !== undefined) throw new UnusableVmdescEntry(ctx.cur.pos, path, problem);
  const labels = elementLabels(vmsd.fields);
  let k = 0;
  for (const field of vmsd.fields) {
    const label = labels[k] ?? '?';
    const fieldProblem = fieldEntryProblem(field);
    if (fieldProblem !== undefined) throw new UnusableVmdescEntry(ctx.cur.pos, [...path, label], fieldProblem);
    const count = field.array_len ?? 1;
    const reader = readerFor(field.type, field.size);
    // Integers and bools whose bytes are in the window are read right here, without an async
    // call per element: a q35 guest's ICH9LPC alone has a 16 KiB uint8 array (rcrb), and the
    // awaits were most of a device-state decode (pc-q35-7.2-default, 1.7 MB: ~60k awaits).
    const plain = (reader.kind === 'int' || reader.kind === 'bool') && nestedVmsd(field) === undefined && KNOWN_VMDESC_TYPES.has(field.type);
    const signed = reader.kind === 'int' && reader.signed;
    const cur = ctx.cur;
    if (count > ARRAY_ELEMENTS_LISTED) {
      // A vmdesc from a file someone handed over may claim any count: one node per element of
      // a hostile array would exhaust memory long before the bytes run out, and zero-size
      // structs would loop without reading a byte. No real device sends such an array.
      if (!plain) {
        throw new UnusableVmdescEntry(cur.pos, [...path, label], `'${field.name}' is an array of ${count} ${field.type} elements; over ${ARRAY_ELEMENTS_LISTED} elements other than integers are not decoded one by one`);
      }
      into.push(hugeArray(ctx, field, label, [...path, `${label}[0..${count - 1}]`], count));
      k++;
      continue;
    }
    for (let i = 0; i < count; i++) {
      const name = field.array_len !== undefined ? `${label}[${i}]` : label;
      if (plain && cur.has(field.size)) {
        const elementPath = [...path, name];
        cur.path = elementPath;
        const start = cur.pos;
        const value = reader.kind === 'bool' ? cur.u8() !== 0 : readInt(cur, field.size, signed);
        // The same keys in the same order as decodeElement's nodes (JSON output follows them).
        into.push({ kind: 'field', name, path: elementPath, start, end: cur.pos, type: field.type, field: field.name, value });
        continue;
      }
      if (i > 0 && isNullPointerStruct(field)) {
        // QEMU <= 9.x describes only the first element of a compressed array; for an array of
        // pointers the others may be structs of a layout the entry does not give.
        throw new UnusableVmdescEntry(
          ctx.cur.pos,
          [...path, name],
          `'${field.name}' is an array of ${count} pointers described by its first element only, a NULL pointer (QEMU 9.x and older); the other elements may be structs whose layout the vmdesc does not give`,
        );
      }
      await decodeElement(ctx, field, name, [...path, name], into, depth);
    }
    k++;
  }
  for (const sub of vmsd.subsections ?? []) {
    await decodeSubsection(ctx, sub, path, into, depth);
  }
}

/**
 * Arrays longer than this are kept as one byte range instead of one node per element. Real
 * arrays run long: pseries' TCE table (spapr_iommu mig_table) is 262,144 uint64 on a default
 * 1 GiB DMA window, so the bound leaves room for windows four times as large.
 */
export const ARRAY_ELEMENTS_LISTED = 1 << 20;

function hugeArray(ctx: BodyContext, field: VmdescField, label: string, path: readonly string[], count: number): DecodedNode {
  const cur = ctx.cur;
  cur.path = path;
  const start = cur.pos;
  const value = skipOpaque(cur, count * field.size, `${field.type} array '${field.name}'`, start);
  const note = `${count} elements of ${field.type} kept as one range: arrays over ${ARRAY_ELEMENTS_LISTED} elements are not listed one by one`;
  ctx.diagnostics.push({ severity: 'warning', code: 'ARRAY_AS_RANGE', offset: start, message: `${ctx.idstr}: '${label}' has ${note}` });
  return { kind: 'field', name: `${label}[0..${count - 1}]`, path, start, end: cur.pos, type: field.type, field: field.name, value, note };
}

/**
 * Labels for the entries of one vmsd: a name that stands for several entries (11.1 writes
 * non-compressible arrays as repeated entries without `index`) gets `[n]` by occurrence.
 */
function elementLabels(fields: readonly VmdescField[]): string[] {
  // Entries are checked one by one as they are decoded; a malformed one gets a placeholder here.
  const nameOf = (f: VmdescField): string => (typeof f === 'object' && f !== null && typeof f.name === 'string' ? f.name : '?');
  const total = new Map<string, number>();
  for (const f of fields) total.set(nameOf(f), (total.get(nameOf(f)) ?? 0) + 1);
  const seen = new Map<string, number>();
  return fields.map((f) => {
    const name = nameOf(f);
    const n = seen.get(name) ?? 0;
    seen.set(name, n + 1);
    if (typeof f === 'object' && f !== null && typeof f.index === 'number') return `${name}[${f.index}]`;
    return (total.get(name) ?? 0) > 1 ? `${name}[${n}]` : name;
  });
}

async function decodeElement(
  ctx: BodyContext,
  field: VmdescField,
  name: string,
  path: readonly string[],
  into: DecodedNode[],
  depth: number,
): Promise<void> {
  const cur = ctx.cur;
  cur.path = path;
  const start = cur.pos;
  if (isNullPointerStruct(field)) {
    into.push(await readNullPointerStruct(ctx, field, name, path));
    return;
  }
  const nested = nestedVmsd(field);
  if (nested !== undefined) {
    const children: DecodedNode[] = [];
    const node: DecodedNode = { kind: 'struct', name, path, start, end: undefined, type: field.type, field: field.name, children };
    into.push(node);
    await decodeVmsdBody(ctx, nested, path, children, depth + 1);
    const used = cur.pos - start;
    if (used !== field.size) {
      throw new DecodeError(
        'VMSD_FIELD_MISMATCH',
        start,
        path,
        `${field.type} '${field.name}' used ${used} bytes where the vmdesc says ${field.size}`,
        `${field.size} bytes`,
        `${used} bytes`,
      );
    }
    node.end = cur.pos;
    return;
  }
  if (readerFor(field.type, field.size).kind === 'opaque' && hasDeviceStateDecoder(field.type)) {
    into.push(await readDeviceDefined(ctx, field, name, path));
    return;
  }
  const node: DecodedNode = { kind: 'field', name, path, start, end: undefined, type: field.type, field: field.name };
  into.push(node);
  if (!KNOWN_VMDESC_TYPES.has(field.type)) {
    node.note = `type '${field.type}' is no VMStateInfo of QEMU 5.2 to 11.1: its ${field.size} bytes are shown as they are`;
    ctx.diagnostics.push({
      severity: 'info',
      code: 'VMDESC_UNKNOWN_TYPE',
      offset: start,
      message: `${ctx.idstr}: field '${path.slice(1).join('/')}' has type '${field.type}', which migscope does not know; its ${field.size} bytes (the size the vmdesc gives) are shown as opaque`,
    });
  }
  node.value = await readLeaf(ctx, field, path);
  node.end = cur.pos;
}

/** 7.2's NULL element of an array of pointers to structs: the one marker byte, 0x30. */
async function readNullPointerStruct(ctx: BodyContext, field: VmdescField, name: string, path: readonly string[]): Promise<DecodedNode> {
  const cur = ctx.cur;
  const at = cur.pos;
  await cur.need(1, `NULL pointer '${field.name}'`);
  const b = cur.peek8();
  if (b !== VMS_NULLPTR_MARKER) {
    throw new UnusableVmdescEntry(at, path, `a 'struct' entry without fields and of size 1 stands for a NULL pointer (byte 0x30), but the byte is 0x${b.toString(16).padStart(2, '0')}`);
  }
  cur.u8();
  return {
    kind: 'field',
    name,
    path,
    start: at,
    end: cur.pos,
    type: field.type,
    field: field.name,
    value: 'NULL',
    note: "NULL pointer: QEMU 9.x and older write a NULL element of an array of pointers as the field's own 'struct' entry, with no fields and the marker byte 0x30",
  };
}

/**
 * A field whose VMStateInfo is the device's own (`virtio`, `pci config`, ...): its bytes are
 * read whole and decoded by src/format/device-state into children; when they do not fit the
 * layout from QEMU's source, the field stays opaque, with the reason as its note and a
 * diagnostic.
 */
async function readDeviceDefined(ctx: BodyContext, field: VmdescField, name: string, path: readonly string[]): Promise<DecodedNode> {
  const cur = ctx.cur;
  const at = cur.pos;
  const size = field.size;
  const what = `${field.type} field '${field.name}'`;
  const base = { kind: 'field', name, path, start: at, type: field.type, field: field.name, value: { offset: at, length: size } } as const;
  if (size > DEVICE_STATE_MAX_BYTES || at + size > cur.size) {
    skipOpaque(cur, size, what, at);
    return { ...base, end: cur.pos, note: `opaque: larger than the ${DEVICE_STATE_MAX_BYTES} bytes decoded in memory` };
  }
  await cur.need(size, what);
  // A view into the cursor's window: decoded synchronously right here, never kept.
  const bytes = cur.bytes(size);
  const decoded = decodeDeviceState({ type: field.type, idstr: ctx.idstr, bytes, base: at, path });
  if (decoded.ok) return { ...base, end: cur.pos, children: decoded.children };
  ctx.diagnostics.push({
    severity: 'info',
    code: 'DEVICE_STATE_OPAQUE',
    offset: decoded.offset,
    message: `${ctx.idstr}: ${field.type} field '${path.slice(1).join('/')}' left as opaque bytes: ${decoded.reason}`,
  });
  return { ...base, end: cur.pos, note: `opaque: ${decoded.reason} (at 0x${decoded.offset.toString(16)})` };
}

async function readLeaf(ctx: BodyContext, field: VmdescField, path: readonly string[]): Promise<NodeValue> {
  const cur = ctx.cur;
  const size = field.size;
  const what = `${field.type} field '${field.name}'`;
  const reader = readerFor(field.type, size);
  switch (reader.kind) {
    case 'int': {
      await cur.need(size, what);
      return readInt(cur, size, reader.signed);
    }
    case 'bool': {
      await cur.need(1, what);
      return cur.u8() !== 0;
    }
    case 'capability': {
      const at = cur.pos;
      const text = await cur.readCountedString(what);
      if (1 + text.length !== size && size !== 0) {
        ctx.diagnostics.push({
          severity: 'warning',
          code: 'VMDESC_SIZE_DIFFERS',
          offset: at,
          message: `capability '${text}' is ${1 + text.length} bytes, vmdesc says ${size}`,
        });
      }
      return text;
    }
    case 'marker': {
      const at = cur.pos;
      await cur.need(1, what);
      const b = cur.u8();
      if (b === VMS_NULLPTR_MARKER) return 'NULL';
      if (b === VMS_MARKER_PTR_VALID && field.type === 'ptr-marker') return 'present';
      throw new DecodeError(
        'VMSD_FIELD_MISMATCH',
        at,
        path,
        `${field.type} marker byte is 0x${b.toString(16)}`,
        field.type === 'ptr-marker' ? '0x30 or 0x31' : '0x30',
        `0x${b.toString(16).padStart(2, '0')}`,
      );
    }
    case 'gbytearray': {
      const at = cur.pos;
      const len = await cur.readU32(`${what} length`);
      if (4 + len !== size) {
        throw new DecodeError('VMSD_FIELD_MISMATCH', at, path, `GByteArray length ${len} disagrees with vmdesc size ${size}`, `${size - 4}`, `${len}`);
      }
      return skipOpaque(cur, len, what, at + 4);
    }
    case 'opaque': {
      const at = cur.pos;
      return skipOpaque(cur, size, what, at);
    }
  }
}

function skipOpaque(cur: Cursor, size: number, what: string, at: number): NodeValue {
  // Opaque payloads are never copied: the view reads them lazily by range.
  if (at + size > cur.size) {
    throw new DecodeError('UNEXPECTED_EOF', at, cur.path, `stream ends inside ${what}`, `${size} bytes`, `${cur.size - at} bytes`);
  }
  cur.seek(at + size);
  return { offset: at, length: size };
}

function readInt(cur: Cursor, size: number, signed: boolean): NodeValue {
  switch (size) {
    case 1: {
      const v = cur.u8();
      return signed && v > 0x7f ? v - 0x100 : v;
    }
    case 2: {
      const v = cur.u16be();
      return signed && v > 0x7fff ? v - 0x10000 : v;
    }
    case 4: {
      const v = cur.u32be();
      return signed ? v | 0 : v;
    }
    default: {
      const v = cur.u64be();
      return signed ? BigInt.asIntN(64, v) : v;
    }
  }
}

async function decodeSubsection(
  ctx: BodyContext,
  sub: VmdescVmsd,
  parentPath: readonly string[],
  into: DecodedNode[],
  depth: number,
): Promise<void> {
  const cur = ctx.cur;
  const name = sub.vmsd_name ?? '?';
  const path = [...parentPath, name];
  cur.path = path;
  const start = cur.pos;
  await cur.need(1, `subsection '${name}'`);
  const marker = cur.u8();
  if (marker !== QEMU_VM_SUBSECTION) {
    throw new DecodeError(
      'SUBSECTION_NOT_FOUND',
      start,
      path,
      `vmdesc lists subsection '${name}' here, but the byte is not a subsection marker`,
      '0x05 (QEMU_VM_SUBSECTION)',
      `0x${marker.toString(16).padStart(2, '0')}`,
    );
  }
  const nameAt = cur.pos;
  const got = await cur.readCountedString('subsection name');
  if (got !== name) {
    throw new DecodeError('SUBSECTION_NOT_FOUND', nameAt, path, `subsection name differs from the vmdesc`, `'${name}'`, `'${got}'`);
  }
  const version = await cur.readU32(`subsection '${name}' version`);
  if (sub.version !== undefined && version !== sub.version) {
    ctx.diagnostics.push({
      severity: 'warning',
      code: 'SUBSECTION_VERSION_DIFFERS',
      offset: cur.pos - 4,
      message: `subsection '${name}' has version ${version} on the wire, ${sub.version} in the vmdesc`,
    });
  }
  const children: DecodedNode[] = [];
  const node: DecodedNode = { kind: 'subsection', name, path, start, end: undefined, value: version, children };
  into.push(node);
  await decodeVmsdBody(ctx, sub, path, children, depth + 1);
  node.end = cur.pos;
}
