/**
 * Streams of a VM with one assigned device, built byte by byte from hw/vfio/migration.c (no
 * VFIO hardware is at hand; fixtures/README.md "Assigned devices" says so). `v1`: QEMU 7.2's
 * protocol (migration region): an iteration with nothing pending writes `DATA_STATE, 0,
 * END_OF_STATE`. `v2`: 8.0 and later (data_fd): DATA records only with data. Both: START =
 * save_setup, PART = save_live_iterate, END = save_live_complete_precopy, then the FULL section
 * of save_state (the PCI config) among the other devices, with the old-style vmdesc entry
 * vmstate_save_old_style() writes for it (one `data` buffer of the body's size).
 */
import type { VmdescDevice } from '../model.ts';
import { stream } from './stream-builder.ts';
import { VFIO_MIG_FLAG_DEV_CONFIG_STATE, VFIO_MIG_FLAG_DEV_DATA_STATE, VFIO_MIG_FLAG_DEV_SETUP_STATE, VFIO_MIG_FLAG_END_OF_STATE } from '../stream/vfio.ts';

export const VFIO_IDSTR = '0000:00:04.0/vfio';
/** The vendor bytes per phase in these streams: precopy iterations, then stop-and-copy. */
export const VFIO_PRECOPY_BYTES = [4096, 1024] as const;
export const VFIO_STOP_COPY_BYTES = 8192;
/** Stand-in for vmstate_vfio_pci_config's bytes (256 bytes of config space and more). */
export const VFIO_CONFIG_BYTES = 300;

const fill = (n: number, seed: number): number[] => Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff);

export function vfioStream(protocol: 'v1' | 'v2'): Uint8Array {
  const id = 3;
  const b = stream().config('pc-q35-7.2');
  // save_setup
  b.u8(0x01).u32(id).str(VFIO_IDSTR).u32(0).u32(1).u64(VFIO_MIG_FLAG_DEV_SETUP_STATE).u64(VFIO_MIG_FLAG_END_OF_STATE).footer(id);
  // save_live_iterate: one record per iteration
  for (const [i, n] of VFIO_PRECOPY_BYTES.entries()) b.u8(0x02).u32(id).u64(VFIO_MIG_FLAG_DEV_DATA_STATE).u64(n).raw(fill(n, i)).u64(VFIO_MIG_FLAG_END_OF_STATE).footer(id);
  // v1: an iteration that found nothing pending
  if (protocol === 'v1') b.u8(0x02).u32(id).u64(VFIO_MIG_FLAG_DEV_DATA_STATE).u64(0).u64(VFIO_MIG_FLAG_END_OF_STATE).footer(id);
  // save_live_complete_precopy: the rest in two reads of the data_fd / region
  b.u8(0x03).u32(id).u64(VFIO_MIG_FLAG_DEV_DATA_STATE).u64(VFIO_STOP_COPY_BYTES / 2).raw(fill(VFIO_STOP_COPY_BYTES / 2, 9)).u64(VFIO_MIG_FLAG_DEV_DATA_STATE).u64(VFIO_STOP_COPY_BYTES / 2).raw(fill(VFIO_STOP_COPY_BYTES / 2, 11)).u64(VFIO_MIG_FLAG_END_OF_STATE).footer(id);
  b.full(4, 'timer', 0, 2, { cpu_ticks_offset_hi: 0, cpu_ticks_offset_lo: 1 });
  // save_state: the PCI config between two markers
  b.u8(0x04).u32(id).str(VFIO_IDSTR).u32(0).u32(1).u64(VFIO_MIG_FLAG_DEV_CONFIG_STATE).raw(fill(VFIO_CONFIG_BYTES, 5)).u64(VFIO_MIG_FLAG_END_OF_STATE).footer(id);
  const size = 8 + VFIO_CONFIG_BYTES + 8;
  const oldStyle = { name: VFIO_IDSTR, instance_id: 0, size, fields: [{ name: 'data', size, type: 'buffer' }] } as unknown as VmdescDevice;
  const timer = { name: 'timer', instance_id: 0, vmsd_name: 'timer', version: 2, fields: [{ name: 'cpu_ticks_offset_hi', type: 'uint32', size: 4 }, { name: 'cpu_ticks_offset_lo', type: 'uint32', size: 4 }] } as unknown as VmdescDevice;
  return b.eof().vmdesc({ devices: [timer, oldStyle] }).bytes();
}
