/**
 * Ring sizes: from 11.1, `virtio_load()` refuses a queue whose incoming `vring.num` exceeds the
 * size the destination device allocated for it (`VQ %d vring.num %u exceeds allocated max %u`,
 * hw/virtio/virtio.c, upstream "virtio: stop migrating num_default, validate vring.num on load",
 * merged after 11.1.0-rc1; absent from 5.2, 7.2, 10.0.13, 10.2.2 and 11.0.3). See
 * docs/runtime-checks-sources.md §1.
 *
 * The destination's allocation of each queue comes from, in order: a stream the destination
 * build saved with the same configuration (a queue the guest never set up, `vring.desc` 0, holds
 * exactly the allocated size; `virtio/ringsize`, sent up to 10.0, holds it for every queue), or
 * the device's queue-size table for its release and properties (virtio-queue-sizes.ts).
 */
import { virtioFacts, type VirtioFacts, type VirtioQueueFacts } from '../../format/index.ts';
import type { ExplainNote } from '../explain/model.ts';
import { atLeast, formatQemuVersion } from '../explain/qemu-version.ts';
import { makeFailure } from '../explain/stories.ts';
import { hex, toFailureSection } from '../explain/stream-locate.ts';
import { fieldOfType, sampleSection, type RuntimeDestination, type RuntimeSection } from './context.ts';
import { deviceFieldCheckLines } from './messages.ts';
import type { CheckOutcome, DestinationInput, Remedy, RuntimeCheckSpec } from './model.ts';
import { queueSizes, VIRTQUEUE_MAX_SIZE, type QueueSize } from './virtio-queue-sizes.ts';

export const VIRTIO_RING_CHECK: RuntimeCheckSpec = {
  family: 'virtio-rings',
  message: 'VQ %d vring.num %u exceeds allocated max %u',
  source: 'hw/virtio/virtio.c virtio_load()',
  releases: '11.1 and later (not in 5.2, 7.2, 10.0.13, 10.2.2, 11.0.3)',
  inputs: ['--dest-version', '--dest-cmdline', '--dest-sample'],
};

/** Properties that really change a queue's allocation; every other size is fixed in the source. */
const SETTABLE: Readonly<Record<string, { readonly prop: string; readonly roles: RegExp }>> = {
  'virtio-net': { prop: 'rx_queue_size', roles: /^rx\d*$/ },
  'virtio-blk': { prop: 'queue-size', roles: /^request queue/ },
  'virtio-scsi': { prop: 'virtqueue_size', roles: /./ },
};

interface Allocation {
  readonly size: number;
  /** True when the size is only a lower bound (a sample queue the guest had resized). */
  readonly atLeast: boolean;
  readonly from: string;
  readonly role: string;
}

export interface RingVerdict {
  readonly outcome: CheckOutcome;
  /** Every queue of this section that exceeds its allocation (for a fix across devices). */
  readonly over: readonly { readonly queue: VirtioQueueFacts; readonly alloc: Allocation }[];
}

export function checkVirtioRings(section: RuntimeSection, dest: RuntimeDestination): RingVerdict | undefined {
  const node = section.located.node;
  const field = node !== undefined ? fieldOfType(node, 'virtio') : undefined;
  if (field === undefined) return undefined;
  const spec = VIRTIO_RING_CHECK;
  const { idstr } = section.record;
  const version = dest.version;
  if (version !== undefined && !atLeast(version, 11, 1)) {
    return { outcome: { verdict: 'passes', spec }, over: [] };
  }
  const facts = virtioFacts(field);
  if (facts === undefined) {
    return risk(spec, section, ['--dest-sample'], `${idstr}: the virtio state could not be decoded (${field.note ?? 'opaque'}), so its ring sizes cannot be compared with the destination's ${versionText(dest)}`, []);
  }
  const vmsd = section.record.idstr.slice(section.record.idstr.lastIndexOf('/') + 1);
  const sampleFacts = sampleVirtio(section, dest);
  const table = queueSizes({
    vmsd,
    qomType: section.placed?.qomType,
    option: section.placed?.option,
    transport: facts.transport,
    version,
    machineType: dest.machineType,
    properties: dest.properties,
  });
  const over: { queue: VirtioQueueFacts; alloc: Allocation }[] = [];
  const unknown: { queue: VirtioQueueFacts; missing: DestinationInput; why: string }[] = [];
  for (const q of facts.queues) {
    if (q.num.value === 0) continue;
    const alloc = allocationOf(q.index, facts.queues.length, sampleFacts, table);
    if (alloc === undefined || (alloc.atLeast && q.num.value > alloc.size)) {
      const missing = table.known ? '--dest-sample' : table.missing;
      unknown.push({ queue: q, missing, why: table.known ? `the sample's queue ${q.index} was resized by its guest` : table.why });
      continue;
    }
    if (q.num.value > alloc.size) over.push({ queue: q, alloc });
  }
  const first = over[0];
  if (first !== undefined && version !== undefined) {
    return { outcome: { verdict: 'fails', spec, failure: ringFailure(section, dest, facts, over), remedy: remedyOf(section, over) }, over };
  }
  if (first !== undefined) {
    return {
      outcome: riskOutcome(spec, section, ['--dest-version'], `${idstr}: queue ${first.queue.index} has vring.num ${first.queue.num.value} (at ${hex(first.queue.num.offset)}) above the ${first.alloc.size} a QEMU 11.1 or later destination allocates (${first.alloc.from}); 11.1 refuses it ('VQ ${first.queue.index} vring.num ${first.queue.num.value} exceeds allocated max ${first.alloc.size}'), older releases load it`, first.queue.num.offset),
      over,
    };
  }
  const missing = unknown[0];
  if (missing !== undefined) {
    return {
      outcome: riskOutcome(spec, section, [missing.missing], `${idstr}: the destination's size of queue ${missing.queue.index} is not known (${missing.why}); from 11.1 QEMU refuses a vring.num (here ${missing.queue.num.value}) above it`, missing.queue.num.offset),
      over,
    };
  }
  return { outcome: { verdict: 'passes', spec }, over };
}

function versionText(dest: RuntimeDestination): string {
  return dest.version !== undefined ? `QEMU ${formatQemuVersion(dest.version)}` : 'QEMU';
}

function sampleVirtio(section: RuntimeSection, dest: RuntimeDestination): VirtioFacts | undefined {
  const s = sampleSection(dest, section);
  const field = s !== undefined ? fieldOfType(s.node, 'virtio') : undefined;
  return field !== undefined ? virtioFacts(field) : undefined;
}

/**
 * The story of a ring-size failure a destination log reports (`VQ i vring.num n exceeds
 * allocated max m`): the destination's own number for that queue, the table for the others.
 */
export function ringFailureFromLog(section: RuntimeSection, dest: RuntimeDestination, index: number, max: number) {
  const node = section.located.node;
  const field = node !== undefined ? fieldOfType(node, 'virtio') : undefined;
  const facts = field !== undefined ? virtioFacts(field) : undefined;
  if (facts === undefined) return undefined;
  const q = facts.queues.find((x) => x.index === index);
  if (q === undefined) return undefined;
  const vmsd = section.record.idstr.slice(section.record.idstr.lastIndexOf('/') + 1);
  const table = queueSizes({ vmsd, qomType: section.placed?.qomType, option: section.placed?.option, transport: facts.transport, version: dest.version, machineType: dest.machineType, properties: dest.properties });
  const over: { queue: VirtioQueueFacts; alloc: Allocation }[] = [];
  for (const other of facts.queues) {
    const size = table.known ? table.sizeOf(other.index, facts.queues.length) : undefined;
    if (other.index === index) {
      const from = size !== undefined && size.size === max ? size.from : "the destination's own message";
      over.push({ queue: other, alloc: { size: max, atLeast: false, from, role: size?.role ?? `queue ${index}` } });
    } else if (size !== undefined && other.num.value > size.size && other.index > index) {
      over.push({ queue: other, alloc: { size: size.size, atLeast: false, from: size.from, role: size.role } });
    }
  }
  return ringFailure(section, dest, facts, over);
}

function allocationOf(index: number, count: number, sample: VirtioFacts | undefined, table: ReturnType<typeof queueSizes>): Allocation | undefined {
  const tableSize: QueueSize | undefined = table.known ? table.sizeOf(index, count) : undefined;
  if (sample !== undefined) {
    const fromRingsize = sample.ringsize?.defaults.get(index);
    if (fromRingsize !== undefined) return { size: fromRingsize.value, atLeast: false, from: "the destination sample's virtio/ringsize", role: tableSize?.role ?? `queue ${index}` };
    const q = sample.queues.find((x) => x.index === index);
    if (q === undefined) return { size: 0, atLeast: false, from: 'the destination sample has no such queue', role: tableSize?.role ?? `queue ${index}` };
    // A queue the guest never set up is at its reset size, which is the allocated size.
    if (q.desc.value === 0n) return { size: q.num.value, atLeast: false, from: `the destination sample's queue ${index}, never set up and so at its allocated size`, role: tableSize?.role ?? `queue ${index}` };
    if (tableSize !== undefined && tableSize.size >= q.num.value) return { size: tableSize.size, atLeast: false, from: tableSize.from, role: tableSize.role };
    return { size: q.num.value, atLeast: true, from: `the destination sample's queue ${index}, as its guest set it up`, role: tableSize?.role ?? `queue ${index}` };
  }
  return tableSize !== undefined ? { size: tableSize.size, atLeast: false, from: tableSize.from, role: tableSize.role } : undefined;
}

function risk(spec: RuntimeCheckSpec, section: RuntimeSection, missing: DestinationInput[], text: string, over: RingVerdict['over']): RingVerdict {
  return { outcome: riskOutcome(spec, section, missing, text, undefined), over };
}

function riskOutcome(spec: RuntimeCheckSpec, section: RuntimeSection, missing: DestinationInput[], text: string, offset: number | undefined): CheckOutcome {
  const note: ExplainNote = {
    severity: 'at-risk',
    code: 'RING_SIZE_UNKNOWN',
    text: `${text}; give ${missing.join(' / ')} to settle it`,
    section: toFailureSection(section.located),
    offset,
    cause: 'DEVICE_CHECK_FAILED',
    message: spec.message,
    fix: missing.includes('--dest-sample') ? 'Give a stream the destination build saved with the same configuration (--dest-sample).' : `Give ${missing.join(', ')}.`,
  };
  return { verdict: 'at-risk', spec, note, missing };
}

/** The property that would give every refused queue of this device its saved size, if one does. */
function remedyOf(section: RuntimeSection, over: readonly { readonly queue: VirtioQueueFacts; readonly alloc: Allocation }[]): Remedy | undefined {
  const vmsd = section.record.idstr.slice(section.record.idstr.lastIndexOf('/') + 1);
  const settable = SETTABLE[vmsd];
  const placed = section.placed;
  if (settable === undefined || placed === undefined || over.some((o) => !settable.roles.test(o.alloc.role) || o.queue.num.value > VIRTQUEUE_MAX_SIZE)) return undefined;
  return { path: placed.path, driver: placed.qomType, property: settable.prop, value: String(Math.max(...over.map((o) => o.queue.num.value))) };
}

function listText(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1] ?? ''}`;
}

/** 10.0.13's signature: queues the guest never set up hold 1024, above the device's own size. */
export function looksLikeAllMaxSource(facts: VirtioFacts): boolean {
  const untouched = facts.queues.filter((q) => q.desc.value === 0n && q.num.value > 0);
  return untouched.length > 0 && untouched.every((q) => q.num.value === VIRTQUEUE_MAX_SIZE);
}

function ringFailure(section: RuntimeSection, dest: RuntimeDestination, facts: VirtioFacts, over: readonly { readonly queue: VirtioQueueFacts; readonly alloc: Allocation }[]) {
  const { queue: q, alloc } = over[0] as { readonly queue: VirtioQueueFacts; readonly alloc: Allocation };
  const { idstr, instanceId } = section.record;
  const vmsd = idstr.slice(idstr.lastIndexOf('/') + 1);
  const path = idstr.includes('/') ? idstr.slice(0, idstr.lastIndexOf('/')) : undefined;
  const qemu = dest.version !== undefined ? `QEMU ${formatQemuVersion(dest.version)}` : 'the destination QEMU';
  const first = `VQ ${q.index} vring.num ${q.num.value} exceeds allocated max ${alloc.size}`;
  const device = section.placed?.qomType ?? vmsd;
  const allMax = looksLikeAllMaxSource(facts);
  const untouched = q.desc.value === 0n;
  const settable = SETTABLE[vmsd];
  const fixed = over.filter((o) => settable === undefined || !settable.roles.test(o.alloc.role) || o.queue.num.value > VIRTQUEUE_MAX_SIZE);
  const canRaise = settable !== undefined && fixed.length === 0;
  const biggest = Math.max(...over.map((o) => o.queue.num.value));
  const overList = listText(over.map((o) => `${o.queue.index} (${o.alloc.role}: ${o.queue.num.value} > ${o.alloc.size})`));
  const explanation =
    `${device}${path !== undefined ? ` at ${path}` : ''} (section '${idstr}') carries queue ${q.index} (${alloc.role}) with vring.num ${q.num.value} at ${hex(q.num.offset)}` +
    `${untouched ? ', a queue the guest never set up (its descriptor address is 0)' : ''}. ` +
    `${qemu} allocates ${alloc.size} entries for that queue (${alloc.from}) and, from 11.1 on, virtio_load() refuses a saved ring larger than the allocation ` +
    `(upstream "virtio: stop migrating num_default, validate vring.num on load", with the virtio-mmio QUEUE_NUM_MAX fix of CVE-2026-50626: a larger ring let the in-order path index past the ${alloc.size}-entry used_elems array). ` +
    (allMax
      ? `Every queue this device never set up holds 1024 in the stream: the signature of QEMU 10.0.13, whose virtio_add_queue() makes every queue of every virtio device 1024 ("Always set to max queue size for qemu <11.1", the 10.0 stable form of that fix). 10.0.13 itself accepts such streams (it has no such check); 11.1 accepts 1024 only for virtio-mmio devices on machine types up to 11.0. `
      : `The source allocated a larger ring than the destination does (another release, or a larger ${settable?.prop ?? 'queue size'} on the source). `) +
    (allMax ? 'With the same command line on both sides this is a difference between the two QEMU releases, not between their configurations.' : '');
  const elsewhere = 'Whether the VM can move on to 11.1 from such a release is not known: only after the guest resets its virtio devices (a reboot) are its rings back to the destination\'s own sizes.';
  const fix = canRaise
    ? `Start the destination with ${settable.prop}=${biggest} on this ${device} (a power of 2 up to 1024), so it allocates what the stream's queues ${overList} hold; other virtio devices of the stream may still exceed sizes no property changes. Otherwise shut the guest down and boot it on the destination (a cold migration always works), or load the stream on a release without the check (10.0.x, 10.2, 11.0). ${elsewhere}`
    : `No destination setting makes this device's rings fit: queue${over.length === 1 ? '' : 's'} ${overList} exceed${over.length === 1 ? 's' : ''} the destination's sizes, and ${settable !== undefined ? `only ${settable.prop} can be raised (up to 1024); the other sizes are fixed in QEMU's source (virtio-net's tx_queue_size stops at 256 without a vhost-user or vDPA back-end)` : `${vmsd}'s queue sizes are fixed in QEMU's source`}. What works: shut the guest down and boot it on the destination (a cold migration), or load the stream on a release without the check (10.0.x, 10.2, 11.0). ${elsewhere}`;
  return makeFailure({
    cause: 'DEVICE_CHECK_FAILED',
    section: toFailureSection(section.located),
    field: `virtio/queues[${q.index}]/vring.num`,
    offset: q.num.offset,
    length: q.num.length,
    message: deviceFieldCheckLines([first], idstr, instanceId, vmsd, 'virtio', 'virtio', -1, dest.version),
    explanation,
    fix,
    values: [
      { name: `queue ${q.index} vring.num`, offset: q.num.offset, length: q.num.length, value: String(q.num.value) },
      { name: `queue ${q.index} vring.desc`, offset: q.desc.offset, length: q.desc.length, value: `0x${q.desc.value.toString(16)}` },
    ],
  });
}
