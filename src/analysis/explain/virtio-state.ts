/**
 * The opaque `virtio` field of virtio devices (`VMSTATE_VIRTIO_DEVICE`), written by
 * `virtio_save()` in hw/virtio/virtio.c, 5.2 - 11.1:
 *
 *   transport config     virtio-pci `virtio_pci_save_config()`: the PCIDevice vmsd (int32
 *                        version, 256-byte config, 4 x be32 irq state), MSI-X table (16 bytes per
 *                        vector) and pending bits when MSI-X is present, then be16 config vector;
 *                        virtio-mmio `virtio_mmio_save_config()`: 3 x be32
 *   u8 status, u8 isr, be16 queue_sel, be32 guest features (low 32 bits)
 *   be32 config_len, config bytes
 *   be32 number of queues, per queue: be32 num, [be32 align: virtio-mmio], be64 desc address,
 *                        be16 last_avail_idx, [be16 MSI-X vector: virtio-pci with MSI-X]
 *   device state         the device's legacy `save` and its `vdc->vmsd` (device-specific)
 *   `virtio` vmsd        no fields; subsections `virtio/...` (features high bits, ring
 *                        addresses, transport extra state, started, disabled ...)
 *
 * The transport part, the queues and the `virtio` subsections are decoded; the device state is
 * only located (its bytes lie between the queues and the first `virtio/` subsection) and stays
 * opaque: its layout is a per-device vmsd that `-dump-vmstate` does not list. A result is
 * `verified` only when every byte from the field's start to its end is accounted for: the
 * subsections must end exactly where the field ends. Checked on every virtio stream in
 * fixtures/ (5.2, 7.2, 11.1; virtio-pci on pc-i440fx, pc-q35 and aarch64 virt, virtio-mmio on
 * virt), see virtio-state.test.ts.
 */

/** VIRTIO_QUEUE_MAX (include/hw/virtio/virtio.h), 1024 in every version read here. */
export const VIRTIO_QUEUE_MAX = 1024;

export type VirtioTransport = 'pci' | 'mmio';

export interface VirtioPart {
  readonly name: string;
  /** Absolute stream offset. */
  readonly offset: number;
  readonly length: number;
  readonly value?: string | undefined;
  readonly children?: readonly VirtioPart[] | undefined;
}

export interface VirtioQueue {
  readonly index: number;
  readonly num: number;
  readonly align?: number | undefined;
  readonly desc: bigint;
  readonly lastAvailIdx: number;
  readonly vector?: number | undefined;
}

export interface VirtioSubsection {
  readonly name: string;
  readonly version: number;
  readonly offset: number;
  readonly length: number;
}

export interface VirtioState {
  readonly transport: VirtioTransport;
  readonly offset: number;
  readonly length: number;
  readonly msixVectors: number;
  readonly status: number;
  readonly isr: number;
  readonly queueSel: number;
  readonly guestFeaturesLow: number;
  readonly configLength: number;
  readonly queues: readonly VirtioQueue[];
  /** Device-specific bytes between the queues and the `virtio` subsections (opaque). */
  readonly deviceState: { readonly offset: number; readonly length: number };
  readonly subsections: readonly VirtioSubsection[];
  /** Every byte of the field accounted for. */
  readonly verified: boolean;
  /** Why not verified, when it is not. */
  readonly note?: string | undefined;
  /** The field as a tree for a view. */
  readonly parts: readonly VirtioPart[];
}

export type VirtioDecode =
  | { readonly ok: true; readonly value: VirtioState }
  | { readonly ok: false; readonly reason: string; readonly offset: number };

/** Subsection bodies of the `virtio` vmsd whose sizes do not depend on device state. */
const FIXED_BODIES: Readonly<Record<string, number>> = {
  'virtio/device_endian': 1,
  'virtio/64bit_features': 8,
  // VMSTATE_STRUCT_VARRAY_POINTER_KNOWN(vq, ..., VIRTIO_QUEUE_MAX): always all 1024 queues.
  'virtio/virtqueues': VIRTIO_QUEUE_MAX * 16,
  'virtio/ringsize': VIRTIO_QUEUE_MAX * 4,
  'virtio/broken': 1,
  'virtio/started': 1,
  'virtio/packed_virtqueues': VIRTIO_QUEUE_MAX * 10,
  'virtio/disabled': 1,
};

/**
 * Transport extra state (`virtio/extra_state`): the transport's own vmsd, fields none, one
 * subsection. virtio_pci/modern_state: dfselect, gfselect, guest_features[2] (16 bytes), then
 * per queue num u16, unused 1, enabled bool, desc/avail/used [2] u32 (28 bytes).
 * virtio_mmio/state (modern virtio-mmio only; not in the real streams, which are legacy):
 * guest_features[2], then per queue num u16, enabled bool, desc/avail/used [2] u32 (27 bytes).
 */
const EXTRA_STATE_BODIES: Readonly<Record<string, number>> = {
  'virtio_pci/modern_state': 16 + VIRTIO_QUEUE_MAX * 28,
  'virtio_mmio/state': 8 + VIRTIO_QUEUE_MAX * 27,
};

const PCI_CONFIG_SIZE = 256;
const PCIE_CONFIG_SIZE = 4096;
const PCI_CAP_ID_EXP = 0x10;
const PCI_CAP_ID_MSIX = 0x11;

class Reader {
  pos: number;
  constructor(
    readonly bytes: Uint8Array,
    readonly base: number,
    start: number,
    readonly end: number,
  ) {
    this.pos = start;
  }
  has(n: number): boolean {
    return this.pos + n <= this.end;
  }
  u8(): number {
    return this.bytes[this.pos++] ?? 0;
  }
  u16(): number {
    const v = ((this.bytes[this.pos] ?? 0) << 8) | (this.bytes[this.pos + 1] ?? 0);
    this.pos += 2;
    return v;
  }
  u32(): number {
    const v = (((this.bytes[this.pos] ?? 0) << 24) >>> 0) + (((this.bytes[this.pos + 1] ?? 0) << 16) | ((this.bytes[this.pos + 2] ?? 0) << 8) | (this.bytes[this.pos + 3] ?? 0));
    this.pos += 4;
    return v;
  }
  u64(): bigint {
    const hi = BigInt(this.u32());
    const lo = BigInt(this.u32());
    return (hi << 32n) | lo;
  }
  /** Absolute stream offset of the current position. */
  get at(): number {
    return this.base + this.pos;
  }
}

/**
 * Decodes a `virtio` field. `bytes` holds the stream (or a window of it starting at stream
 * offset `base`); `offset`/`length` are the field's absolute range.
 */
export function decodeVirtioState(bytes: Uint8Array, base: number, offset: number, length: number, transport: VirtioTransport): VirtioDecode {
  const start = offset - base;
  const end = start + length;
  if (start < 0 || end > bytes.length) return { ok: false, reason: 'the field lies outside the bytes given', offset };
  const r = new Reader(bytes, base, start, end);
  const parts: VirtioPart[] = [];
  const fail = (reason: string): VirtioDecode => ({ ok: false, reason, offset: r.at });

  let msixVectors = 0;
  if (transport === 'pci') {
    const pci = readPciTransport(r, parts);
    if (typeof pci === 'string') return fail(pci);
    msixVectors = pci;
  } else {
    if (!r.has(12)) return fail('stream ends inside the virtio-mmio transport config');
    const at = r.at;
    const sel = [r.u32(), r.u32(), r.u32()];
    parts.push({ name: 'transport (virtio-mmio)', offset: at, length: 12, value: `host_features_sel ${sel[0]}, guest_features_sel ${sel[1]}, guest_page_shift ${sel[2]}` });
  }

  if (!r.has(12)) return fail('stream ends inside the virtio header');
  const headerAt = r.at;
  const status = r.u8();
  const isr = r.u8();
  const queueSel = r.u16();
  const guestFeaturesLow = r.u32();
  const configLength = r.u32();
  if (queueSel >= VIRTIO_QUEUE_MAX) return fail(`queue_sel ${queueSel} is not below VIRTIO_QUEUE_MAX (${VIRTIO_QUEUE_MAX})`);
  if (!r.has(configLength)) return fail(`config_len ${configLength} runs past the field`);
  const configAt = r.at;
  r.pos += configLength;
  parts.push({
    name: 'header',
    offset: headerAt,
    length: 12 + configLength,
    children: [
      { name: 'status', offset: headerAt, length: 1, value: hex(status, 2) },
      { name: 'isr', offset: headerAt + 1, length: 1, value: hex(isr, 2) },
      { name: 'queue_sel', offset: headerAt + 2, length: 2, value: String(queueSel) },
      { name: 'guest_features (low 32 bits)', offset: headerAt + 4, length: 4, value: hex(guestFeaturesLow, 8) },
      { name: 'config_len', offset: headerAt + 8, length: 4, value: String(configLength) },
      { name: 'config', offset: configAt, length: configLength },
    ],
  });

  if (!r.has(4)) return fail('stream ends before the number of queues');
  const numAt = r.at;
  const num = r.u32();
  if (num > VIRTIO_QUEUE_MAX) return fail(`Invalid number of virtqueues: 0x${num.toString(16)}`);
  const perQueue = 4 + (transport === 'mmio' ? 4 : 0) + 8 + 2 + (msixVectors > 0 ? 2 : 0);
  if (!r.has(num * perQueue)) return fail(`${num} queues of ${perQueue} bytes run past the field`);
  const queues: VirtioQueue[] = [];
  const queueParts: VirtioPart[] = [];
  for (let i = 0; i < num; i++) {
    const at = r.at;
    const qnum = r.u32();
    const align = transport === 'mmio' ? r.u32() : undefined;
    const desc = r.u64();
    const lastAvailIdx = r.u16();
    const vector = msixVectors > 0 ? r.u16() : undefined;
    queues.push({ index: i, num: qnum, align, desc, lastAvailIdx, vector });
    queueParts.push({
      name: `queue ${i}`,
      offset: at,
      length: perQueue,
      value: `num ${qnum}${align !== undefined ? `, align ${align}` : ''}, desc 0x${desc.toString(16)}, last_avail_idx ${lastAvailIdx}${vector !== undefined ? `, vector ${vector === 0xffff ? 'none' : vector}` : ''}`,
    });
  }
  parts.push({ name: 'queues', offset: numAt, length: 4 + num * perQueue, value: String(num), children: queueParts });

  const deviceAt = r.pos;
  const tail = findVirtioSubsections(bytes, deviceAt, end);
  const deviceLength = (tail?.start ?? end) - deviceAt;
  parts.push({ name: 'device state', offset: base + deviceAt, length: deviceLength, value: deviceLength === 0 ? 'none' : 'opaque (per-device vmsd)' });
  const subsections: VirtioSubsection[] = [];
  if (tail !== undefined) {
    for (const s of tail.list) {
      subsections.push({ name: s.name, version: s.version, offset: base + s.start, length: s.end - s.start });
      parts.push({ name: s.name, offset: base + s.start, length: s.end - s.start, value: `v${s.version}` });
    }
  }
  const note =
    tail === undefined
      ? `no 'virtio/' subsection ends exactly at the end of the field: the ${end - deviceAt} bytes after the queues are left opaque`
      : undefined;
  return {
    ok: true,
    value: {
      transport,
      offset,
      length,
      msixVectors,
      status,
      isr,
      queueSel,
      guestFeaturesLow,
      configLength,
      queues,
      deviceState: { offset: base + deviceAt, length: deviceLength },
      subsections,
      verified: tail !== undefined,
      note,
      parts,
    },
  };
}

/** Returns the MSI-X vector count, or why the transport config cannot be read. */
function readPciTransport(r: Reader, parts: VirtioPart[]): number | string {
  if (!r.has(4 + PCI_CONFIG_SIZE + 16)) return 'stream ends inside the PCI config';
  const at = r.at;
  const configStart = r.pos + 4;
  const config = r.bytes.subarray(configStart, configStart + PCI_CONFIG_SIZE);
  const caps = capabilities(config);
  // A PCI Express function saves its 4 KiB config space (PCIDevice vmsd, is_express test).
  const configSize = caps.has(PCI_CAP_ID_EXP) ? PCIE_CONFIG_SIZE : PCI_CONFIG_SIZE;
  if (!r.has(4 + configSize + 16)) return 'stream ends inside the PCI config';
  const version = r.u32();
  r.pos += configSize;
  r.pos += 16;
  const children: VirtioPart[] = [
    { name: 'PCIDevice version_id', offset: at, length: 4, value: String(version) },
    { name: 'config', offset: at + 4, length: configSize },
    { name: 'irq_state', offset: at + 4 + configSize, length: 16 },
  ];
  let vectors = 0;
  const msix = caps.get(PCI_CAP_ID_MSIX);
  if (msix !== undefined) {
    vectors = ((config[msix + 2] ?? 0) | ((config[msix + 3] ?? 0) << 8)) & 0x7ff;
    vectors += 1;
    const table = vectors * 16;
    const pba = Math.ceil(vectors / 8);
    if (!r.has(table + pba + 2)) return 'stream ends inside the MSI-X state';
    children.push({ name: `msix table (${vectors} vectors)`, offset: r.at, length: table });
    r.pos += table;
    children.push({ name: 'msix pending bits', offset: r.at, length: pba });
    r.pos += pba;
    const cvAt = r.at;
    const configVector = r.u16();
    children.push({ name: 'config_vector', offset: cvAt, length: 2, value: configVector === 0xffff ? 'none' : String(configVector) });
  }
  parts.push({ name: 'transport (virtio-pci)', offset: at, length: r.at - at, children });
  return vectors;
}

/** Capability id → offset of its first occurrence in a conventional config space. */
function capabilities(config: Uint8Array): Map<number, number> {
  const out = new Map<number, number>();
  const statusHasCaps = ((config[0x06] ?? 0) & 0x10) !== 0;
  if (!statusHasCaps) return out;
  let ptr = (config[0x34] ?? 0) & 0xfc;
  for (let guard = 0; ptr >= 0x40 && ptr < PCI_CONFIG_SIZE && guard < 48; guard++) {
    const id = config[ptr] ?? 0;
    if (!out.has(id)) out.set(id, ptr);
    ptr = (config[ptr + 1] ?? 0) & 0xfc;
  }
  return out;
}

interface TailSubsection {
  readonly name: string;
  readonly version: number;
  readonly start: number;
  readonly end: number;
}

/**
 * The first position from which `virtio/` subsections of known sizes run exactly to `end`.
 * The device state before it has no marker of its own, hence the search.
 */
function findVirtioSubsections(bytes: Uint8Array, from: number, end: number): { start: number; list: TailSubsection[] } | undefined {
  for (let s = from; s < end; s++) {
    if (bytes[s] !== 0x05) continue;
    const list = parseTail(bytes, s, end);
    if (list !== undefined) return { start: s, list };
  }
  return undefined;
}

function parseTail(bytes: Uint8Array, start: number, end: number): TailSubsection[] | undefined {
  const list: TailSubsection[] = [];
  let pos = start;
  while (pos < end) {
    const head = subsectionHeader(bytes, pos, end, 'virtio/');
    if (head === undefined) return undefined;
    let bodyEnd: number | undefined;
    if (head.name === 'virtio/extra_state') {
      bodyEnd = extraStateEnd(bytes, head.bodyStart, end);
    } else {
      const size = FIXED_BODIES[head.name];
      if (size !== undefined) bodyEnd = head.bodyStart + size;
    }
    if (bodyEnd === undefined || bodyEnd > end) return undefined;
    list.push({ name: head.name, version: head.version, start: pos, end: bodyEnd });
    pos = bodyEnd;
  }
  return pos === end && list.length > 0 ? list : undefined;
}

function extraStateEnd(bytes: Uint8Array, from: number, end: number): number | undefined {
  let pos = from;
  for (;;) {
    const head = subsectionHeader(bytes, pos, end, 'virtio_');
    if (head === undefined) return pos;
    const size = EXTRA_STATE_BODIES[head.name];
    if (size === undefined) return undefined;
    pos = head.bodyStart + size;
  }
}

function subsectionHeader(bytes: Uint8Array, pos: number, end: number, prefix: string): { name: string; version: number; bodyStart: number } | undefined {
  if (pos + 2 > end || bytes[pos] !== 0x05) return undefined;
  const len = bytes[pos + 1] ?? 0;
  if (len === 0 || pos + 2 + len + 4 > end) return undefined;
  let name = '';
  for (let i = 0; i < len; i++) {
    const c = bytes[pos + 2 + i] ?? 0;
    if (c < 0x20 || c > 0x7e) return undefined;
    name += String.fromCharCode(c);
  }
  if (!name.startsWith(prefix)) return undefined;
  const v = pos + 2 + len;
  const version = (((bytes[v] ?? 0) << 24) >>> 0) + (((bytes[v + 1] ?? 0) << 16) | ((bytes[v + 2] ?? 0) << 8) | (bytes[v + 3] ?? 0));
  return { name, version, bodyStart: v + 4 };
}

function hex(n: number, digits: number): string {
  return `0x${n.toString(16).padStart(digits, '0')}`;
}
