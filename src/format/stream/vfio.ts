/**
 * VFIO device state (hw/vfio/migration.c): an assigned device's driver hands QEMU opaque
 * bytes, which QEMU frames with be64 markers and passes to the destination's driver unread.
 *
 * vfio_migration_init registers the live handlers under `<qdev path>/vfio` (`vfio` without a
 * path), instance "any" (0 for the first), version 1, in every version from 5.2 to 11.1:
 * - START (save_setup): DEV_SETUP_STATE, END_OF_STATE.
 * - PART (save_live_iterate, precopy) and END (save_live_complete_precopy, stop-and-copy):
 *   records `DEV_DATA_STATE, be64 size, size bytes of vendor data`, then END_OF_STATE (v2,
 *   with the switchover-ack capability, a PART may end with DEV_INIT_DATA_SENT instead).
 * - FULL (save_state, written after the iterative sections): DEV_CONFIG_STATE, the PCI config
 *   (vmstate_vfio_pci_config, written without a vmdesc entry of its own), END_OF_STATE. With
 *   multifd device transfer (10.x) the FULL section holds only END_OF_STATE, or
 *   DEV_CONFIG_LOAD_READY when the config is loaded after the iterations.
 * The v1 protocol (migration region; QEMU 5.2 to 7.2) writes a DATA record of size 0 when
 * nothing is pending (vfio_save_iterate: `DATA_STATE, 0, END_OF_STATE`); v2 (8.0 and later,
 * data_fd) writes DATA only with data. vfio_load_state refuses any other tag ("Unknown tag").
 * The vendor bytes mean something only to the same vendor driver and mdev type.
 */
import type { Cursor } from '../bytes/cursor.ts';
import type { Diagnostic } from '../errors.ts';
import type { DecodedNode } from '../model.ts';
import { findFooter } from './opaque.ts';

export const VFIO_MIG_FLAG_END_OF_STATE = 0xffffffffef100001n;
export const VFIO_MIG_FLAG_DEV_CONFIG_STATE = 0xffffffffef100002n;
export const VFIO_MIG_FLAG_DEV_SETUP_STATE = 0xffffffffef100003n;
export const VFIO_MIG_FLAG_DEV_DATA_STATE = 0xffffffffef100004n;
export const VFIO_MIG_FLAG_DEV_INIT_DATA_SENT = 0xffffffffef100005n;
export const VFIO_MIG_FLAG_DEV_CONFIG_LOAD_READY = 0xffffffffef100006n;

const FLAG_NAMES: ReadonlyMap<bigint, string> = new Map([
  [VFIO_MIG_FLAG_END_OF_STATE, 'VFIO_MIG_FLAG_END_OF_STATE'],
  [VFIO_MIG_FLAG_DEV_CONFIG_STATE, 'VFIO_MIG_FLAG_DEV_CONFIG_STATE'],
  [VFIO_MIG_FLAG_DEV_SETUP_STATE, 'VFIO_MIG_FLAG_DEV_SETUP_STATE'],
  [VFIO_MIG_FLAG_DEV_DATA_STATE, 'VFIO_MIG_FLAG_DEV_DATA_STATE'],
  [VFIO_MIG_FLAG_DEV_INIT_DATA_SENT, 'VFIO_MIG_FLAG_DEV_INIT_DATA_SENT'],
  [VFIO_MIG_FLAG_DEV_CONFIG_LOAD_READY, 'VFIO_MIG_FLAG_DEV_CONFIG_LOAD_READY'],
]);

/** The version vfio_migration_init registers (register_savevm_live(..., 1, ...)). */
export const VFIO_SECTION_VERSION = 1;

export function isVfioIdstr(idstr: string): boolean {
  return idstr === 'vfio' || idstr.endsWith('/vfio');
}

/** The migration phase each section type carries, as the Explain and tree notes name it. */
export const VFIO_PHASE: Readonly<Record<'START' | 'PART' | 'END' | 'FULL', string>> = {
  START: 'setup (save_setup)',
  PART: 'precopy iteration (save_live_iterate)',
  END: 'stop-and-copy (save_live_complete_precopy)',
  FULL: 'device config (save_state)',
};

/** A tag vfio_load_state refuses: the caller finds the footer instead. */
export class VfioTagUnknown extends Error {
  constructor(readonly offset: number) {
    super(`unknown VFIO tag at 0x${offset.toString(16)}`);
  }
}

function markerLeaf(path: readonly string[], name: string, start: number, flag: bigint, note?: string): DecodedNode {
  return { kind: 'field', name, path: [...path, name], start, end: start + 8, type: 'vfio marker', value: FLAG_NAMES.get(flag) ?? `0x${flag.toString(16)}`, ...(note !== undefined ? { note } : {}) };
}

function unknownTag(cur: Cursor, start: number, flag: bigint, idstr: string, diagnostics: Diagnostic[]): never {
  diagnostics.push({ severity: 'warning', code: 'VFIO_UNKNOWN_TAG', offset: start, message: `${idstr}: tag 0x${flag.toString(16)} is no VFIO_MIG_FLAG_*; QEMU: "Unknown tag 0x${flag.toString(16)}"` });
  cur.seek(start);
  throw new VfioTagUnknown(start);
}

/** The body of a START, PART or END section: markers and vendor data records; returns the vendor bytes. */
export async function decodeVfioIterativeBody(cur: Cursor, idstr: string, path: readonly string[], into: DecodedNode[], diagnostics: Diagnostic[]): Promise<number> {
  let records = 0;
  let vendorBytes = 0;
  for (;;) {
    const start = cur.pos;
    const flag = await cur.readU64('VFIO marker');
    if (flag === VFIO_MIG_FLAG_END_OF_STATE) {
      into.push(markerLeaf(path, 'end', start, flag));
      return vendorBytes;
    }
    if (flag === VFIO_MIG_FLAG_DEV_INIT_DATA_SENT) {
      into.push(markerLeaf(path, 'init-data-sent', start, flag, 'the initial precopy data is all sent: the destination may approve the switchover (switchover-ack; v2 protocol)'));
      return vendorBytes;
    }
    if (flag === VFIO_MIG_FLAG_DEV_SETUP_STATE) {
      into.push(markerLeaf(path, 'setup', start, flag));
      continue;
    }
    if (flag !== VFIO_MIG_FLAG_DEV_DATA_STATE) unknownTag(cur, start, flag, idstr, diagnostics);
    const size = await cur.readU64('VFIO data size');
    // Bounded by the stream: a size past its end fails as UNEXPECTED_EOF in need().
    const n = size > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(size);
    const dataStart = cur.pos;
    if (cur.pos + n > cur.size) await cur.need(n, `${n} bytes of VFIO device data`);
    cur.skip(n);
    const p = [...path, `data[${records}]`];
    into.push({
      kind: 'struct',
      name: `data[${records}]`,
      path: p,
      start,
      end: cur.pos,
      type: 'vfio data',
      note: n === 0 ? 'nothing pending: a zero-size record is written only by the v1 protocol (QEMU 5.2 to 7.2)' : `${n} bytes of vendor device state, opaque to QEMU`,
      children: [
        markerLeaf(p, 'marker', start, flag),
        { kind: 'field', name: 'size', path: [...p, 'size'], start: start + 8, end: dataStart, type: 'uint64', value: size },
        ...(n > 0 ? [{ kind: 'opaque' as const, name: 'vendor-data', path: [...p, 'vendor-data'], start: dataStart, end: cur.pos, value: { offset: dataStart, length: n }, note: 'read only by the same vendor driver (and mdev type) on the destination' }] : []),
      ],
    });
    records++;
    vendorBytes += n;
  }
}

/** The body of the FULL section (save_state): the device's PCI config between two markers. */
export async function decodeVfioConfigBody(cur: Cursor, sectionId: number, idstr: string, path: readonly string[], into: DecodedNode[], diagnostics: Diagnostic[]): Promise<void> {
  const start = cur.pos;
  const flag = await cur.readU64('VFIO marker');
  if (flag === VFIO_MIG_FLAG_END_OF_STATE) {
    into.push(markerLeaf(path, 'end', start, flag, 'no config here: the device state and config went over multifd channels'));
    return;
  }
  if (flag === VFIO_MIG_FLAG_DEV_CONFIG_LOAD_READY) {
    into.push(markerLeaf(path, 'config-load-ready', start, flag, 'the config came over multifd; load it now, after the iterations'));
    return;
  }
  if (flag !== VFIO_MIG_FLAG_DEV_CONFIG_STATE) unknownTag(cur, start, flag, idstr, diagnostics);
  into.push(markerLeaf(path, 'config', start, flag));
  // The config is vmstate_vfio_pci_config, saved without a vmdesc entry: its end is the
  // END_OF_STATE marker just before the section footer.
  const footerAt = await findFooter(cur, sectionId, `section '${idstr}'`);
  const endAt = footerAt - 8;
  if (endAt < cur.pos) unknownTag(cur, start, flag, idstr, diagnostics);
  into.push({ kind: 'opaque', name: 'pci-config', path: [...path, 'pci-config'], start: cur.pos, end: endAt, value: { offset: cur.pos, length: endAt - cur.pos }, note: 'vmstate_vfio_pci_config (PCI config space, MSI/MSI-X); its end is the marker before the footer' });
  cur.seek(endAt);
  const endFlag = await cur.readU64('VFIO marker');
  if (endFlag !== VFIO_MIG_FLAG_END_OF_STATE) {
    diagnostics.push({ severity: 'warning', code: 'VFIO_CONFIG_END', offset: endAt, message: `${idstr}: the config does not end with VFIO_MIG_FLAG_END_OF_STATE; QEMU: "Failed loading device config space, end flag incorrect 0x${endFlag.toString(16)}"` });
  }
  into.push(markerLeaf(path, 'end', endAt, endFlag));
}
