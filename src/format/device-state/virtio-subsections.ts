/**
 * The `virtio` vmsd that virtio_save() writes after the device state (hw/virtio/virtio.c
 * vmstate_virtio): no fields, only subsections, each `0x05, u8 len, name, be32 version, body`,
 * in this order, each at most once (vmstate_subsection_save). The bodies below are those of
 * 5.2, 7.2, 10.0 and 11.1; where a version differs it is said.
 *
 * The 1024-entry arrays (VMSTATE_STRUCT_VARRAY_POINTER_KNOWN over VIRTIO_QUEUE_MAX: every queue,
 * used or not) get one node per queue in use, or with any non-zero byte; each run of all-zero
 * entries of unused queues is one range, so a device shows a handful of nodes, not 1024.
 */
import { QEMU_VM_SUBSECTION } from '../stream/constants.ts';
import { LayoutMismatch, NodeSink, type StateReader } from './state-reader.ts';

/** VIRTIO_QUEUE_MAX (include/hw/virtio/virtio.h), 1024 in 5.2 - 11.1. */
export const VIRTIO_QUEUE_MAX = 1024;

export type VirtioTransport = 'pci' | 'mmio' | 'ccw';

/** What a body needs to know to lay itself out. */
export interface VirtioBodyContext {
  /** Queues saved in the main part (the first `num_queues`), i.e. in use. */
  readonly queuesInUse: number;
  readonly transport: VirtioTransport;
}

export interface SubsectionLayout {
  readonly name: string;
  /** Body size without nested subsections. */
  readonly size: number;
  /** Nested subsections that may follow the body, in order. */
  readonly subsections?: readonly SubsectionLayout[];
  readonly note?: string;
  readonly emit: (s: NodeSink, ctx: VirtioBodyContext) => void;
}

const modernQueue = (pci: boolean) => (e: NodeSink) => {
  e.be16('num');
  if (pci) e.bytes('unused', 1, 'unused_buffer', 'VMSTATE_UNUSED(1): enabled was once a be16');
  e.bool('enabled');
  for (const f of ['desc', 'avail', 'used']) {
    e.be32(`${f}[0]`);
    e.be32(`${f}[1]`);
  }
};

/**
 * The transport's own vmsd inside `virtio/extra_state` (virtio_pci_save_extra_state /
 * virtio_mmio_save_extra_state): no fields, one subsection. virtio_pci/modern_state is sent
 * for modern devices only; 11.1 adds features128 inside it when guest feature bits above 63
 * are set.
 */
const EXTRA_STATE: Readonly<Record<VirtioTransport, readonly SubsectionLayout[]>> = {
  pci: [
    {
      name: 'virtio_pci/modern_state',
      size: 16 + VIRTIO_QUEUE_MAX * 28,
      subsections: [
        {
          name: 'virtio_pci/modern_state/features128',
          size: 8,
          note: 'QEMU 11.1 and later',
          emit: (s) => {
            s.be32('guest_features[2]');
            s.be32('guest_features[3]');
          },
        },
      ],
      emit: (s, ctx) => {
        s.be32('dfselect');
        s.be32('gfselect');
        s.be32('guest_features[0]');
        s.be32('guest_features[1]');
        emitQueueArray(s, 'vqs', 28, ctx.queuesInUse, modernQueue(true));
      },
    },
  ],
  mmio: [
    {
      name: 'virtio_mmio/state',
      size: 8 + VIRTIO_QUEUE_MAX * 27,
      emit: (s, ctx) => {
        s.be32('guest_features[0]');
        s.be32('guest_features[1]');
        emitQueueArray(s, 'vqs', 27, ctx.queuesInUse, modernQueue(false));
      },
    },
  ],
  // virtio-ccw has no extra state (no has_extra_state), so virtio/extra_state is never sent.
  ccw: [],
};

/** vmstate_virtio's subsections in its order (the union over 5.2 - 11.1). */
export const VIRTIO_SUBSECTIONS: readonly SubsectionLayout[] = [
  { name: 'virtio/device_endian', size: 1, emit: (s) => void s.u8('device_endian', 'VIRTIO_DEVICE_ENDIAN_*: 1 little, 2 big') },
  {
    name: 'virtio/128bit_features',
    size: 8,
    note: 'QEMU 11.1 and later',
    emit: (s) => void s.be64('guest_features_ex[1]', 'guest feature bits 64-127'),
  },
  { name: 'virtio/64bit_features', size: 8, emit: (s) => void s.be64('guest_features', 'guest feature bits 0-63 (replaces the 32 bits of the main part)') },
  {
    name: 'virtio/virtqueues',
    size: VIRTIO_QUEUE_MAX * 16,
    emit: (s, ctx) =>
      emitQueueArray(s, 'vq', 16, ctx.queuesInUse, (e) => {
        e.be64('vring.avail');
        e.be64('vring.used');
      }),
  },
  {
    name: 'virtio/ringsize',
    size: VIRTIO_QUEUE_MAX * 4,
    note: 'sent up to 11.0 when a queue size differs from its default (the size the device allocated); 11.1 never sends it and skips these bytes when loading (VMSTATE_UNUSED)',
    emit: (s, ctx) => emitQueueArray(s, 'vq', 4, ctx.queuesInUse, (e) => void e.be32('vring.num_default')),
  },
  { name: 'virtio/broken', size: 1, emit: (s) => void s.bool('broken') },
  // Its body is the transport's own vmsd (EXTRA_STATE), planned and emitted as nested subsections.
  { name: 'virtio/extra_state', size: 0, emit: () => undefined },
  { name: 'virtio/started', size: 1, emit: (s) => void s.bool('started') },
  {
    name: 'virtio/packed_virtqueues',
    size: VIRTIO_QUEUE_MAX * 10,
    emit: (s, ctx) =>
      emitQueueArray(s, 'vq', 10, ctx.queuesInUse, (e) => {
        e.be16('last_avail_idx');
        e.bool('last_avail_wrap_counter');
        e.be16('used_idx');
        e.bool('used_wrap_counter');
        e.be32('inuse');
      }),
  },
  { name: 'virtio/disabled', size: 1, emit: (s) => void s.bool('disabled') },
];

/** A subsection found in the bytes: where its header, body and nested subsections are. */
export interface PlannedSubsection {
  readonly layout: SubsectionLayout;
  readonly version: number;
  /** Index into the field's bytes of the 0x05 marker. */
  readonly start: number;
  readonly bodyStart: number;
  readonly end: number;
  readonly nested: readonly PlannedSubsection[];
}

/**
 * Subsections from `layouts` starting at `pos`, as vmstate_subsection_load reads them: each
 * must come later in the list than the previous one; the first byte that is not a header of
 * a later one ends the list. Returns undefined when a header is one of ours but its body runs
 * past `end`.
 */
export function planSubsections(bytes: Uint8Array, pos: number, end: number, layouts: readonly SubsectionLayout[], ctx: VirtioBodyContext): { list: PlannedSubsection[]; end: number } | undefined {
  const list: PlannedSubsection[] = [];
  let next = 0;
  while (pos < end) {
    const head = readHeader(bytes, pos, end);
    if (head === undefined) break;
    const k = layouts.findIndex((l, i) => i >= next && l.name === head.name);
    // Every vmsd here is at version 1; another version would have another body.
    if (k < 0 || head.version !== 1) break;
    const layout = layouts[k] as SubsectionLayout;
    let bodyEnd = head.bodyStart + layout.size;
    let nested: PlannedSubsection[] = [];
    const inner = layout.name === 'virtio/extra_state' ? EXTRA_STATE[ctx.transport] : (layout.subsections ?? []);
    if (bodyEnd > end) return undefined;
    if (inner.length > 0) {
      const sub = planSubsections(bytes, bodyEnd, end, inner, ctx);
      if (sub === undefined) return undefined;
      nested = sub.list;
      bodyEnd = sub.end;
    }
    list.push({ layout, version: head.version, start: pos, bodyStart: head.bodyStart, end: bodyEnd, nested });
    pos = bodyEnd;
    next = k + 1;
  }
  return { list, end: pos };
}

/** A subsection header at `pos` naming one of `layouts`, at any version. */
export function startsKnownSubsection(bytes: Uint8Array, pos: number, end: number, layouts: readonly SubsectionLayout[]): boolean {
  const head = readHeader(bytes, pos, end);
  return head !== undefined && layouts.some((l) => l.name === head.name);
}

function readHeader(bytes: Uint8Array, pos: number, end: number): { name: string; version: number; bodyStart: number } | undefined {
  if (pos + 2 > end || bytes[pos] !== QEMU_VM_SUBSECTION) return undefined;
  const len = bytes[pos + 1] as number;
  if (len === 0 || pos + 2 + len + 4 > end) return undefined;
  let name = '';
  for (let i = 0; i < len; i++) {
    const c = bytes[pos + 2 + i] as number;
    if (c < 0x20 || c > 0x7e) return undefined;
    name += String.fromCharCode(c);
  }
  const v = pos + 2 + len;
  const version = (((bytes[v] as number) << 24) | ((bytes[v + 1] as number) << 16) | ((bytes[v + 2] as number) << 8) | (bytes[v + 3] as number)) >>> 0;
  return { name, version, bodyStart: v + 4 };
}

/** Emits planned subsections as `subsection` nodes: a header (marker, name, version_id), then the body. */
export function emitSubsections(sink: NodeSink, planned: readonly PlannedSubsection[], ctx: VirtioBodyContext): void {
  const r = sink.r;
  for (const p of planned) {
    if (r.pos !== p.start) throw new LayoutMismatch(r.at, `subsection '${p.layout.name}' planned at ${p.start}, reader at ${r.pos}`);
    sink.group(
      p.layout.name,
      (s) => {
        emitSubsectionHeader(s, p.layout.name);
        if (p.layout.name === 'virtio/extra_state') {
          emitExtraState(s, p, ctx);
          return;
        }
        p.layout.emit(s, ctx);
        emitSubsections(s, p.nested, ctx);
      },
      { kind: 'subsection', type: 'subsection', value: p.version, ...(p.layout.note !== undefined ? { note: p.layout.note } : {}) },
    );
  }
}

/** A subsection's header as nodes: the 0x05 marker, the counted name, the be32 version. */
export function emitSubsectionHeader(s: NodeSink, name: string): void {
  s.group(
    'header',
    (h) => {
      h.u8('marker', 'QEMU_VM_SUBSECTION');
      const nameAt = h.r.at;
      h.r.skip(1 + name.length, 'subsection name');
      h.push({ kind: 'field', name: 'name', path: [...h.path, 'name'], start: nameAt, end: h.r.at, type: 'counted string', value: name });
      h.be32('version_id');
    },
    { kind: 'header', type: 'subsection header' },
  );
}

/** The `extra_state` field (info `virtqueue_extra_state`): the transport's vmsd, its subsections only. */
function emitExtraState(s: NodeSink, p: PlannedSubsection, ctx: VirtioBodyContext): void {
  const length = p.end - p.bodyStart;
  const note = ctx.transport === 'pci' ? 'virtio_pci_save_extra_state(): vmstate virtio_pci' : `virtio_${ctx.transport}_save_extra_state(): vmstate virtio_${ctx.transport}`;
  if (length === 0) {
    // A legacy virtio-pci device: virtio_pci/modern_state is not needed, so nothing follows.
    const last = s.into[s.into.length - 1];
    if (last !== undefined) last.note = `${note}: empty (virtio_pci/modern_state is sent for modern devices only)`;
    return;
  }
  const start = s.r.at;
  s.group('extra_state', (e) => emitSubsections(e, p.nested, ctx), { kind: 'field', type: 'virtqueue_extra_state', value: { offset: start, length }, note });
}

/**
 * A VIRTIO_QUEUE_MAX-entry array: entries of queues in use, or with a non-zero byte, one node
 * each; each run of the others (all zero, of unused queues) one range.
 */
export function emitQueueArray(s: NodeSink, field: string, entrySize: number, inUse: number, emitEntry: (e: NodeSink) => void): void {
  const r: StateReader = s.r;
  r.need(VIRTIO_QUEUE_MAX * entrySize, `${field}[${VIRTIO_QUEUE_MAX}]`);
  let i = 0;
  while (i < VIRTIO_QUEUE_MAX) {
    if (i < inUse || !r.zeros(entrySize)) {
      s.group(`${field}[${i}]`, emitEntry);
      i++;
      continue;
    }
    const from = r.pos;
    let j = i;
    while (j < VIRTIO_QUEUE_MAX && r.zeros(entrySize)) {
      r.pos += entrySize;
      j++;
    }
    r.pos = from;
    const n = j - i;
    s.bytes(n === 1 ? `${field}[${i}]` : `${field}[${i}..${j - 1}]`, n * entrySize, 'buffer', `${n} ${n === 1 ? 'entry' : 'entries'} of ${entrySize} bytes for queues not in use, all zero`);
    i = j;
  }
}
