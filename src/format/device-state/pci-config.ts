/**
 * PCI state that QEMU writes with device-defined VMState infos (hw/pci/pci.c, hw/pci/msix.c;
 * the same in 5.2, 7.2, 10.0 and 11.1):
 *
 *   `pci config`     put_pci_config_device(): the config space as the guest sees it, 256 bytes, or
 *                    4096 for a PCI Express function (PCIDevice vmsd: two `config` entries with
 *                    migrate_is_not_pcie / migrate_is_pcie tests). Little-endian, laid out by
 *                    the PCI spec; names below are those of include/standard-headers/linux/pci_regs.h.
 *   `pci irq state`  put_pci_irq_state(): PCI_NUM_PINS (4) be32, one per pin INTA..INTD, 0 or 1.
 *   `msix state`     msix_save(): the MSI-X table (PCI_MSIX_ENTRY_SIZE 16 bytes per vector:
 *                    address lo/hi, data, vector control, little-endian) then the pending bits,
 *                    DIV_ROUND_UP(vectors, 8) bytes. virtio-pci writes the same through its
 *                    transport config.
 *
 * Only what the PCI spec fixes gets a name: the standard header, the capability list headers
 * (id, next) and the MSI-X capability's three registers. The rest of 0x40-0xff and the
 * extended space stay byte ranges; the capabilities found there are listed in a note.
 */
import type { DecodedNode } from '../model.ts';
import { hex, LayoutMismatch, NodeSink, StateReader } from './state-reader.ts';

export const PCI_CONFIG_SPACE_SIZE = 256;
export const PCIE_CONFIG_SPACE_SIZE = 4096;
export const PCI_NUM_PINS = 4;
export const PCI_MSIX_ENTRY_SIZE = 16;

const PCI_STATUS = 0x06;
const PCI_STATUS_CAP_LIST = 0x10;
const PCI_HEADER_TYPE = 0x0e;
const PCI_HEADER_TYPE_MASK = 0x7f;
const PCI_CAPABILITY_LIST = 0x34;
/** Standard header size; capabilities live above it. */
const PCI_STD_HEADER_SIZEOF = 0x40;
export const PCI_CAP_ID_EXP = 0x10;
export const PCI_CAP_ID_MSIX = 0x11;
/** PCI_MSIX_FLAGS_QSIZE: table size minus one. */
const PCI_MSIX_FLAGS_QSIZE = 0x07ff;
/** The guard Linux uses for capability walks (PCI_FIND_CAP_TTL): a looping chain stops. */
const PCI_FIND_CAP_TTL = 48;

/** pci_regs.h PCI_CAP_ID_* names, for notes. */
const CAP_NAMES: readonly string[] = ['', 'PM', 'AGP', 'VPD', 'SLOTID', 'MSI', 'CHSWP', 'PCIX', 'HT', 'VNDR', 'DBG', 'CCRC', 'SHPC', 'SSVID', 'AGP3', 'SECDEV', 'EXP', 'MSIX', 'SATA', 'AF', 'EA'];
/** pci_regs.h PCI_EXT_CAP_ID_* names (0x01-0x1f), for notes. */
const EXT_CAP_NAMES: readonly string[] = ['', 'ERR', 'VC', 'DSN', 'PWR', 'RCLD', 'RCILC', 'RCEC', 'MFVC', 'VC9', 'RCRB', 'VNDR', 'CAC', 'ACS', 'ARI', 'ATS', 'SRIOV', 'MRIOV', 'MCAST', 'PRI', 'AMD_XXX', 'REBAR', 'DPA', 'TPH', 'LTR', 'SECPCI', 'PMUX', 'PASID', '', 'DPC', 'L1SS', 'PTM'];

export interface PciCapability {
  readonly id: number;
  /** Offset in config space. */
  readonly offset: number;
}

/** What the config bytes say before they are emitted: which size and which MSI-X table follow. */
export interface PciConfigShape {
  readonly capabilities: readonly PciCapability[];
  readonly express: boolean;
  /** Vectors of the MSI-X capability (QSIZE + 1), undefined without one. */
  readonly msixVectors: number | undefined;
}

/** Reads the capability chain of the 256-byte conventional space starting at `r.pos`. */
export function pciConfigShape(r: StateReader): PciConfigShape {
  r.need(PCI_CONFIG_SPACE_SIZE, 'PCI config space');
  const byte = (i: number): number => r.bytes[r.pos + i] as number;
  const caps: PciCapability[] = [];
  const headerType = byte(PCI_HEADER_TYPE) & PCI_HEADER_TYPE_MASK;
  // Type 2 (CardBus) keeps its pointer elsewhere; QEMU emulates no CardBus bridge.
  if ((byte(PCI_STATUS) & PCI_STATUS_CAP_LIST) !== 0 && headerType <= 1) {
    const seen = new Set<number>();
    // Bits 1:0 of a capability pointer are reserved (PCI 3.0 6.7); Linux masks them too.
    let ptr = byte(PCI_CAPABILITY_LIST) & 0xfc;
    for (let ttl = PCI_FIND_CAP_TTL; ptr >= PCI_STD_HEADER_SIZEOF && ttl > 0 && !seen.has(ptr); ttl--) {
      seen.add(ptr);
      caps.push({ id: byte(ptr), offset: ptr });
      ptr = byte(ptr + 1) & 0xfc;
    }
  }
  const msix = caps.find((c) => c.id === PCI_CAP_ID_MSIX);
  const msixVectors = msix !== undefined && msix.offset + 4 <= PCI_CONFIG_SPACE_SIZE ? ((byte(msix.offset + 2) | (byte(msix.offset + 3) << 8)) & PCI_MSIX_FLAGS_QSIZE) + 1 : undefined;
  return { capabilities: caps, express: caps.some((c) => c.id === PCI_CAP_ID_EXP), msixVectors };
}

/**
 * Emits `size` bytes of config space as children of a `config` node: the header fields, then
 * `device_specific` (0x40-0xff) with one node per capability header, then `extended`
 * (0x100-0xfff) for PCI Express.
 */
export function emitPciConfig(sink: NodeSink, name: string, size: number): DecodedNode {
  const start = sink.r.at;
  return sink.group(name, (s) => emitPciConfigBody(s, size), { kind: 'field', type: 'pci config', value: { offset: start, length: size } });
}

export function emitPciConfigBody(s: NodeSink, size: number): void {
  const r = s.r;
  if (size !== PCI_CONFIG_SPACE_SIZE && size !== PCIE_CONFIG_SPACE_SIZE) {
    throw new LayoutMismatch(r.at, `PCI config space of ${size} bytes (QEMU writes ${PCI_CONFIG_SPACE_SIZE} or ${PCIE_CONFIG_SPACE_SIZE})`);
  }
  r.need(size, 'PCI config space');
  const shape = pciConfigShape(r);
  const start = r.at;
  emitHeader(s);
  emitDeviceSpecific(s, start, shape.capabilities);
  if (size === PCIE_CONFIG_SPACE_SIZE) emitExtended(s, start);
}

function emitHeader(s: NodeSink): void {
  const headerType = (s.r.peekAt(s.r.at + PCI_HEADER_TYPE) ?? 0) & PCI_HEADER_TYPE_MASK;
  s.le16('vendor_id');
  s.le16('device_id');
  s.le16('command');
  s.le16('status');
  s.u8('revision_id');
  s.u8('class_prog');
  s.le16('class_device', 'base class (high byte) and sub-class');
  s.u8('cache_line_size');
  s.u8('latency_timer');
  s.u8('header_type', headerType === 0 ? 'type 0: endpoint' : headerType === 1 ? 'type 1: PCI-to-PCI bridge' : `type ${headerType}`);
  s.u8('bist');
  if (headerType === 0) {
    for (let i = 0; i < 6; i++) s.le32(`base_address_${i}`);
    s.le32('cardbus_cis');
    s.le16('subsystem_vendor_id');
    s.le16('subsystem_id');
    s.le32('rom_address');
    s.u8('capability_list');
    s.bytes('reserved', 7, 'buffer');
    s.u8('interrupt_line');
    s.u8('interrupt_pin', 'INTA..INTD = 1..4, 0 = none');
    s.u8('min_gnt');
    s.u8('max_lat');
  } else if (headerType === 1) {
    s.le32('base_address_0');
    s.le32('base_address_1');
    s.u8('primary_bus');
    s.u8('secondary_bus');
    s.u8('subordinate_bus');
    s.u8('sec_latency_timer');
    s.u8('io_base');
    s.u8('io_limit');
    s.le16('sec_status');
    s.le16('memory_base');
    s.le16('memory_limit');
    s.le16('pref_memory_base');
    s.le16('pref_memory_limit');
    s.le32('pref_base_upper32');
    s.le32('pref_limit_upper32');
    s.le16('io_base_upper16');
    s.le16('io_limit_upper16');
    s.u8('capability_list');
    s.bytes('reserved', 3, 'buffer');
    s.le32('rom_address1');
    s.u8('interrupt_line');
    s.u8('interrupt_pin', 'INTA..INTD = 1..4, 0 = none');
    s.le16('bridge_control');
  } else {
    s.bytes('header_rest', PCI_STD_HEADER_SIZEOF - 0x10, 'buffer', `header type ${headerType}: not decoded (QEMU emulates only types 0 and 1)`);
  }
}

function emitDeviceSpecific(s: NodeSink, configStart: number, caps: readonly PciCapability[]): void {
  const list = caps.map((c) => `${hex(c.offset)} ${capName(c.id)}`).join(', ');
  emitSparseRegion(s, 'device_specific', configStart + PCI_STD_HEADER_SIZEOF, configStart + PCI_CONFIG_SPACE_SIZE, caps.length > 0 ? `capabilities: ${list}` : 'no capability list', (inner) => {
    const r = inner.r;
    // Capability headers in offset order; one that overlaps the previous one is left out of
    // the tree (it is still in the note), so every byte has one owner.
    let end = configStart + PCI_STD_HEADER_SIZEOF;
    for (const cap of [...caps].sort((x, y) => x.offset - y.offset)) {
      const at = configStart + cap.offset;
      if (at < end) continue;
      r.pos = at - r.base;
      const isMsix = cap.id === PCI_CAP_ID_MSIX && cap.offset + 12 <= PCI_CONFIG_SPACE_SIZE;
      inner.group(
        `cap@${hex(cap.offset)}`,
        (c) => {
          c.u8('cap_id');
          c.u8('cap_next');
          if (isMsix) {
            const qsize = ((r.peekAt(r.at) ?? 0) | ((r.peekAt(r.at + 1) ?? 0) << 8)) & PCI_MSIX_FLAGS_QSIZE;
            c.le16('msix_flags', `table size ${qsize + 1} (QSIZE + 1)`);
            c.le32('msix_table', 'BAR indicator (bits 2:0) and offset of the MSI-X table');
            c.le32('msix_pba', 'BAR indicator (bits 2:0) and offset of the pending bits');
          }
        },
        { note: capName(cap.id) },
      );
      end = r.at;
    }
  });
}

function emitExtended(s: NodeSink, configStart: number): void {
  const le32At = (off: number): number => {
    const b = (i: number): number => s.r.peekAt(configStart + off + i) ?? 0;
    return (b(0) | (b(1) << 8) | (b(2) << 16) | (b(3) << 24)) >>> 0;
  };
  // PCIe 4.0 7.6.3: the extended capability header is a le32 (id 15:0, version 19:16, next
  // 31:20); the list starts at 0x100, and an all-zero header there means no capabilities.
  const found: { readonly offset: number; readonly label: string }[] = [];
  const seen = new Set<number>();
  for (let ptr = PCI_CONFIG_SPACE_SIZE; ptr >= PCI_CONFIG_SPACE_SIZE && ptr + 4 <= PCIE_CONFIG_SPACE_SIZE && !seen.has(ptr); ) {
    seen.add(ptr);
    const h = le32At(ptr);
    if (h === 0 || h === 0xffffffff) break;
    found.push({ offset: ptr, label: `${extCapName(h & 0xffff)} v${(h >>> 16) & 0xf}` });
    ptr = (h >>> 20) & 0xffc;
  }
  const note = found.length > 0 ? `extended capabilities: ${found.map((c) => `${hex(c.offset)} ${c.label}`).join(', ')}` : 'no extended capabilities';
  emitSparseRegion(s, 'extended', configStart + PCI_CONFIG_SPACE_SIZE, configStart + PCIE_CONFIG_SPACE_SIZE, note, (inner) => {
    for (const cap of [...found].sort((a, b) => a.offset - b.offset)) {
      inner.r.pos = configStart + cap.offset - inner.r.base;
      inner.le32(`ext_cap@${hex(cap.offset)}`, `${cap.label}: header (id 15:0, version 19:16, next 31:20)`);
    }
  });
}

/**
 * A byte range of config space whose children name only some of its bytes (capability
 * headers at the offsets the chain gives): `fill` reads with a reader of its own, then the
 * outer reader moves past the whole range.
 */
function emitSparseRegion(s: NodeSink, name: string, from: number, to: number, note: string, fill: (inner: NodeSink) => void): void {
  const children: DecodedNode[] = [];
  const path = [...s.path, name];
  fill(new NodeSink(new StateReader(s.r.bytes, s.r.base), path, children));
  s.r.skip(to - from, `PCI config ${name}`);
  s.push({ kind: 'field', name, path, start: from, end: to, type: 'buffer', value: { offset: from, length: to - from }, children, note });
}

function capName(id: number): string {
  const n = CAP_NAMES[id];
  return n !== undefined && n !== '' ? n : `capability ${hex(id, 2)}`;
}

function extCapName(id: number): string {
  const n = EXT_CAP_NAMES[id];
  return n !== undefined && n !== '' ? n : `extended capability ${hex(id, 4)}`;
}

/** `pci irq state`: one be32 per pin; get_pci_irq_state() refuses anything but 0 and 1. */
export function emitIrqState(sink: NodeSink, name: string): DecodedNode {
  const start = sink.r.at;
  return sink.group(name, emitIrqPins, { kind: 'field', type: 'pci irq state', value: { offset: start, length: PCI_NUM_PINS * 4 } });
}

export function emitIrqPins(s: NodeSink): void {
  for (const pin of ['INTA', 'INTB', 'INTC', 'INTD']) {
    const v = s.be32(pin);
    const last = s.into[s.into.length - 1];
    if (v > 1 && last !== undefined) last.note = `irq state ${v}: must be 0 or 1 (get_pci_irq_state refuses it)`;
  }
}

/** msix_save(): the table, then the pending bits. */
export function emitMsixTable(sink: NodeSink, vectors: number): void {
  const start = sink.r.at;
  sink.r.need(vectors * PCI_MSIX_ENTRY_SIZE, 'MSI-X table');
  sink.group(
    'msix_table',
    (s) => {
      for (let i = 0; i < vectors; i++) {
        s.group(`entry[${i}]`, (e) => {
          e.le64('addr');
          e.le32('data');
          e.le32('ctrl');
        });
      }
    },
    { type: 'buffer', value: { offset: start, length: vectors * PCI_MSIX_ENTRY_SIZE }, note: `${vectors} vectors; each entry: message address, data, vector control (bit 0 = masked)` },
  );
  sink.bytes('msix_pba', Math.ceil(vectors / 8), 'buffer', 'pending bits, one per vector');
}

/** The vector count of an `msix state` field from its length: 16 n + ceil(n / 8) is one-to-one. */
export function msixVectorsForLength(length: number): number | undefined {
  const n = Math.floor((length * 8) / (8 * PCI_MSIX_ENTRY_SIZE + 1));
  for (const k of [n - 1, n, n + 1]) if (k > 0 && k * PCI_MSIX_ENTRY_SIZE + Math.ceil(k / 8) === length) return k;
  return undefined;
}
