/**
 * The configuration "section" (0x07): not a numbered section, no idstr, no footer. Its body is
 * vmstate_configuration (migration/savevm.c): be32 len + machine name, then optional
 * subsections target-page-bits, capabilities and uuid, each only when needed.
 */
import type { Cursor } from '../bytes/cursor.ts';
import { DecodeError } from '../errors.ts';
import type { ConfigurationInfo, DecodedNode } from '../model.ts';
import { QEMU_VM_SUBSECTION } from './constants.ts';

/** Machine type names are short (`pc-q35-11.1`); QEMU itself has no bound, we need one. */
const MAX_MACHINE_NAME = 256;
/** Only a handful of capabilities are ever validated (x-ignore-shared, mapped-ram). */
const MAX_CAPABILITIES = 64;

export async function decodeConfiguration(cur: Cursor, start: number): Promise<ConfigurationInfo> {
  const path = ['configuration'];
  cur.path = path;
  const children: DecodedNode[] = [];
  const node: DecodedNode = { kind: 'configuration', name: 'configuration', path, start, end: undefined, children };
  const lenAt = cur.pos;
  const len = await cur.readU32('machine type length');
  children.push({ kind: 'field', name: 'len', path: [...path, 'len'], start: lenAt, end: lenAt + 4, type: 'uint32', value: len });
  if (len > MAX_MACHINE_NAME) {
    throw new DecodeError('LIMIT_EXCEEDED', lenAt, path, `machine type name of ${len} bytes`, `<= ${MAX_MACHINE_NAME}`, `${len}`);
  }
  const nameAt = cur.pos;
  const machineType = new TextDecoder().decode(await cur.readBytes(len, 'machine type name'));
  children.push({ kind: 'field', name: 'name', path: [...path, 'name'], start: nameAt, end: nameAt + len, type: 'buffer', value: machineType });
  const capabilities: string[] = [];
  let targetPageBits: number | undefined;
  let uuid: string | undefined;
  for (;;) {
    if (cur.remaining < 1) break;
    await cur.need(1, 'configuration subsection');
    if (cur.peek8() !== QEMU_VM_SUBSECTION) break;
    const subAt = cur.pos;
    cur.u8();
    const name = await cur.readCountedString('configuration subsection name');
    const version = await cur.readU32(`${name} version`);
    const subPath = [...path, name];
    cur.path = subPath;
    const subChildren: DecodedNode[] = [];
    const sub: DecodedNode = { kind: 'subsection', name, path: subPath, start: subAt, end: undefined, value: version, children: subChildren };
    children.push(sub);
    if (name === 'configuration/target-page-bits') {
      const at = cur.pos;
      targetPageBits = await cur.readU32('target_page_bits');
      subChildren.push({ kind: 'field', name: 'target_page_bits', path: [...subPath, 'target_page_bits'], start: at, end: at + 4, type: 'uint32', value: targetPageBits });
      if (targetPageBits < 9 || targetPageBits > 26) {
        throw new DecodeError('VMSD_FIELD_MISMATCH', at, subPath, `target page bits ${targetPageBits} is not a page size`, '9..26', `${targetPageBits}`);
      }
    } else if (name === 'configuration/capabilities') {
      const at = cur.pos;
      const count = await cur.readU32('caps_count');
      subChildren.push({ kind: 'field', name: 'caps_count', path: [...subPath, 'caps_count'], start: at, end: at + 4, type: 'uint32', value: count });
      if (count > MAX_CAPABILITIES) {
        throw new DecodeError('LIMIT_EXCEEDED', at, subPath, `${count} capabilities`, `<= ${MAX_CAPABILITIES}`, `${count}`);
      }
      for (let i = 0; i < count; i++) {
        const capAt = cur.pos;
        const cap = await cur.readCountedString('capability name');
        capabilities.push(cap);
        subChildren.push({ kind: 'field', name: `capabilities[${i}]`, path: [...subPath, `capabilities[${i}]`], start: capAt, end: cur.pos, type: 'capability', value: cap });
      }
    } else if (name === 'configuration/uuid') {
      const at = cur.pos;
      const bytes = await cur.readBytes(16, 'uuid');
      uuid = formatUuid(bytes);
      subChildren.push({ kind: 'field', name: 'uuid', path: [...subPath, 'uuid'], start: at, end: at + 16, type: 'buffer', value: uuid });
    } else {
      throw new DecodeError('SUBSECTION_NOT_FOUND', subAt, subPath, `unknown configuration subsection '${name}'`, 'target-page-bits, capabilities or uuid', `'${name}'`);
    }
    sub.end = cur.pos;
  }
  node.end = cur.pos;
  return {
    start,
    end: cur.pos,
    machineType,
    capabilities,
    ...(targetPageBits !== undefined ? { targetPageBits } : {}),
    ...(uuid !== undefined ? { uuid } : {}),
    node,
  };
}

function formatUuid(b: Uint8Array): string {
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
