/**
 * A manifest regrouped by what the loader matches on: the vmsd name (a stream section's idstr
 * suffix), not the QOM type. One vmsd is usually shared by several QOM types
 * (`virtio-net-pci`, `virtio-net-device`...), and a few names belong to different vmsds
 * (QEMU 5.2 and 7.2: `vga` is both PCI VGA's and isa-vga's, with different fields). Each
 * distinct description under one name is a variant.
 */
import type { VmstateDescription, VmstateDevice, VmstateManifest } from '../manifest/vmstate-manifest.ts';
import { renamedSection } from './static-checker.ts';

export interface VmsdVariant {
  readonly vmsdName: string;
  readonly description: VmstateDescription;
  /** The first QOM type (in file order) with this description: its JSON paths are the variant's. */
  readonly representative: VmstateDevice;
  readonly qomTypes: readonly string[];
}

const variantsOf = new WeakMap<VmstateManifest, ReadonlyMap<string, readonly VmsdVariant[]>>();

/** Variants by vmsd name, names in file order of their first QOM type; once per manifest (a matrix asks for each pair). */
export function vmsdVariants(manifest: VmstateManifest): ReadonlyMap<string, readonly VmsdVariant[]> {
  const known = variantsOf.get(manifest);
  if (known !== undefined) return known;
  const byName = new Map<string, { signature: string; variant: { vmsdName: string; description: VmstateDescription; representative: VmstateDevice; qomTypes: string[] } }[]>();
  for (const device of manifest.devices.values()) {
    const description = device.description;
    if (description === undefined) continue;
    const signature = descriptionSignature(description);
    const list = byName.get(description.name) ?? [];
    byName.set(description.name, list);
    const same = list.find((v) => v.signature === signature);
    if (same !== undefined) same.variant.qomTypes.push(device.qomType);
    else list.push({ signature, variant: { vmsdName: description.name, description, representative: device, qomTypes: [device.qomType] } });
  }
  const out = new Map<string, readonly VmsdVariant[]>();
  for (const [name, list] of byName) out.set(name, list.map((v) => v.variant));
  variantsOf.set(manifest, out);
  return out;
}

/** A manifest's device by QOM type, trying the static checker's section renames too. */
export function deviceByQomType(manifest: VmstateManifest, qomType: string): VmstateDevice | undefined {
  return manifest.devices.get(qomType) ?? manifest.devices.get(renamedSection(qomType));
}

/**
 * The destination variant a source variant meets: the one registered by the same QOM type,
 * else the one that shares most field names with it, else none.
 */
export function matchingVariant(source: VmstateDescription, sourceQomTypes: readonly string[], candidates: readonly VmsdVariant[]): VmsdVariant | undefined {
  const sameType = candidates.find((c) => c.qomTypes.some((q) => sourceQomTypes.includes(q) || sourceQomTypes.includes(renamedSection(q))));
  if (sameType !== undefined) return sameType;
  return mostAlike(source, candidates);
}

/** The candidate whose field names agree with `source` the longest from the start; the first on ties. */
export function mostAlike<T extends { readonly description: VmstateDescription }>(source: VmstateDescription, candidates: readonly T[]): T | undefined {
  let best: T | undefined;
  let bestScore = -1;
  for (const c of candidates) {
    const score = commonPrefix(source, c.description);
    if (score > bestScore) {
      best = c;
      bestScore = score;
    }
  }
  return best;
}

function commonPrefix(a: VmstateDescription, b: VmstateDescription): number {
  const x = a.fields ?? [];
  const y = b.fields ?? [];
  let n = 0;
  while (n < x.length && n < y.length && x[n]?.field === y[n]?.field) n++;
  return n + (a.versionId === b.versionId ? 0.5 : 0);
}

/** Manifests are never changed once parsed, so a description's signature is computed once. */
const signatures = new WeakMap<VmstateDescription, string>();

/** Everything the loader could care about, without JSON paths. */
function descriptionSignature(d: VmstateDescription): string {
  const known = signatures.get(d);
  if (known !== undefined) return known;
  const fields = (d.fields ?? []).map((f) => [f.field, f.versionId, f.fieldExists, f.size, f.num ?? -1, f.description === undefined ? '' : descriptionSignature(f.description)]);
  const subs = (d.subsections ?? []).map(descriptionSignature);
  const signature = JSON.stringify([d.name, d.versionId, d.minimumVersionId ?? -1, fields, subs]);
  signatures.set(d, signature);
  return signature;
}

/** `absolute` below `base` as a relative JSON path (`.Description.Fields[2]`), or undefined. */
export function relativeJsonPath(absolute: string | undefined, base: string): string | undefined {
  if (absolute === undefined || !absolute.startsWith(base)) return undefined;
  return absolute.slice(base.length);
}

const manifestSignatures = new WeakMap<VmstateManifest, string>();

/**
 * The manifest's content without the machine type it was dumped with: every dump of one binary
 * gives the same value, two binaries (almost surely) two values. A hash, so that it is cheap to
 * keep and compare (two FNV-1a 32-bit hashes of the QOM types and their vmsd signatures).
 */
export function manifestSignature(manifest: VmstateManifest): string {
  const known = manifestSignatures.get(manifest);
  if (known !== undefined) return known;
  let a = 0x811c9dc5;
  let b = 0x01000193;
  const feed = (text: string): void => {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193) >>> 0;
      b = Math.imul(b ^ c, 0x811c9dc5 | 1) >>> 0;
    }
  };
  for (const d of manifest.devices.values()) {
    feed(d.qomType);
    feed(d.description === undefined ? '-' : descriptionSignature(d.description));
  }
  const out = `${a.toString(16).padStart(8, '0')}${b.toString(16).padStart(8, '0')}`;
  manifestSignatures.set(manifest, out);
  return out;
}
