/**
 * Assigned devices and the hosts that could take them. A VM's VFIO devices come from its QEMU
 * command line (`-device vfio-pci,host=BDF` for a whole PCI function, `sysfsdev=/sys/bus/mdev/
 * devices/<uuid>` for a mediated device) or its libvirt domain XML (`<hostdev type='pci'>` with
 * a `<source><address domain= bus= slot= function=/>`, `<hostdev type='mdev'>` with `<address
 * uuid=.../>`). Neither says the mdev's type: that is in mdevctl's config of the device
 * (`/etc/mdevctl.d/<parent>/<uuid>`: `{"mdev_type": ..., "start": ..., "attrs": [...]}`), given
 * per uuid.
 *
 * A destination can take an mdev's state only with the same vendor driver and type (the
 * vendor bytes of hw/vfio/migration.c are read by the driver alone), and only with a free
 * instance to create the device on. The 2020 proposal's `compatible_type` traits would let a
 * different type qualify when its traits cover the source's; nothing upstream checks them, so
 * such a match is at risk, never fine. A whole PCI function needs the same device model and
 * driver on the destination, which no input here shows: at risk.
 */
import type { MdevHostTypes, MdevType } from '../manifest/mdev-types.ts';
import { vendorDriverOf } from '../manifest/mdev-types.ts';
import { parseQemuCommandLine, type QemuCommandLine } from './explain/qemu-cmdline.ts';
import type { Verdict } from './verdict.ts';

export interface AssignedDevice {
  readonly kind: 'mdev' | 'pci';
  /** The mdev's uuid, or the PCI function's address (`0000:65:00.0`). */
  readonly id: string;
  /** Where it was read: `-device vfio-pci,...` or `<hostdev type='mdev'>`. */
  readonly from: string;
  /** The mdev's type id, from its mdevctl config; undefined when not given. */
  readonly mdevType?: string | undefined;
  /** The source type's `compatible_type` traits (from the source host's type listing), if any. */
  readonly traits?: readonly string[] | undefined;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

export function assignedFromCommandLine(cmd: QemuCommandLine): AssignedDevice[] {
  const out: AssignedDevice[] = [];
  for (const d of cmd.devices) {
    if (d.driver !== 'vfio-pci' && d.driver !== 'vfio-pci-nohotplug') continue;
    const host = d.props.get('host');
    const sysfs = d.props.get('sysfsdev');
    const uuid = sysfs !== undefined ? UUID.exec(sysfs)?.[0] : undefined;
    if (uuid !== undefined) out.push({ kind: 'mdev', id: uuid.toLowerCase(), from: `-device ${d.text}` });
    else if (host !== undefined) out.push({ kind: 'pci', id: host.includes(':') && host.split(':').length === 2 ? `0000:${host}` : host, from: `-device ${d.text}` });
    else if (sysfs !== undefined) out.push({ kind: 'pci', id: sysfs.split('/').pop() ?? sysfs, from: `-device ${d.text}` });
  }
  return out;
}

/** `<hostdev>` elements of a libvirt domain XML (only what this needs; not a general XML parser). */
export function assignedFromDomainXml(xml: string): AssignedDevice[] {
  const out: AssignedDevice[] = [];
  // Split at each `<hostdev` rather than a lazy match to `</hostdev>`: that would rescan the
  // rest of a file of unclosed elements once per element (quadratic on hostile input).
  for (const piece of xml.split(/<hostdev\b/).slice(1)) {
    const close = piece.indexOf('</hostdev>');
    const tagEnd = piece.indexOf('>');
    if (close === -1 || tagEnd === -1 || tagEnd > close) continue;
    const attrs = piece.slice(0, tagEnd);
    const body = piece.slice(tagEnd + 1, close);
    const type = /\btype=['"]([^'"]+)['"]/.exec(attrs)?.[1];
    const address = /<source>[\s\S]*?<address\b([^>]*)\/?>/.exec(body)?.[1] ?? '';
    const attr = (name: string): string | undefined => new RegExp(`\\b${name}=['"]([^'"]+)['"]`).exec(address)?.[1];
    if (type === 'mdev') {
      const uuid = attr('uuid');
      if (uuid !== undefined) out.push({ kind: 'mdev', id: uuid.toLowerCase(), from: "<hostdev type='mdev'>" });
    } else if (type === 'pci') {
      const hex = (v: string | undefined, width: number): string => Number.parseInt(v ?? '0', 16).toString(16).padStart(width, '0');
      out.push({ kind: 'pci', id: `${hex(attr('domain'), 4)}:${hex(attr('bus'), 2)}:${hex(attr('slot'), 2)}.${hex(attr('function'), 1)}`, from: "<hostdev type='pci'>" });
    }
  }
  return out;
}

export type AssignedRead = { readonly ok: true; readonly devices: AssignedDevice[] } | { readonly ok: false; readonly message: string };

/** A VM file's assigned devices: a domain XML by its root element, anything else as a QEMU command line. */
export function assignedFromText(text: string): AssignedRead {
  if (/^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--[\s\S]*?-->\s*)*<domain[\s>]/.test(text)) return { ok: true, devices: assignedFromDomainXml(text) };
  const cmd = parseQemuCommandLine(text);
  return cmd.ok ? { ok: true, devices: assignedFromCommandLine(cmd.value) } : { ok: false, message: cmd.message };
}

/**
 * The devices with each mdev's type (from its mdevctl config, by uuid) and that type's
 * `compatible_type` traits on the source host, when its listing has them.
 */
export function withMdevTypes(devices: readonly AssignedDevice[], typeByUuid: ReadonlyMap<string, string>, source: MdevHostTypes | undefined): AssignedDevice[] {
  return devices.map((d) => {
    const mdevType = d.kind === 'mdev' ? typeByUuid.get(d.id) : undefined;
    const traits = mdevType === undefined ? undefined : source?.types.find((x) => x.typeId === mdevType)?.compatibleType;
    return { ...d, mdevType, traits };
  });
}

/** The type of an mdev from its mdevctl config file (named by its uuid). */
export function mdevTypeFromConfig(text: string): string | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v === 'object' && v !== null && typeof (v as Record<string, unknown>)['mdev_type'] === 'string') return (v as Record<string, string>)['mdev_type'];
  } catch {
    return undefined;
  }
  return undefined;
}

export type AssignedReasonKind = 'mdev-type-missing' | 'mdev-no-instance' | 'mdev-compatible-by-traits' | 'mdev-type-unknown' | 'mdev-types-unchecked' | 'pci-assigned-unchecked' | 'mdev-type-offered';

export interface AssignedReason {
  readonly kind: AssignedReasonKind;
  readonly verdict: Verdict;
  readonly device: string;
  readonly message: string;
}

/** A listing can name thousands of types or parents: a reason names a few and counts the rest. */
function few(items: readonly string[], max = 6): string {
  const distinct = [...new Set(items)];
  return distinct.length <= max ? distinct.join(', ') : `${distinct.slice(0, max).join(', ')} and ${distinct.length - max} more`;
}

function superset(have: readonly string[], need: readonly string[]): boolean {
  const set = new Set(have);
  return need.every((t) => set.has(t));
}

/** What each assigned device of the VM needs from one host's mdev types. */
export function assignedReasons(devices: readonly AssignedDevice[], host: string, types: MdevHostTypes | undefined): AssignedReason[] {
  const out: AssignedReason[] = [];
  for (const d of devices) {
    const label = `${d.kind === 'mdev' ? 'mdev' : 'PCI function'} ${d.id}`;
    if (d.kind === 'pci') {
      out.push({ kind: 'pci-assigned-unchecked', verdict: 'at-risk', device: label, message: `${label} (${d.from}) is a whole assigned PCI function: ${host} needs the same device model with a migration-capable vendor driver, which no input shows.` });
      continue;
    }
    if (d.mdevType === undefined) {
      out.push({ kind: 'mdev-type-unknown', verdict: 'at-risk', device: label, message: `${label} (${d.from}): its mdev type is not known (give its mdevctl config, /etc/mdevctl.d/<parent>/${d.id}), so no host can be checked for it.` });
      continue;
    }
    if (types === undefined) {
      out.push({ kind: 'mdev-types-unchecked', verdict: 'breaks', device: label, message: `${label} is of mdev type ${d.mdevType}, and ${host} lists no mdev types (mdevctl types --dumpjson): nothing shows it can create one.` });
      continue;
    }
    const same = types.types.filter((t) => t.typeId === d.mdevType);
    const free = same.filter((t) => t.availableInstances === undefined || t.availableInstances > 0);
    if (free.length > 0) {
      out.push({ kind: 'mdev-type-offered', verdict: 'fine', device: label, message: `${host} offers ${d.mdevType} (vendor driver ${vendorDriverOf(d.mdevType)}) on ${few(free.map((t) => `${t.parent} (${t.availableInstances ?? '?'} free)`))}.` });
      continue;
    }
    if (same.length > 0) {
      out.push({ kind: 'mdev-no-instance', verdict: 'breaks', device: label, message: `${host} has mdev type ${d.mdevType} on ${few(same.map((t) => t.parent))} but no free instance (available_instances 0): the device cannot be created there.` });
      continue;
    }
    const byTraits = d.traits === undefined ? [] : types.types.filter((t: MdevType) => vendorDriverOf(t.typeId) === vendorDriverOf(d.mdevType ?? '') && t.compatibleType !== undefined && superset(t.compatibleType, d.traits ?? []) && (t.availableInstances ?? 1) > 0);
    if (byTraits.length > 0) {
      out.push({
        kind: 'mdev-compatible-by-traits',
        verdict: 'at-risk',
        device: label,
        message: `${host} lacks ${d.mdevType}, but its ${few(byTraits.map((t) => t.typeId))} lists compatible_type traits covering the source's (${few(d.traits ?? [])}): acceptable under the 2020 proposal only; no kernel or QEMU checks it, the vendor driver decides at load time.`,
      });
      continue;
    }
    const drivers = [...new Set(types.types.map((t) => vendorDriverOf(t.typeId)))];
    out.push({ kind: 'mdev-type-missing', verdict: 'breaks', device: label, message: `${host} offers no mdev type ${d.mdevType} (its types: ${few(types.types.map((t) => t.typeId)) || 'none'}${drivers.length > 0 ? `; vendor drivers ${few(drivers)}` : ''}): the vendor state of this device loads only into the same vendor driver and type.` });
  }
  return out;
}
