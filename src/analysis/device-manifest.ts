/**
 * Device version manifests: what a build's devices accept, in the shape proposed on qemu-devel
 * in 2020 for device models (`model`, `params`, `versions`; src/manifest/device-models.ts reads
 * it, and the host chooser judges a host by it), so a management app can tell without migrating
 * which device state a host loads.
 *
 *   {"model": "qemu:device/virtio-net-device", "section": "virtio-net",
 *    "params": ["x-migrate-..."],                          properties its machine types pin
 *    "versions": [{"name": "virtio-net:11", "params": []}], every state version it loads
 *    "subsections": [{"name": "virtio-net/rss", "version": 1}],
 *    "machines": {"pc-q35-7.2": {"x-...": "off"}}}         who pins what
 *
 * A version is named `<vmsd name>:<version_id>`: the loader matches a section by its vmsd name
 * and accepts any version from the vmsd's `minimum_version_id` to its `version_id`, so a device
 * whose vmsd was renamed (isa-vga: `vga` → `vga-isa` in 11.1) offers none of the old names.
 * What a version cannot say: a nested struct changed without a version bump (esp's drq_state in
 * 10.0) or a device-defined field (`virtio`): the board judges those from the layouts.
 *
 * `sends` gives the other side: what a VM saved by this build sends, one version per device
 * (its `version_id`), without params, so a host's own definition of that version applies.
 */
import type { MachineInfo, QueryMachines } from '../manifest/query-machines.ts';
import type { VmstateDevice, VmstateManifest } from '../manifest/vmstate-manifest.ts';
import { compareVersions, parseMachineName } from './machine-names.ts';

export const MODEL_PREFIX = 'qemu:device/';

export interface ExportedModel {
  readonly model: string;
  readonly section: string;
  readonly params: readonly string[];
  readonly versions: readonly { readonly name: string; readonly params: readonly string[] }[];
  /** Every version from `min` to `max` loads; `versions` lists them all unless there are too many. */
  readonly versionRange: { readonly min: number; readonly max: number };
  readonly subsections: readonly { readonly name: string; readonly version: number }[];
  readonly machines: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

export interface ExportedVmModel {
  readonly model: string;
  readonly section: string;
  readonly versions: readonly { readonly name: string }[];
}

export function modelId(qomType: string): string {
  return `${MODEL_PREFIX}${qomType}`;
}

export function versionName(section: string, version: number): string {
  return `${section}:${version}`;
}

export interface ExportOptions {
  /** Only these QOM types (the VM's devices). */
  readonly devices?: readonly string[] | undefined;
}

/** Every device with a vmsd, in manifest order; with compat properties, who pins which property. */
export function deviceManifest(manifest: VmstateManifest, machines?: QueryMachines, options: ExportOptions = {}): ExportedModel[] {
  const pins = pinsByType(machines?.machines ?? []);
  return selected(manifest, options).map((d) => {
    const section = d.description?.name ?? d.qomType;
    const top = d.description?.versionId ?? d.versionId;
    const min = Math.min(top, d.description?.minimumVersionId ?? d.minimumVersionId ?? top);
    const byMachine = pins.get(d.qomType) ?? new Map<string, Map<string, string>>();
    const params = [...new Set([...byMachine.values()].flatMap((m) => [...m.keys()]))].sort();
    // A version's own params stay empty: the model's params are offered with every version, and
    // repeating them per version would only make the file longer.
    const versions = acceptedVersions(d, top, min).map((v) => ({ name: versionName(section, v), params: [] }));
    const machinesOut: Record<string, Record<string, string>> = {};
    for (const [m, props] of [...byMachine].sort((a, b) => compareMachineNames(a[0], b[0]))) machinesOut[m] = Object.fromEntries(props);
    return {
      model: modelId(d.qomType),
      section,
      params,
      versions,
      versionRange: { min, max: top },
      subsections: (d.description?.subsections ?? []).map((s) => ({ name: s.name, version: s.versionId })),
      machines: machinesOut,
    };
  });
}

/** What a VM saved by this build sends: each device's current version. */
export function vmDeviceManifest(manifest: VmstateManifest, options: ExportOptions = {}): ExportedVmModel[] {
  return selected(manifest, options).map((d) => {
    const section = d.description?.name ?? d.qomType;
    return { model: modelId(d.qomType), section, versions: [{ name: versionName(section, d.description?.versionId ?? d.versionId) }] };
  });
}

/** More versions than this are not listed one by one (i6300esb's vmsd is version 10000). */
const MAX_LISTED_VERSIONS = 64;

/**
 * The versions the loader accepts, newest first: all of them, or, for a range too long to list,
 * the newest 64 and every version a field or subsection starts at (where the layout changed).
 */
function acceptedVersions(d: VmstateDevice, top: number, min: number): number[] {
  if (top - min + 1 <= MAX_LISTED_VERSIONS) return Array.from({ length: top - min + 1 }, (_, i) => top - i);
  const keep = new Set<number>([min, top]);
  for (let v = top; v > top - MAX_LISTED_VERSIONS; v--) keep.add(v);
  const walk = (desc: VmstateDevice['description']): void => {
    for (const f of desc?.fields ?? []) {
      if (f.versionId >= min && f.versionId <= top) keep.add(f.versionId);
      walk(f.description);
    }
  };
  walk(d.description);
  return [...keep].sort((a, b) => b - a);
}

function selected(manifest: VmstateManifest, options: ExportOptions): VmstateDevice[] {
  const all = [...manifest.devices.values()].filter((d) => d.description !== undefined);
  if (options.devices === undefined) return all;
  const want = new Set(options.devices);
  return all.filter((d) => want.has(d.qomType));
}

/** QOM type → machine type → property → value, from replies made with compat properties. */
function pinsByType(machines: readonly MachineInfo[]): Map<string, Map<string, Map<string, string>>> {
  const out = new Map<string, Map<string, Map<string, string>>>();
  for (const m of machines) {
    for (const p of m.compatProps ?? []) {
      const byMachine = out.get(p.qomType) ?? new Map<string, Map<string, string>>();
      out.set(p.qomType, byMachine);
      const props = byMachine.get(m.name) ?? new Map<string, string>();
      byMachine.set(m.name, props);
      props.set(p.property, p.value);
    }
  }
  return out;
}

function compareMachineNames(a: string, b: string): number {
  const x = parseMachineName(a);
  const y = parseMachineName(b);
  if (x.family !== y.family) return x.family < y.family ? -1 : 1;
  return compareVersions(x.version ?? '0', y.version ?? '0');
}
