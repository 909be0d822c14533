/**
 * virtio_load() (hw/virtio/virtio.c) refuses a virtio device's state with messages that name
 * what it read: a queue (`VQ 0 vring.num 1024 exceeds allocated max 256`, 11.1), the queue
 * count, the features. This finds the node of that value in the section's decoded `virtio`
 * field (format's virtioFacts), so "the failing bytes" are that value's bytes, and quotes the
 * values around it, each at its own offset.
 */
import { virtioFacts, type Located, type VirtioFacts, type VirtioQueueFacts } from '../../format/index.ts';
import type { DecodedNode } from '../../format/model.ts';
import type { FailureValue } from './model.ts';

export interface VirtioFailurePlace {
  /** The value the message is about. */
  readonly node: DecodedNode;
  readonly values: readonly FailureValue[];
}

/** virtio_load's queue messages, by what each one checked (5.2 - 11.1 wording). */
const QUEUE_CHECKS: readonly { readonly re: RegExp; readonly value: (q: VirtioQueueFacts) => Located<number | bigint> }[] = [
  { re: /^VQ (\d+) vring\.num \d+ exceeds allocated max/, value: (q) => q.num },
  { re: /^VQ (\d+) address 0x0 inconsistent with Host index/, value: (q) => q.desc },
  { re: /^VQ (\d+) size 0x[0-9a-f]+ (?:< last_avail_idx|Guest index)/, value: (q) => q.lastAvailIdx },
];

export function locateVirtioFailure(section: DecodedNode, message: string): VirtioFailurePlace | undefined {
  const field = section.children?.find((c) => c.type === 'virtio');
  const facts = field !== undefined ? virtioFacts(field) : undefined;
  if (facts === undefined) return undefined;
  const features = featureValues(facts);
  for (const check of QUEUE_CHECKS) {
    const m = check.re.exec(message);
    if (m === null) continue;
    const q = facts.queues.find((x) => x.index === Number(m[1]));
    if (q === undefined) return undefined;
    const def = facts.ringsize?.defaults.get(q.index);
    const values = [quote(`VQ ${q.index} vring.num`, q.num), quote(`VQ ${q.index} vring.desc`, q.desc), quote(`VQ ${q.index} last_avail_idx`, q.lastAvailIdx)];
    if (def !== undefined) values.push(quote(`VQ ${q.index} vring.num_default (virtio/ringsize)`, def));
    return { node: check.value(q).node, values: [...values, ...features] };
  }
  if (/^Invalid number of virtqueues/.test(message)) return { node: facts.numQueues.node, values: [quote('num_queues', facts.numQueues)] };
  if (/^Features 0x[0-9a-f]+ unsupported/.test(message)) return { node: (facts.guestFeatures64 ?? facts.guestFeaturesLow).node, values: features };
  // A device's own check (`virtio-net: ...`) refused its device state, which stays opaque.
  const device = /^virtio-[\w-]+: /.test(message) ? field?.children?.find((c) => c.name === 'device_state') : undefined;
  const queues = facts.queues.map((q) => quote(`VQ ${q.index} vring.num`, q.num));
  return { node: device ?? (field as DecodedNode), values: [...features, ...queues] };
}

function featureValues(f: VirtioFacts): FailureValue[] {
  const out = [quote('guest_features (bits 0-31)', f.guestFeaturesLow, true)];
  if (f.guestFeatures64 !== undefined) out.push(quote('guest_features (virtio/64bit_features)', f.guestFeatures64, true));
  if (f.guestFeatures128 !== undefined) out.push(quote('guest_features_ex[1] (virtio/128bit_features)', f.guestFeatures128, true));
  return out;
}

function quote(name: string, v: Located<number | bigint>, asHex = false): FailureValue {
  const value = asHex ? `0x${v.value.toString(16)}` : v.value.toString();
  return { name, offset: v.offset, length: v.length, value };
}
