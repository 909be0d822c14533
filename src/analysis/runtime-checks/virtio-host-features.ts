/**
 * The feature bits a destination virtio device offers (its "host features"): what
 * `virtio_load()` compares the stream's guest features with. Computed as QEMU builds them,
 * per release, from the Debian sources of 5.2, 7.2, 10.0.13 and 11.1.1
 * (docs/runtime-checks-sources.md §10), for each device:
 *
 * 1. `virtio-device`'s properties (DEFINE_VIRTIO_COMMON_FEATURES: indirect_desc, event_idx,
 *    notify_on_empty, any_layout, iommu_platform, packed, + queue_reset from 7.2, in_order from
 *    10.0);
 * 2. the transport's pre_plugged hook: virtio-pci adds VIRTIO_F_VERSION_1 unless
 *    disable-modern=on, and VIRTIO_F_BAD_FEATURE always; virtio-mmio adds VERSION_1 only with
 *    force-legacy=off;
 * 3. the device's `get_features()`: its own DEFINE_PROP_BIT64 host_features, the bits it always
 *    adds, and what it removes (virtio-net: the offloads its netdev cannot carry), in
 *    virtio-device-features.ts;
 * 4. virtio_bus_device_plugged(): IOMMU_PLATFORM again when iommu_platform=on.
 *
 * Property values come from effectiveProperty() (the build's -device help or the source default,
 * the machine type's compat properties, -global, the -device option). A bit that depends on
 * something no input gives (the host kernel, a vhost backend, a device the table lacks) is
 * `unknown`, never guessed.
 */
import type { PlacedDevice } from '../explain/device-placement.ts';
import type { DeviceOption, QemuCommandLine } from '../explain/qemu-cmdline.ts';
import { compareVersions, type QemuVersion } from '../explain/qemu-version.ts';
import { compatMachineVersion } from '../build-profiles/index.ts';
import { effectiveProperty, type EffectiveProperty, type KnownCompat, type PropertySources } from './device-properties.ts';
import type { DestinationInput } from './model.ts';
import { hasUserVfs, type Answer } from './virtio-backends.ts';
import { DEVICE_RULES } from './virtio-device-features.ts';

/** The releases whose sources were read. */
export type Release = '5.2' | '7.2' | '10.0' | '11.1';
export const RELEASES: readonly Release[] = ['5.2', '7.2', '10.0', '11.1'];

export function releaseOf(v: QemuVersion | undefined): Release | undefined {
  return RELEASES.find((r) => v !== undefined && r === `${v.major}.${v.minor}`);
}

const rank = (r: Release): number => RELEASES.indexOf(r);
const from = (release: Release, first: Release): boolean => rank(release) >= rank(first);

export type BitFact =
  | { readonly state: 'on'; readonly why: string }
  | { readonly state: 'off'; readonly why: string; readonly fix: string }
  | { readonly state: 'unknown'; readonly why: string; readonly missing: DestinationInput };

export interface HostFeatures {
  readonly release: Release;
  /** The destination's device as the explanation names it (`virtio-net-pci`). */
  readonly device: string;
  /** Every bit the release's code says something about for this device. */
  readonly facts: ReadonlyMap<number, BitFact>;
  /** False for a device migscope has no table of: its own bits are then unknown. */
  readonly deviceKnown: boolean;
  readonly vmsd: string;
}

export interface HostFeatureInputs {
  /** The section's vmsd name: `virtio-net`, `virtio-blk`, `virtio-console`, ... */
  readonly vmsd: string;
  readonly placed: PlacedDevice | undefined;
  readonly transport: 'pci' | 'mmio';
  readonly release: Release;
  readonly machineType: string | undefined;
  readonly properties: PropertySources;
  readonly cmdline: QemuCommandLine | undefined;
}

/** The fact of one bit: bits a known device's code never mentions are never offered. */
export function bitFact(h: HostFeatures, bit: number): BitFact {
  const f = h.facts.get(bit);
  if (f !== undefined) return f;
  if (!h.deviceKnown && (bit < 24 || bit > 41)) return { state: 'unknown', why: `the feature bits of ${h.device} are not in migscope's table`, missing: '--dest-sample' };
  return {
    state: 'off',
    why: `QEMU ${h.release}'s ${h.device} never offers it (no property or code of that release sets it)`,
    fix: `Only a destination release whose ${h.device} offers it loads this stream; otherwise the guest must renegotiate (a cold boot on the destination).`,
  };
}

/** The virtio backend type behind a section's vmsd name: `virtio-net-device`; virtio-serial's vmsd is `virtio-console`. */
function backendOf(vmsd: string): string {
  return vmsd === 'virtio-console' ? 'virtio-serial-device' : `${vmsd}-device`;
}

/**
 * The hw_compat arrays that set a feature property, for machine types 2.4 and later
 * (hw/core/machine.c of each release; pc_compat arrays set virtio features only for 2.0 and
 * older). An array hw_compat_X_Y exists in the releases after X.Y that still have machine types
 * that old (`in`: 11.1 dropped the arrays of 4.0 and older with those machine types; the `scsi`
 * entry left with the property in 10.0) and applies to machine types up to X.Y; the last array
 * applied (the oldest) wins.
 */
const UP_TO_10_0: readonly Release[] = ['5.2', '7.2', '10.0'];
const FEATURE_COMPAT: readonly { readonly array: string; readonly upTo: QemuVersion; readonly qomType: string; readonly property: string; readonly value: string; readonly in?: readonly Release[] }[] = [
  ...['host_tunnel', 'host_tunnel_csum', 'guest_tunnel', 'guest_tunnel_csum'].map((property) => ({ array: 'hw_compat_10_1', upTo: { major: 10, minor: 1 }, qomType: 'virtio-net-device', property, value: 'off' })),
  ...['host_uso', 'guest_uso4', 'guest_uso6'].map((property) => ({ array: 'hw_compat_8_1', upTo: { major: 8, minor: 1 }, qomType: 'virtio-net-device', property, value: 'off' })),
  { array: 'hw_compat_7_1', upTo: { major: 7, minor: 1 }, qomType: 'virtio-device', property: 'queue_reset', value: 'false' },
  { array: 'hw_compat_5_1', upTo: { major: 5, minor: 1 }, qomType: 'virtio-blk-device', property: 'num-queues', value: '1' },
  { array: 'hw_compat_5_0', upTo: { major: 5, minor: 0 }, qomType: 'virtio-balloon-device', property: 'page-poison', value: 'false' },
  { array: 'hw_compat_4_2', upTo: { major: 4, minor: 2 }, qomType: 'virtio-blk-device', property: 'x-enable-wce-if-config-wce', value: 'off' },
  { array: 'hw_compat_4_0', upTo: { major: 4, minor: 0 }, qomType: 'virtio-vga', property: 'edid', value: 'false', in: UP_TO_10_0 },
  { array: 'hw_compat_4_0', upTo: { major: 4, minor: 0 }, qomType: 'virtio-gpu-device', property: 'edid', value: 'false', in: UP_TO_10_0 },
  { array: 'hw_compat_3_1', upTo: { major: 3, minor: 1 }, qomType: 'virtio-blk-device', property: 'discard', value: 'false', in: UP_TO_10_0 },
  { array: 'hw_compat_3_1', upTo: { major: 3, minor: 1 }, qomType: 'virtio-blk-device', property: 'write-zeroes', value: 'false', in: UP_TO_10_0 },
  { array: 'hw_compat_2_7', upTo: { major: 2, minor: 7 }, qomType: 'virtio-serial-device', property: 'emergency-write', value: 'off', in: UP_TO_10_0 },
  { array: 'hw_compat_2_6', upTo: { major: 2, minor: 6 }, qomType: 'virtio-pci', property: 'disable-modern', value: 'on', in: UP_TO_10_0 },
  { array: 'hw_compat_2_4', upTo: { major: 2, minor: 4 }, qomType: 'virtio-blk-device', property: 'scsi', value: 'true', in: ['5.2', '7.2'] },
];

/** What the release's hw_compat arrays set `property` to for the machine type, when no query-machines reply says. */
export function featureCompat(release: Release, machineType: string | undefined, types: readonly string[], property: string): KnownCompat | undefined {
  if (machineType === undefined) return undefined;
  const mt = compatMachineVersion(machineType);
  // An unversioned name is an alias of the release's newest type or a board: no array applies.
  if (mt === undefined) return /^(pc|q35|virt|microvm|isapc|none)$/.test(machineType) ? { value: undefined, why: `${machineType} takes no hw_compat array` } : undefined;
  if (compareVersions(mt, { major: 2, minor: 4 }) < 0) return undefined;
  const [major, minor] = release.split('.').map(Number) as [number, number];
  const applied = FEATURE_COMPAT.filter(
    (c) => c.property === property && types.includes(c.qomType) && compareVersions(c.upTo, { major, minor }) < 0 && (c.in === undefined || c.in.includes(release)) && compareVersions(mt, c.upTo) <= 0,
  );
  const last = applied[applied.length - 1];
  if (last === undefined) return { value: undefined, why: `no hw_compat array of QEMU ${release} sets ${property} for ${machineType ?? ''}` };
  return { value: normalise(last.value), why: `${machineType ?? ''} sets ${last.qomType}.${property}=${last.value} (${last.array})` };
}

const normalise = (v: string): string => (/^(true|on|yes)$/i.test(v) ? 'on' : /^(false|off|no)$/i.test(v) ? 'off' : v);

/**
 * Defaults in the sources (the DEFINE_PROP lines), for properties whose device the build's
 * -device help does not list (the proxies' own properties, devices outside the real runs).
 * Only properties that exist in the release are ever asked for.
 */
const SOURCE_DEFAULTS: Readonly<Record<string, string>> = {
  indirect_desc: 'on',
  event_idx: 'on',
  notify_on_empty: 'on',
  any_layout: 'on',
  iommu_platform: 'off',
  packed: 'off',
  queue_reset: 'on',
  in_order: 'off',
  'disable-modern': 'off',
  'force-legacy': 'on',
  // virtio-net: every host_features bit is on but these.
  mq: 'off',
  rss: 'off',
  hash: 'off',
  guest_rsc_ext: 'off',
  host_mtu: '0',
  'x-mtu-bypass-backend': 'on',
  speed: '-1',
  failover: 'off',
  // virtio-blk
  'config-wce': 'on',
  scsi: 'off',
  discard: 'on',
  'write-zeroes': 'on',
  'x-enable-wce-if-config-wce': 'on',
  'num-queues': '65535',
  'write-cache': 'auto',
  // virtio-balloon
  'deflate-on-oom': 'off',
  'free-page-hint': 'off',
  'page-poison': 'on',
  'free-page-reporting': 'off',
  // virtio-serial, virtio-gpu, virtio-scsi
  'emergency-write': 'on',
  max_ports: '31',
  edid: 'on',
  blob: 'off',
  virgl: 'on',
  hotplug: 'on',
  param_change: 'on',
};

export class Builder {
  readonly facts = new Map<number, BitFact>();
  private readonly types: readonly string[];

  constructor(
    private readonly inputs: HostFeatureInputs,
    readonly device: string,
    private readonly option: DeviceOption | undefined,
  ) {
    const proxy = inputs.transport === 'pci' ? 'virtio-pci' : 'virtio-mmio';
    const q = inputs.placed?.qomType;
    const base = q !== undefined && /-pci/.test(q) ? `${q.replace(/-(non-)?transitional$/, '')}-base` : undefined;
    const chain = [q, base, proxy, backendOf(inputs.vmsd), 'virtio-device'];
    this.types = chain.filter((t, i): t is string => t !== undefined && chain.indexOf(t) === i);
  }

  get release(): Release {
    return this.inputs.release;
  }

  /** Is the destination `first` or a later release read? */
  since(first: Release): boolean {
    return from(this.inputs.release, first);
  }

  prop(name: string, types: readonly string[] = this.types): EffectiveProperty {
    const sources = this.inputs.properties;
    // A build's -device help lists the devices of the real runs only: for another type, or a
    // proxy's own property, the source default stands in.
    const helpHas = sources.defaults !== undefined && types.some((t) => sources.defaults?.devices.get(t)?.has(name) === true);
    const own = helpHas ? sources : { ...sources, defaults: undefined };
    const def = SOURCE_DEFAULTS[name];
    const sourceDefault: KnownCompat | undefined = def !== undefined ? { value: def, why: `the default in QEMU ${this.inputs.release}'s source` } : undefined;
    return effectiveProperty(own, types, name, this.option, featureCompat(this.inputs.release, this.inputs.machineType, types, name), sourceDefault);
  }

  on(bit: number, why: string): void {
    this.facts.set(bit, { state: 'on', why });
  }

  off(bit: number, why: string, fix: string): void {
    this.facts.set(bit, { state: 'off', why, fix });
  }

  unknown(bit: number, why: string, missing: DestinationInput): void {
    this.facts.set(bit, { state: 'unknown', why, missing });
  }

  /** A DEFINE_PROP_BIT64 / DEFINE_PROP_BIT: on when the property is on. */
  propBit(name: string, bit: number, types?: readonly string[]): void {
    const p = this.prop(name, types);
    if (!p.known) this.unknown(bit, `${name}: ${p.why}`, p.missing);
    else if (p.value === 'on') this.on(bit, `${name}=on (${p.detail})`);
    else this.off(bit, `${name}=${p.value} on the destination (${p.detail})`, this.setFix(name, 'on', p));
  }

  /** How to give the destination `name=value` (`value` in angle brackets when it is the source's). */
  setFix(name: string, value: string, p: EffectiveProperty): string {
    const dev = this.device;
    const why = p.known && p.origin === 'machine compat property' ? `; this overrides what the machine type sets (${p.detail})` : '';
    return `Start the destination's ${dev} with ${name}=${value} (-device ${dev},...,${name}=${value}${why}), as the source evidently had it.`;
  }

  /** Turn an `on` bit off (a get_features() removal); bits already off keep their reason. */
  clear(bit: number, why: string, fix: string): void {
    if (this.facts.get(bit)?.state === 'on') this.off(bit, why, fix);
  }

  /** Turn an `on` bit unknown (it depends on something no input gives). */
  blur(bit: number, why: string, missing: DestinationInput): void {
    if (this.facts.get(bit)?.state === 'on') this.unknown(bit, why, missing);
  }

  /** The release never offers the bit: name the release that first does. */
  missingIn(bit: number, first: Release, what: string): void {
    this.off(
      bit,
      `QEMU ${this.inputs.release} has no ${what} (it first appears in ${first} among the releases read)`,
      `Load the stream on QEMU ${first} or later, or start the source VM without it (${what}=off) before the guest boots, so the guest never negotiates it.`,
    );
  }

  apply(answer: Answer<boolean>, bits: readonly number[], whenFalse: (why: string) => [string, string]): void {
    for (const bit of bits) {
      if (!answer.known) this.blur(bit, answer.why, answer.missing);
      else if (!answer.value) {
        const [why, fix] = whenFalse(answer.why);
        this.clear(bit, why, fix);
      }
    }
  }
}

export function hostFeatures(inputs: HostFeatureInputs): HostFeatures {
  const { vmsd, release, transport } = inputs;
  const device = inputs.placed?.qomType ?? backendOf(vmsd);
  const b = new Builder(inputs, device, inputs.placed?.option);
  // 1. virtio-device's common properties (DEFINE_VIRTIO_COMMON_FEATURES, hw/virtio/virtio.c virtio_properties).
  b.propBit('notify_on_empty', 24);
  b.propBit('any_layout', 27);
  b.propBit('indirect_desc', 28);
  b.propBit('event_idx', 29);
  b.propBit('iommu_platform', 33);
  b.propBit('packed', 34);
  if (from(release, '7.2')) b.propBit('queue_reset', 40);
  else b.missingIn(40, '7.2', 'queue_reset');
  if (from(release, '10.0')) b.propBit('in_order', 35);
  else b.missingIn(35, '10.0', 'in_order');
  // 2. The transport's pre_plugged hook.
  if (transport === 'pci') {
    b.on(30, 'virtio_pci_pre_plugged() adds it to every virtio-pci device');
    const modern = b.prop('disable-modern');
    if (!modern.known) b.unknown(32, `disable-modern: ${modern.why}`, modern.missing);
    else if (modern.value === 'off') b.on(32, `virtio_pci_pre_plugged() adds it: the device is modern (disable-modern=off, ${modern.detail})`);
    else b.off(32, `disable-modern=${modern.value} (${modern.detail}): a legacy-only device`, b.setFix('disable-modern', 'off', modern));
    if (release === '11.1') {
      const vfs = hasUserVfs(inputs.cmdline, inputs.placed?.option);
      if (!vfs.known) b.unknown(37, vfs.why, vfs.missing);
      else b.off(37, `virtio_pci_device_plugged() adds it only to a PCI Express PF with user-created VFs: ${vfs.why}`, 'Give the destination the same SR-IOV VFs (sriov-pf=) as the source.');
    }
  } else {
    const legacy = b.prop('force-legacy', ['virtio-mmio']);
    if (!legacy.known) b.unknown(32, `force-legacy: ${legacy.why}`, legacy.missing);
    else if (legacy.value === 'off') b.on(32, `virtio_mmio_pre_plugged() adds it: force-legacy=off (${legacy.detail})`);
    else b.off(32, `virtio-mmio force-legacy=${legacy.value} (${legacy.detail}): the transport is legacy`, 'Start the destination with -global virtio-mmio.force-legacy=false, as the source evidently had it.');
  }
  // 3. The device's get_features().
  const deviceKnown = DEVICE_RULES[vmsd] !== undefined;
  DEVICE_RULES[vmsd]?.(b, inputs);
  return { release, device, facts: b.facts, deviceKnown, vmsd };
}

/** The bits offered for sure, as one value (what `Allowed features:` prints). */
export function offeredMask(h: HostFeatures): bigint {
  let m = 0n;
  for (const [bit, f] of h.facts) if (f.state === 'on') m |= 1n << BigInt(bit);
  return m;
}
