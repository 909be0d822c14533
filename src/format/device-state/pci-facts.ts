/**
 * Facts about a `pci config` node (a PCIDevice's config space, or a virtio-pci transport's),
 * read from the children pci-config.ts gives it. `pciConfigRegisterAt` maps a config-space
 * index, as in QEMU's `Bad config data: i=0x9a ...`, to the node holding that byte.
 *
 *   const cfg = pciConfigFacts(node);     // node.type === 'pci config'
 *   cfg?.vendorId.value                   // 0x1af4, at cfg.vendorId.offset
 *   cfg?.capabilities                     // [{ id: 0x11, name: 'MSIX', configOffset: 0x98, node }, ...]
 *   pciConfigRegisterAt(node, 0x9a)       // the MSI-X capability's msix_flags node
 */
import type { DecodedNode } from '../model.ts';
import { byName, numberAt, type Located } from './located.ts';

export interface PciCapabilityFacts {
  readonly id: number;
  /** pci_regs.h PCI_CAP_ID_* name without the prefix (`MSIX`, `EXP`, `VNDR`, ...). */
  readonly name: string;
  /** Offset in config space. */
  readonly configOffset: number;
  readonly node: DecodedNode;
}

export interface PciConfigFacts {
  readonly node: DecodedNode;
  /** 256, or 4096 for a PCI Express function. */
  readonly size: number;
  readonly vendorId: Located<number>;
  readonly deviceId: Located<number>;
  readonly headerType: Located<number>;
  readonly classDevice: Located<number>;
  readonly subsystemVendorId?: Located<number> | undefined;
  readonly subsystemId?: Located<number> | undefined;
  readonly capabilities: readonly PciCapabilityFacts[];
  /** The MSI-X capability's table size (QSIZE + 1), when it has one. */
  readonly msixVectors?: Located<number> | undefined;
}

const CAP_AT = /^cap@0x([0-9a-f]+)$/;

export function pciConfigFacts(config: DecodedNode): PciConfigFacts | undefined {
  if (config.type !== 'pci config' || config.children === undefined) return undefined;
  const kids = config.children;
  const vendorId = numberAt(kids, 'vendor_id');
  const deviceId = numberAt(kids, 'device_id');
  const headerType = numberAt(kids, 'header_type');
  const classDevice = numberAt(kids, 'class_device');
  if (vendorId === undefined || deviceId === undefined || headerType === undefined || classDevice === undefined) return undefined;
  const capabilities: PciCapabilityFacts[] = [];
  let msixVectors: Located<number> | undefined;
  for (const cap of byName(kids, 'device_specific')?.children ?? []) {
    const m = CAP_AT.exec(cap.name);
    const id = numberAt(cap.children ?? [], 'cap_id');
    if (m === null || id === undefined) continue;
    capabilities.push({ id: id.value, name: cap.note ?? '', configOffset: parseInt(m[1] as string, 16), node: cap });
    const flags = numberAt(cap.children ?? [], 'msix_flags');
    // PCI_MSIX_FLAGS_QSIZE holds the table size minus one.
    if (flags !== undefined) msixVectors = { ...flags, value: (flags.value & 0x7ff) + 1 };
  }
  return {
    node: config,
    size: (config.end ?? config.start) - config.start,
    vendorId,
    deviceId,
    headerType,
    classDevice,
    subsystemVendorId: numberAt(kids, 'subsystem_vendor_id'),
    subsystemId: numberAt(kids, 'subsystem_id'),
    capabilities,
    msixVectors,
  };
}

/** The deepest node of a `pci config` node holding config byte `index`. */
export function pciConfigRegisterAt(config: DecodedNode, index: number): DecodedNode | undefined {
  const at = config.start + index;
  if (config.end === undefined || at < config.start || at >= config.end) return undefined;
  let node = config;
  for (;;) {
    const next = node.children?.find((c) => c.start <= at && at < (c.end ?? c.start));
    if (next === undefined) return node;
    node = next;
  }
}
