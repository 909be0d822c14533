/**
 * Assigned (VFIO) devices in a stream, in words: what each phase carried and why its state can
 * only load on the same vendor driver and mdev type. QEMU frames the vendor bytes
 * (hw/vfio/migration.c) but never reads them; the destination's driver does, and upstream QEMU
 * has no query that says in advance whether it will ("device compatibility interface for live
 * migration with assigned devices", kvm/qemu-devel 2020: proposals only). So a stream with such
 * a device is at risk on any destination this side cannot see.
 */
import type { DecodedNode, DecodeResult, SectionRecord } from '../../format/model.ts';
import type { ExplainNote } from './model.ts';

export interface AssignedDeviceState {
  readonly idstr: string;
  /** Vendor bytes per phase: setup (START), precopy iterations (PART), stop-and-copy (END). */
  readonly setupBytes: number;
  readonly precopyBytes: number;
  readonly precopyIterations: number;
  readonly stopCopyBytes: number;
  /** The PCI config of the FULL section (save_state), when it carried one. */
  readonly configBytes: number | undefined;
  /** Whether a zero-size data record shows QEMU's v1 protocol (5.2 to 7.2). */
  readonly v1Protocol: boolean;
  readonly first: SectionRecord;
}

function vendorBytes(n: DecodedNode): { bytes: number; zero: boolean } {
  let bytes = 0;
  let zero = false;
  for (const c of n.children ?? []) {
    if (c.type !== 'vfio data') continue;
    const data = c.children?.find((x) => x.name === 'vendor-data');
    const len = data !== undefined && typeof data.value === 'object' && data.value !== null && 'length' in data.value ? data.value.length : 0;
    bytes += len;
    if (len === 0) zero = true;
  }
  return { bytes, zero };
}

export function assignedDevices(stream: DecodeResult): AssignedDeviceState[] {
  const by = new Map<string, { -readonly [K in keyof AssignedDeviceState]: AssignedDeviceState[K] }>();
  for (const s of stream.sections) {
    if (s.bodyDecoder !== 'vfio') continue;
    const key = `${s.idstr}#${s.instanceId}`;
    let d = by.get(key);
    if (d === undefined) {
      d = { idstr: s.idstr, setupBytes: 0, precopyBytes: 0, precopyIterations: 0, stopCopyBytes: 0, configBytes: undefined, v1Protocol: false, first: s };
      by.set(key, d);
    }
    const v = vendorBytes(s.node);
    if (v.zero) d.v1Protocol = true;
    if (s.type === 'START') d.setupBytes += v.bytes;
    else if (s.type === 'PART') {
      d.precopyBytes += v.bytes;
      d.precopyIterations++;
    } else if (s.type === 'END') d.stopCopyBytes += v.bytes;
    else {
      const config = s.node.children?.find((c) => c.name === 'pci-config');
      if (config !== undefined && config.end !== undefined) d.configBytes = config.end - config.start;
    }
  }
  return [...by.values()];
}

export function assignedDeviceNotes(stream: DecodeResult): ExplainNote[] {
  return assignedDevices(stream).map((d) => {
    const total = d.setupBytes + d.precopyBytes + d.stopCopyBytes;
    const config = d.configBytes === undefined ? '' : `, and a ${d.configBytes}-byte PCI config (save_state)`;
    return {
      severity: 'at-risk',
      code: 'VFIO_VENDOR_STATE',
      text:
        `${d.idstr} is an assigned (VFIO) device: ${total} bytes of vendor device state (${d.precopyBytes} in ${d.precopyIterations} precopy iteration${d.precopyIterations === 1 ? '' : 's'}, ${d.stopCopyBytes} at stop-and-copy)${config}` +
        `${d.v1Protocol ? '; a zero-size data record shows the v1 migration protocol of QEMU 5.2 to 7.2' : ''}. ` +
        'QEMU passes those bytes to the destination\'s driver unread: they load only on the same vendor driver and the same mdev type (or device model), and nothing in the stream or QEMU says in advance whether the destination has it; check its host with migscope hosts --assigned.',
      section: { idstr: d.idstr, instance: d.first.instanceId, offset: d.first.start, length: (d.first.end ?? d.first.start) - d.first.start },
      offset: d.first.start,
    };
  });
}
