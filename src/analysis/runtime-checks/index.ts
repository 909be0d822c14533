/**
 * The runtime checks a destination's load code makes on one section, in the order QEMU meets
 * them while reading the section's fields. Each family is its own module; this one only runs
 * them and keeps the first failure.
 */
import { checkArmCpregs } from './arm-cpregs.ts';
import type { RuntimeDestination, RuntimeSection } from './context.ts';
import type { CheckOutcome } from './model.ts';
import { checkPointerSubsections } from './subsection-state.ts';
import { checkVirtioRings } from './virtio-rings.ts';

export type { RuntimeDestination, RuntimeSection } from './context.ts';
export type { CheckOutcome, CheckFamily, DestinationInput, RuntimeCheckSpec } from './model.ts';
export { effectiveProperty, type PropertySources, type EffectiveProperty } from './device-properties.ts';
export { VIRTIO_RING_CHECK } from './virtio-rings.ts';
export { ARM_CPREG_CHECK } from './arm-cpregs.ts';

/**
 * Every outcome for the section, in load order; a `fails` ends the list. QEMU reads a section's
 * fields (virtio rings, the cpreg list's length), then its subsections (pointer subsections),
 * then runs post_load (the cpreg merge walk).
 */
export function runSectionChecks(section: RuntimeSection, dest: RuntimeDestination): CheckOutcome[] {
  const out: CheckOutcome[] = [];
  const rings = checkVirtioRings(section, dest);
  if (rings !== undefined) {
    out.push(rings.outcome);
    if (rings.outcome.verdict === 'fails') return out;
  }
  const cpregs = checkArmCpregs(section, dest);
  if (cpregs?.verdict === 'fails' && cpregs.failure.field === 'cpreg_vmstate_array_len') return [...out, cpregs];
  const pointers = checkPointerSubsections(section, dest);
  if (pointers !== undefined) {
    out.push(pointers);
    if (pointers.verdict === 'fails') return out;
  }
  if (cpregs !== undefined) out.push(cpregs);
  return out;
}
