/**
 * Typed facts about one virtio device, read from the child nodes that virtio.ts gives a
 * `virtio` field: for checks that compare the stream with what a destination allows (queue
 * sizes, features, MSI-X vectors) and for explanations that quote each value at its bytes.
 *
 *   const facts = virtioFacts(fieldNode);          // the `virtio` field of a virtio section
 *   if (facts !== undefined) {
 *     const q0 = facts.queues[0];                  // { index: 0, num: { value: 1024, offset, length: 4 }, ... }
 *     facts.ringsize?.defaults[0]                  // `virtio/ringsize` vring.num_default of queue 0, when sent
 *     facts.features.value                         // all guest feature bits, as the loader combines them
 *   }
 *
 * Every value is a `Located<T>`: the value, the absolute stream offset of its first byte, its
 * length, and the node it came from. Undefined when the field was left opaque (its note says
 * why) or is not a `virtio` field. Nothing here reads bytes: it walks nodes.
 */
import type { DecodedNode } from '../model.ts';
import { bigintAt as big, booleanAt, byName, numberAt as num, type Located } from './located.ts';

export type { Located } from './located.ts';

export interface VirtioQueueFacts {
  readonly index: number;
  readonly node: DecodedNode;
  readonly num: Located<number>;
  /** virtio-mmio only. */
  readonly align?: Located<number> | undefined;
  readonly desc: Located<bigint>;
  readonly lastAvailIdx: Located<number>;
  /** virtio-pci with MSI-X only; 0xffff = none. */
  readonly vector?: Located<number> | undefined;
  /** From `virtio/virtqueues`, when sent. */
  readonly avail?: Located<bigint> | undefined;
  readonly used?: Located<bigint> | undefined;
}

export interface VirtioSubsectionFacts {
  readonly name: string;
  readonly version: number;
  readonly offset: number;
  readonly length: number;
  readonly node: DecodedNode;
}

export interface VirtioFacts {
  readonly transport: 'pci' | 'mmio' | 'ccw';
  readonly field: DecodedNode;
  readonly status: Located<number>;
  readonly isr: Located<number>;
  readonly queueSel: Located<number>;
  /** The be32 of the main part: feature bits 0-31. */
  readonly guestFeaturesLow: Located<number>;
  /** `virtio/64bit_features`: bits 0-63, when sent. */
  readonly guestFeatures64?: Located<bigint> | undefined;
  /** `virtio/128bit_features` (11.1+): bits 64-127, when sent. */
  readonly guestFeatures128?: Located<bigint> | undefined;
  /**
   * All guest feature bits as virtio_load() assembles them: the 64-bit subsection when sent,
   * else the low 32 bits; bits 64-127 from the 128-bit subsection. Its offset and length are
   * those of the value that supplied bits 0-31.
   */
  readonly features: Located<bigint>;
  readonly configLen: Located<number>;
  readonly numQueues: Located<number>;
  readonly queues: readonly VirtioQueueFacts[];
  /**
   * `virtio/ringsize` (sent up to 11.0 when a queue's size differs from its default): the
   * default of each queue that has its own node (queues in use, and any non-zero entry).
   */
  readonly ringsize?: { readonly subsection: VirtioSubsectionFacts; readonly defaults: ReadonlyMap<number, Located<number>> } | undefined;
  /** virtio-pci only. */
  readonly pci?: VirtioPciFacts | undefined;
  readonly deviceState: { readonly offset: number; readonly length: number };
  readonly subsections: readonly VirtioSubsectionFacts[];
  readonly started?: Located<boolean> | undefined;
  readonly broken?: Located<boolean> | undefined;
  readonly disabled?: Located<boolean> | undefined;
  readonly deviceEndian?: Located<number> | undefined;
}

export interface VirtioPciFacts {
  readonly vendorId: Located<number>;
  readonly deviceId: Located<number>;
  readonly subsystemId?: Located<number> | undefined;
  readonly config: { readonly offset: number; readonly length: number; readonly node: DecodedNode };
  /** Vectors in the MSI-X table (the capability's QSIZE + 1); 0 without MSI-X. */
  readonly msixVectors: number;
  /** The MSI-X capability's message control register, when present. */
  readonly msixFlags?: Located<number> | undefined;
  readonly configVector?: Located<number> | undefined;
}

export function virtioFacts(field: DecodedNode): VirtioFacts | undefined {
  if (field.type !== 'virtio' || field.children === undefined) return undefined;
  const kids = field.children;
  const transportNode = byName(kids, 'transport');
  const transport = transportNode?.value === 'virtio-pci' ? 'pci' : transportNode?.value === 'virtio-mmio' ? 'mmio' : transportNode?.value === 'virtio-ccw' ? 'ccw' : undefined;
  const status = num(kids, 'status');
  const isr = num(kids, 'isr');
  const queueSel = num(kids, 'queue_sel');
  const low = num(kids, 'guest_features');
  const configLen = num(kids, 'config_len');
  const numQueues = num(kids, 'num_queues');
  if (transport === undefined || transportNode === undefined || status === undefined || isr === undefined || queueSel === undefined || low === undefined || configLen === undefined || numQueues === undefined) return undefined;

  const subsections: VirtioSubsectionFacts[] = kids
    .filter((k) => k.kind === 'subsection')
    .map((k) => ({ name: k.name, version: typeof k.value === 'number' ? k.value : 0, offset: k.start, length: (k.end ?? k.start) - k.start, node: k }));
  const sub = (name: string): DecodedNode | undefined => subsections.find((s) => s.name === name)?.node;
  const vqEntry = (name: string, i: number): DecodedNode | undefined => byName(sub(name)?.children ?? [], `vq[${i}]`);

  const queues: VirtioQueueFacts[] = [];
  for (const q of kids) {
    const m = /^queues\[(\d+)\]$/.exec(q.name);
    if (m === null) continue;
    const index = Number(m[1]);
    const qk = q.children ?? [];
    const n = num(qk, 'vring.num');
    const desc = big(qk, 'vring.desc');
    const last = num(qk, 'last_avail_idx');
    if (n === undefined || desc === undefined || last === undefined) return undefined;
    const rings = vqEntry('virtio/virtqueues', index)?.children ?? [];
    queues.push({ index, node: q, num: n, align: num(qk, 'vring.align'), desc, lastAvailIdx: last, vector: num(qk, 'vector'), avail: big(rings, 'vring.avail'), used: big(rings, 'vring.used') });
  }

  const f64 = big(sub('virtio/64bit_features')?.children ?? [], 'guest_features');
  const f128 = big(sub('virtio/128bit_features')?.children ?? [], 'guest_features_ex[1]');
  const lowBits = f64 ?? { ...low, value: BigInt(low.value) };
  const features = { ...lowBits, value: lowBits.value | ((f128?.value ?? 0n) << 64n) };

  let ringsize: VirtioFacts['ringsize'];
  const rs = subsections.find((s) => s.name === 'virtio/ringsize');
  if (rs !== undefined) {
    const defaults = new Map<number, Located<number>>();
    for (const e of rs.node.children ?? []) {
      const m = /^vq\[(\d+)\]$/.exec(e.name);
      const v = m !== null ? num(e.children ?? [], 'vring.num_default') : undefined;
      if (m !== null && v !== undefined) defaults.set(Number(m[1]), v);
    }
    ringsize = { subsection: rs, defaults };
  }

  const dev = byName(kids, 'device_state');
  const afterQueues = queues.length > 0 ? (queues[queues.length - 1]?.node.end ?? numQueues.offset + 4) : numQueues.offset + 4;
  return {
    transport,
    field,
    status,
    isr,
    queueSel,
    guestFeaturesLow: low,
    guestFeatures64: f64,
    guestFeatures128: f128,
    features,
    configLen,
    numQueues,
    queues,
    ringsize,
    pci: transport === 'pci' ? pciFacts(transportNode) : undefined,
    deviceState: dev !== undefined ? { offset: dev.start, length: (dev.end ?? dev.start) - dev.start } : { offset: afterQueues, length: 0 },
    subsections,
    started: flag(sub('virtio/started'), 'started'),
    broken: flag(sub('virtio/broken'), 'broken'),
    disabled: flag(sub('virtio/disabled'), 'disabled'),
    deviceEndian: num(sub('virtio/device_endian')?.children ?? [], 'device_endian'),
  };
}

function pciFacts(transport: DecodedNode): VirtioPciFacts | undefined {
  const pci = byName(transport.children ?? [], 'pci');
  const config = byName(pci?.children ?? [], 'config');
  const ck = config?.children ?? [];
  const vendorId = num(ck, 'vendor_id');
  const deviceId = num(ck, 'device_id');
  if (config === undefined || vendorId === undefined || deviceId === undefined) return undefined;
  const caps = byName(ck, 'device_specific')?.children ?? [];
  // PCI_CAP_ID_MSIX
  const msixCap = caps.find((c) => num(c.children ?? [], 'cap_id')?.value === 0x11);
  const table = byName(transport.children ?? [], 'msix_table');
  return {
    vendorId,
    deviceId,
    subsystemId: num(ck, 'subsystem_id'),
    config: { offset: config.start, length: (config.end ?? config.start) - config.start, node: config },
    msixVectors: table?.children?.length ?? 0,
    msixFlags: msixCap !== undefined ? num(msixCap.children ?? [], 'msix_flags') : undefined,
    configVector: num(transport.children ?? [], 'config_vector'),
  };
}

function flag(sub: DecodedNode | undefined, name: string): Located<boolean> | undefined {
  return booleanAt(sub?.children ?? [], name);
}
