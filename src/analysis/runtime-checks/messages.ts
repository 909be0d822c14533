/**
 * What a destination prints when a device's own load code refuses a value, in its release's
 * wording (docs/runtime-checks-sources.md §6): up to 10.x the check's line, one `Failed to load
 * vmsd:field` line per enclosing field, `error while loading state ...` and `load of migration
 * failed: <strerror>`; 11.1 prints the check's line (error_report) and then one chained line.
 * The 11.1 virtio chain was observed (10.0.13 stream into 11.1.3); the rest follows the sources.
 */
import { errorStyle, type QemuVersion } from '../explain/qemu-version.ts';

function loadingState(idstr: string, instance: number): string {
  return `error while loading state for instance 0x${instance.toString(16)} of device '${idstr}'`;
}

/** `strerror(-ret)` of the values these checks return. */
function strerror(ret: -1 | -22): string {
  return ret === -1 ? 'Operation not permitted' : 'Invalid argument';
}

/**
 * A check inside a field with a device-defined VMStateInfo (`virtio`, `pci config`): the check
 * prints its own line; 11.1 chains `Failed to load element of type <info> for <field>`.
 * `ret` is what the get function returns (virtio_load: -1; pci config: -EINVAL).
 */
export function deviceFieldCheckLines(
  first: readonly string[],
  idstr: string,
  instance: number,
  vmsd: string,
  info: string,
  field: string,
  ret: -1 | -22,
  v: QemuVersion | undefined,
): string[] {
  // 11.1 maps every failed vmstate field to -EINVAL in the chain's errno text.
  if (errorStyle(v) === 'chained') return [...first, `load of migration failed: Invalid argument: ${loadingState(idstr, instance)}: Failed to load element of type ${info} for ${field}`];
  return [...first, `Failed to load ${vmsd}:${field}`, loadingState(idstr, instance), `load of migration failed: ${strerror(ret)}`];
}

/**
 * A `VMSTATE_INT32_POSITIVE_LE` bound refused (5.2 - 10.x): the value line, the field line, the
 * section line and EINVAL.
 */
export function positiveLeLines(value: number, limit: number, idstr: string, instance: number, vmsd: string, field: string): string[] {
  return [`Invalid value ${value} expecting positive value <= ${limit}`, `Failed to load ${vmsd}:${field}`, loadingState(idstr, instance), `load of migration failed: ${strerror(-22)}`];
}

/** A post_load hook returned -1 (Arm `cpu_post_load`). */
export function postLoadLines(first: readonly string[], idstr: string, instance: number, vmsd: string, versionId: number, minimum: number, v: QemuVersion | undefined): string[] {
  if (errorStyle(v) === 'chained') {
    return [...first, `load of migration failed: Invalid argument: ${loadingState(idstr, instance)}: post load hook failed for: ${vmsd}, version_id: ${versionId}, minimum_version: ${minimum}, ret: -1`];
  }
  return [...first, loadingState(idstr, instance), `load of migration failed: ${strerror(-1)}`];
}
