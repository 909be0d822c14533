/**
 * The runtime checks a destination's load code makes on one section, in the order QEMU meets
 * them while reading the section's fields. Each family is its own module; this one only runs
 * them and keeps the first failure.
 */
import { checkArmCpregs } from './arm-cpregs.ts';
import type { RuntimeDestination, RuntimeSection } from './context.ts';
import type { CheckOutcome } from './model.ts';
import { checkEqualFields } from './equal-fields.ts';
import { checkPciConfig } from './pci-config.ts';
import { checkPointerSubsections } from './subsection-state.ts';
import { checkVirtioFeatures } from './virtio-features.ts';
import { checkVirtioRings } from './virtio-rings.ts';

export type { RuntimeDestination, RuntimeSection } from './context.ts';
export type { CheckOutcome, CheckFamily, DestinationInput, RuntimeCheckSpec } from './model.ts';
export { effectiveProperty, type PropertySources, type EffectiveProperty } from './device-properties.ts';
export { VIRTIO_RING_CHECK } from './virtio-rings.ts';
export { ARM_CPREG_CHECK } from './arm-cpregs.ts';
export { VIRTIO_FEATURES_CHECK } from './virtio-features.ts';

/**
 * Every outcome for the section, in load order; a `fails` ends the list. QEMU reads a section's
 * fields first (PCI config, `_EQUAL` fields, virtio rings, the cpreg list's length: the first
 * refusal in byte order stops it; a virtio device's guest features last of its field), then its
 * subsections (pointer subsections), then runs post_load (the cpreg merge walk).
 */
export function runSectionChecks(section: RuntimeSection, dest: RuntimeDestination): CheckOutcome[] {
  const rings = checkVirtioRings(section, dest)?.outcome;
  const cpregs = checkArmCpregs(section, dest);
  const lengthRefused = cpregs?.verdict === 'fails' && cpregs.failure.field === 'cpreg_vmstate_array_len' ? cpregs : undefined;
  const fields = [checkPciConfig(section, dest), checkEqualFields(section, dest), rings, lengthRefused].filter((o): o is CheckOutcome => o !== undefined);
  const failed = fields.filter((o): o is Extract<CheckOutcome, { verdict: 'fails' }> => o.verdict === 'fails').sort((a, b) => (a.failure.offset ?? 0) - (b.failure.offset ?? 0))[0];
  const out: CheckOutcome[] = fields.filter((o) => o.verdict !== 'fails');
  if (failed !== undefined) return [...out, failed];
  // virtio_load() checks the guest features after the device state and the virtio/*
  // subsections (docs/runtime-checks-sources.md §2 row 12), though their bytes come earlier.
  const features = checkVirtioFeatures(section, dest);
  if (features !== undefined) {
    out.push(features);
    if (features.verdict === 'fails') return out;
  }
  const pointers = checkPointerSubsections(section, dest);
  if (pointers !== undefined) {
    out.push(pointers);
    if (pointers.verdict === 'fails') return out;
  }
  if (cpregs !== undefined) out.push(cpregs);
  return out;
}
