/**
 * Feature bits: `virtio_load()` (hw/virtio/virtio.c), once the device state and the `virtio/*`
 * subsections are read and before the rings are checked against guest memory, runs the stream's
 * guest features through `virtio_set_features_nocheck()`, which fails when the guest has a bit
 * the destination device does not offer (its host features). QEMU prints
 * `Features 0x%" PRIx64 " unsupported. Allowed features: 0x%" PRIx64` (5.2, 7.2, 10.0; with
 * `0x%x` and only bits 0-31 checked when the destination device offers nothing above bit 31),
 * or 11.1's 128-bit `Features 0x%016lx%016lx unsupported. Allowed features: 0x%016lx%016lx`, and
 * the load fails. See docs/runtime-checks-sources.md §2 row 12 and §10.
 *
 * The destination's host features are in no input migscope takes (a destination sample shows
 * only what its guest negotiated, a lower bound), so they are computed from the sources
 * (virtio-host-features.ts); the sample only settles bits the computation leaves unknown.
 */
import { virtioFacts, type VirtioFacts } from '../../format/index.ts';
import type { ExplainNote } from '../explain/model.ts';
import { compareVersions, formatQemuVersion } from '../explain/qemu-version.ts';
import { makeFailure } from '../explain/stories.ts';
import { hex, toFailureSection } from '../explain/stream-locate.ts';
import { fieldOfType, sampleSection, type RuntimeDestination, type RuntimeSection } from './context.ts';
import type { PropertySources } from './device-properties.ts';
import { deviceFieldCheckLines } from './messages.ts';
import type { CheckOutcome, DestinationInput, RuntimeCheckSpec } from './model.ts';
import { bitsOf, featureLabel } from './virtio-feature-names.ts';
import { bitFact, hostFeatures, offeredMask, releaseOf, RELEASES, type HostFeatures, type Release } from './virtio-host-features.ts';

export const VIRTIO_FEATURES_CHECK: RuntimeCheckSpec = {
  family: 'virtio-features',
  message: 'Features 0x%" PRIx64 " unsupported. Allowed features: 0x%" PRIx64 (11.1: Features 0x%016lx%016lx unsupported. Allowed features: 0x%016lx%016lx)',
  source: 'hw/virtio/virtio.c virtio_load() → virtio_set_features_nocheck()',
  releases: 'every release read (5.2, 7.2, 10.0: 64 bits; 11.1: 128 bits)',
  inputs: ['--dest-version', '--dest-cmdline', '--dest-sample'],
};

const M64 = (1n << 64n) - 1n;

/** What one release's virtio_load() would decide on the stream's features. */
interface Judgement {
  readonly release: Release;
  readonly host: HostFeatures;
  /** The bits virtio_set_features_nocheck() is given. */
  readonly checked: bigint;
  readonly offending: readonly number[];
  readonly unknown: readonly number[];
  /** Offered for sure: what `Allowed features:` prints (as far as it is known). */
  readonly allowed: bigint;
  /** QEMU's line for this release, were the unknown bits not offered. */
  readonly line: string;
  /** The value the line quotes and where it sits. */
  readonly quoted: { readonly offset: number; readonly length: number; readonly from: string };
}

export function checkVirtioFeatures(section: RuntimeSection, dest: RuntimeDestination): CheckOutcome | undefined {
  const node = section.located.node;
  const field = node !== undefined ? fieldOfType(node, 'virtio') : undefined;
  if (field === undefined) return undefined;
  const spec = VIRTIO_FEATURES_CHECK;
  const facts = virtioFacts(field);
  const { idstr } = section.record;
  if (facts === undefined) {
    return risk(section, ['--dest-sample'], `${idstr}: the virtio state could not be decoded (${field.note ?? 'opaque'}), so its guest features cannot be compared with what the destination device offers`, undefined, undefined);
  }
  if (facts.features.value === 0n) return { verdict: 'passes', spec };
  const sample = sampleFeatures(section, dest);
  if (facts.transport === 'ccw') {
    // virtio-ccw's host features are not modelled: only the destination's own guest can vouch.
    if (sample !== undefined && (facts.features.value & ~sample) === 0n) return { verdict: 'passes', spec };
    return risk(section, ['--dest-sample'], `${idstr}: the guest negotiated features 0x${facts.features.value.toString(16)} over virtio-ccw, whose host features migscope does not compute; a destination sample whose guest negotiated them settles it`, undefined, facts.features.offset);
  }
  const transport = facts.transport;
  const release = releaseOf(dest.version);
  if (release !== undefined) {
    const j = judge(release, hostFor(section, dest, release, transport, true), facts, sample);
    if (j.offending.length > 0) return { verdict: 'fails', spec, failure: failure(section, dest, facts, j) };
    if (j.unknown.length > 0) {
      const f = bitFact(j.host, j.unknown[0] as number);
      const inputs = [...new Set(j.unknown.map((b) => bitFact(j.host, b)).flatMap((x) => (x.state === 'unknown' ? [x.missing] : [])))];
      // Bits above 31 the device lacks, when whether it offers any bit above 31 is not known.
      const missing: DestinationInput[] = inputs.length > 0 ? inputs : ['--dest-sample'];
      const text = `${idstr}: the guest negotiated ${j.unknown.map((b) => featureLabel(j.host.vmsd, b)).join(', ')}, and whether QEMU ${release}'s ${j.host.device} offers ${j.unknown.length === 1 ? 'it' : 'them'} is not known (${f.why}); virtio_load() refuses the load when it does not`;
      return risk(section, missing, text, j.line, facts.features.offset);
    }
    return { verdict: 'passes', spec };
  }
  // A release whose source was not read: what each release read would decide.
  const all = RELEASES.map((r) => judge(r, hostFor(section, dest, r, transport, false), facts, sample));
  const v = dest.version;
  const inside = v === undefined || (compareVersions(v, { major: 5, minor: 2 }) > 0 && compareVersions(v, { major: 11, minor: 1 }) < 0);
  if (inside && all.every((j) => j.offending.length === 0 && j.unknown.length === 0)) return { verdict: 'passes', spec };
  const refusing = all.filter((j) => j.offending.length > 0 || j.unknown.length > 0);
  // Releases that decide alike are named together: `QEMU 7.2, 10.0 and 11.1 may refuse ...`.
  const byVerdict = new Map<string, Release[]>();
  for (const j of refusing) {
    const what = `${j.offending.length > 0 ? 'refuses' : 'may refuse'} ${[...j.offending, ...j.unknown].map((b) => featureLabel(j.host.vmsd, b)).join(', ')}`;
    byVerdict.set(what, [...(byVerdict.get(what) ?? []), j.release]);
  }
  const differ = [...byVerdict].map(([what, rs]) => `QEMU ${rs.length > 1 ? `${rs.slice(0, -1).join(', ')} and ${rs[rs.length - 1] ?? ''}` : (rs[0] ?? '')} ${what}`).join('; ');
  const unknowns = refusing.flatMap((j) => j.unknown.map((b) => bitFact(j.host, b))).flatMap((f) => (f.state === 'unknown' ? [f] : []));
  const whys = [...new Set(unknowns.map((f) => f.why))];
  const where = v === undefined ? "the destination's release is not known" : `QEMU ${formatQemuVersion(v)}'s source was not read`;
  const text =
    `${idstr}: the guest negotiated features 0x${facts.features.value.toString(16)}; ${where}, and ` +
    `${differ.length > 0 ? `of the releases read, ${differ}` : 'every release read (5.2 - 11.1) offers them, but this one lies outside that span'}${whys.length > 0 ? ` (not known: ${whys.join('; ')})` : ''}`;
  const missing = [...new Set<DestinationInput>([v === undefined ? '--dest-version' : '--dest-sample', ...unknowns.map((f) => f.missing)])];
  return risk(section, missing, text, refusing[0]?.line, facts.features.offset);
}

/** The destination's host features for one release: the build's compat properties when it has them. */
function hostFor(section: RuntimeSection, dest: RuntimeDestination, release: Release, transport: 'pci' | 'mmio', sameBuild: boolean): HostFeatures {
  const own = dest.properties;
  const machine = dest.machineType;
  // A query-machines reply the user gave wins; else the known build's (10.0, 11.1); else the
  // hw_compat table of the sources (virtio-host-features.ts).
  const compat = own.compat ?? (sameBuild && machine !== undefined ? dest.build?.virtioCompat?.get(machine) : undefined);
  const properties: PropertySources = sameBuild ? { ...own, compat } : { ...own, compat: own.compat, defaults: undefined };
  const vmsd = section.record.idstr.slice(section.record.idstr.lastIndexOf('/') + 1);
  return hostFeatures({ vmsd, placed: section.placed, transport, release, machineType: machine, properties, cmdline: dest.cmdline });
}

function sampleFeatures(section: RuntimeSection, dest: RuntimeDestination): bigint | undefined {
  const s = sampleSection(dest, section);
  const field = s !== undefined ? fieldOfType(s.node, 'virtio') : undefined;
  return field !== undefined ? virtioFacts(field)?.features.value : undefined;
}

function judge(release: Release, host: HostFeatures, facts: VirtioFacts, sample: bigint | undefined): Judgement {
  // A bit the destination's own guest negotiated is offered there, whatever the table says.
  const byGuest = (bit: number): boolean => sample !== undefined && ((sample >> BigInt(bit)) & 1n) === 1n;
  let allowed = offeredMask(host);
  const stream = facts.features;
  let checked: bigint;
  let quoted: Judgement['quoted'];
  let line: (allowed: bigint) => string;
  const from64 = facts.guestFeatures64 !== undefined ? 'virtio/64bit_features' : 'the virtio state (bits 0-31)';
  if (release === '11.1') {
    // VIRTIO_FEATURES_FMT: two 64-bit words, high word first, each %016lx.
    checked = stream.value;
    const w = (x: bigint): string => `${(x >> 64n).toString(16).padStart(16, '0')}${(x & M64).toString(16).padStart(16, '0')}`;
    // It prints vdev->guest_features_ex after virtio_set_features_nocheck() has reduced it to
    // the offered bits: the refused ones are missing from the first value (seen with 11.1.3).
    line = (a) => `Features 0x${w(checked & a)} unsupported. Allowed features: 0x${w(a)}`;
    quoted = { offset: stream.offset, length: stream.length, from: facts.guestFeatures128 !== undefined ? `${from64} and virtio/128bit_features` : from64 };
  } else if (allowed >> 32n !== 0n || highUnknown(host)) {
    // virtio_64bit_features_needed(): the destination offers bits above 31 (when that itself
    // is not known, a bit above 31 it lacks may or may not be checked: it stays unknown below).
    checked = stream.value & M64;
    line = (a) => `Features 0x${checked.toString(16)} unsupported. Allowed features: 0x${a.toString(16)}`;
    quoted = { offset: stream.offset, length: stream.length, from: from64 };
  } else {
    const low = facts.guestFeaturesLow;
    checked = BigInt(low.value);
    line = (a) => `Features 0x${low.value.toString(16)} unsupported. Allowed features: 0x${a.toString(16)}`;
    quoted = { offset: low.offset, length: low.length, from: 'the virtio state (bits 0-31; the destination device offers nothing above bit 31)' };
  }
  const offending: number[] = [];
  const unknown: number[] = [];
  for (const bit of bitsOf(checked)) {
    const f = bitFact(host, bit);
    if (f.state === 'on') continue;
    if (byGuest(bit)) {
      allowed |= 1n << BigInt(bit);
      continue;
    }
    const maybeUnchecked = release !== '11.1' && bit >= 32 && offeredMask(host) >> 32n === 0n;
    (f.state === 'off' && !maybeUnchecked ? offending : unknown).push(bit);
  }
  return { release, host, checked, offending, unknown, allowed, line: line(allowed), quoted };
}

/** Whether the destination device may offer a bit above 31 that is not known for sure. */
function highUnknown(host: HostFeatures): boolean {
  return [...host.facts].some(([bit, f]) => bit >= 32 && f.state === 'unknown');
}

function failure(section: RuntimeSection, dest: RuntimeDestination, facts: VirtioFacts, j: Judgement) {
  const { idstr, instanceId } = section.record;
  const vmsd = j.host.vmsd;
  const path = idstr.includes('/') ? idstr.slice(0, idstr.lastIndexOf('/')) : undefined;
  const qemu = `QEMU ${j.release}`;
  const device = j.host.device;
  const offending = j.offending.map((b) => ({ bit: b, fact: bitFact(j.host, b) }));
  const list = offending.map(({ bit, fact }) => `${featureLabel(vmsd, bit)}: ${fact.why}`).join('; ');
  const unknown = j.unknown.length > 0 ? ` Also not known to be offered: ${j.unknown.map((b) => `${featureLabel(vmsd, b)} (${bitFact(j.host, b).why})`).join('; ')}.` : '';
  const explanation =
    `${device}${path !== undefined ? ` at ${path}` : ''} (section '${idstr}') carries guest features 0x${j.checked.toString(16)} at ${hex(j.quoted.offset)} (${j.quoted.from}): the bits its guest negotiated with the source. ` +
    `${qemu}'s virtio_load() runs them through virtio_set_features_nocheck() against the bits the destination's ${device} offers (its host features, computed from ${qemu}'s source: the virtio-device and transport properties, and ${device}'s get_features()) and refuses the load when the guest has one the device does not offer. ` +
    `The destination does not offer ${offending.length === 1 ? 'this bit' : 'these bits'}: ${list}.${unknown} ` +
    `"Allowed features" is the destination's offer as computed (0x${j.allowed.toString(16)})` +
    (j.release === '11.1' ? `; 11.1 prints the guest features already reduced to that offer, so the refused bits are the ones missing from its first value.` : '.');
  const fixes = [...new Set(offending.map(({ fact }) => (fact.state === 'off' ? fact.fix : '')))].filter((x) => x !== '');
  const fix = `${fixes.join(' ')} A cold boot always works: shut the guest down and start it on the destination, where it negotiates what that device offers.`;
  // The quoted value holds bits 0-63 (or 0-31); bits 64-127 are their own value.
  const values = [{ name: 'guest features', offset: j.quoted.offset, length: j.quoted.length, value: `0x${(j.checked & M64).toString(16)}` }];
  if (facts.guestFeatures128 !== undefined) values.push({ name: 'guest features (bits 64-127)', offset: facts.guestFeatures128.offset, length: facts.guestFeatures128.length, value: `0x${facts.guestFeatures128.value.toString(16)}` });
  return makeFailure({
    cause: 'DEVICE_CHECK_FAILED',
    section: toFailureSection(section.located),
    field: facts.guestFeatures64 !== undefined && j.quoted.offset === facts.guestFeatures64.offset ? 'virtio/virtio/64bit_features/guest_features' : 'virtio/guest_features',
    offset: j.quoted.offset,
    length: j.quoted.length,
    message: deviceFieldCheckLines([j.line], idstr, instanceId, vmsd, 'virtio', 'virtio', -1, dest.version),
    explanation,
    fix,
    values,
  });
}

function risk(section: RuntimeSection, missing: DestinationInput[], text: string, line: string | undefined, offset: number | undefined): CheckOutcome {
  const note: ExplainNote = {
    severity: 'at-risk',
    code: 'VIRTIO_FEATURES_UNKNOWN',
    text: `${text}; give ${missing.join(' / ')} to settle it`,
    section: toFailureSection(section.located),
    offset,
    cause: 'DEVICE_CHECK_FAILED',
    message: line ?? VIRTIO_FEATURES_CHECK.message,
    fix: missing.includes('--dest-sample') ? 'Give a stream the destination build saved with the same configuration after its guest booted (--dest-sample): the features its guest negotiated are offered there.' : `Give ${missing.join(', ')}.`,
  };
  return { verdict: 'at-risk', spec: VIRTIO_FEATURES_CHECK, note, missing };
}
