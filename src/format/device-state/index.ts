/**
 * Device-defined VMState infos (a VMStateInfo with the device's own put/get): the vmdesc gives
 * their type name and size only, so body.ts reads them as opaque bytes. For the types below
 * QEMU's source fixes the layout, and this table turns such a field's bytes into child nodes
 * with exact ranges. One module per type family: virtio.ts (`virtio`), pci-config.ts (`pci
 * config`, `pci irq state`, `msix state`). A result is all or nothing: when the bytes do not
 * fit, the field keeps no children and the caller records why.
 */
import type { DecodedNode } from '../model.ts';
import { emitIrqPins, emitMsixTable, emitPciConfigBody, msixVectorsForLength, PCI_NUM_PINS } from './pci-config.ts';
import { LayoutMismatch, NodeSink, StateReader } from './state-reader.ts';
import { emitVirtio, virtioTransportOf } from './virtio.ts';

/**
 * Fields above this size stay opaque: they are read into memory whole. The largest here is a
 * virtio device with 1024 queues and every subsection, about 70 KiB plus its device state.
 */
export const DEVICE_STATE_MAX_BYTES = 4 * 1024 * 1024;

export interface DeviceStateInput {
  /** The vmdesc type, e.g. `virtio`. */
  readonly type: string;
  /** The section's idstr (the virtio transport is read from it). */
  readonly idstr: string;
  /** Exactly the field's bytes. */
  readonly bytes: Uint8Array;
  /** Absolute offset of bytes[0]. */
  readonly base: number;
  /** Path of the field node; children extend it. */
  readonly path: readonly string[];
}

export type DeviceStateResult =
  | { readonly ok: true; readonly children: DecodedNode[] }
  | { readonly ok: false; readonly offset: number; readonly reason: string };

type Emit = (sink: NodeSink, input: DeviceStateInput) => void;

const DECODERS: Readonly<Record<string, Emit>> = {
  virtio: (sink, input) => {
    const transport = virtioTransportOf(input.idstr);
    if (transport === undefined) throw new LayoutMismatch(input.base, `the virtio transport of '${input.idstr}' is not known (virtio-pci, virtio-mmio and virtio-ccw are decoded)`);
    emitVirtio(sink, transport);
  },
  'pci config': (sink, input) => emitPciConfigBody(sink, input.bytes.length),
  'pci irq state': (sink, input) => {
    if (input.bytes.length !== PCI_NUM_PINS * 4) throw new LayoutMismatch(input.base, `pci irq state of ${input.bytes.length} bytes (QEMU writes ${PCI_NUM_PINS} x be32)`);
    emitIrqPins(sink);
  },
  'msix state': (sink, input) => {
    const vectors = msixVectorsForLength(input.bytes.length);
    if (vectors === undefined) throw new LayoutMismatch(input.base, `${input.bytes.length} bytes are no MSI-X table plus pending bits (16 n + ceil(n / 8))`);
    emitMsixTable(sink, vectors);
  },
};

export function hasDeviceStateDecoder(type: string): boolean {
  return Object.hasOwn(DECODERS, type);
}

export function decodeDeviceState(input: DeviceStateInput): DeviceStateResult {
  const emit = Object.hasOwn(DECODERS, input.type) ? DECODERS[input.type] : undefined;
  if (emit === undefined) return { ok: false, offset: input.base, reason: `no decoder for type '${input.type}'` };
  const r = new StateReader(input.bytes, input.base);
  const children: DecodedNode[] = [];
  try {
    emit(new NodeSink(r, input.path, children), input);
    if (r.left !== 0) throw new LayoutMismatch(r.at, `${r.left} bytes are left after the layout ends`);
  } catch (e) {
    if (e instanceof LayoutMismatch) return { ok: false, offset: e.offset, reason: e.reason };
    throw e;
  }
  return { ok: true, children };
}
