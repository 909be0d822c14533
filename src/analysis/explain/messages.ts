/**
 * What a destination QEMU prints for each failure, in its version's wording
 * (/work/shared/reference/load-failures.md). Lines are returned without timestamp and program
 * prefix, in the order QEMU prints them.
 *
 * Provenance: the <= 10.1 texts of machine type, unknown section, unsupported version, footer,
 * unknown ramblock, truncation (RAM and device) and `unsupported machine type` (5.2 and 7.2
 * forms) were observed in fixtures/loads; the 11.1 machine-type and capability chains too.
 * The other 10.2+ chains follow the 10.2.2 source as quoted in load-failures.md and were not
 * observed. Where the destination version is unknown the <= 10.1 wording is used.
 */
import { atLeast, errorStyle, type QemuVersion } from './qemu-version.ts';

const MAKE_SURE = 'Make sure that your current VM setup matches your saved VM setup, including any hotplugged devices';

function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

/** `error while loading state for instance 0x0 of device '...'`. */
function loadingState(idstr: string, instance: number): string {
  return `error while loading state for instance ${hex(instance)} of device '${idstr}'`;
}

/** `Loading VM subsection ... failed: ` (10.2 prints the errno, the 11.1.3 binary does not). */
function loadingSubsection(sub: string, parent: string, v: QemuVersion | undefined): string {
  return atLeast(v, 11, 0) ? `Loading VM subsection '${sub}' in '${parent}' failed` : `Loading VM subsection '${sub}' in '${parent}' failed: -22`;
}

export function machineTypeMismatchLines(received: string, local: string, v: QemuVersion | undefined): string[] {
  const mismatch = `Machine type received is '${received}' and local is '${local}'`;
  if (atLeast(v, 11, 0)) return [`load of migration failed: Invalid argument: post load hook failed for: configuration, version_id: 1, minimum_version: 0: ${mismatch}`];
  if (errorStyle(v) === 'chained') return [mismatch, 'load of migration failed: Invalid argument: post load hook failed for: configuration, version_id: 1, minimum_version: 0, ret: -22'];
  return [mismatch, 'load of migration failed: Invalid argument'];
}

/**
 * QEMU exits before any migration when `-machine` names a type it lacks. 5.2 printed the
 * option as location; 7.2 printed neither location nor name; the current source names it
 * (`unsupported machine type: "X"`; first release with that text not pinned down: 8.0 assumed).
 */
export function unknownMachineLines(machine: string, v: QemuVersion | undefined): string[] {
  const hint = 'Use -machine help to list supported machines';
  if (v !== undefined && !atLeast(v, 6, 0)) return [`-machine ${machine}: unsupported machine type`, hint];
  if (v !== undefined && !atLeast(v, 8, 0)) return ['unsupported machine type', hint];
  return [`unsupported machine type: "${machine}"`, hint];
}

export function unknownSectionLines(idstr: string, instance: number, v: QemuVersion | undefined): string[] {
  if (errorStyle(v) === 'chained') return [`load of migration failed: Invalid argument: Unknown section or instance '${idstr}' ${instance}. ${MAKE_SURE}`];
  return [`Unknown savevm section or instance '${idstr}' ${instance}. ${MAKE_SURE}`, 'load of migration failed: Invalid argument'];
}

export function sectionTooNewLines(idstr: string, received: number, local: number, v: QemuVersion | undefined): string[] {
  if (errorStyle(v) === 'chained') return [`load of migration failed: Invalid argument: unsupported version ${received} for '${idstr}' v${local}`];
  return [`savevm: unsupported version ${received} for '${idstr}' v${local}`, 'load of migration failed: Invalid argument'];
}

export function sectionTooOldLines(idstr: string, instance: number, vmsd: string, received: number, minimum: number, v: QemuVersion | undefined): string[] {
  if (errorStyle(v) === 'chained') {
    return [`load of migration failed: Invalid argument: ${loadingState(idstr, instance)}: ${vmsd}: incoming version_id ${received} is too old for local minimum version_id ${minimum}`];
  }
  // Two spaces before the minimum: the <= 10.1 format string has them.
  return [`${vmsd}: incoming version_id ${received} is too old for local minimum version_id  ${minimum}`, loadingState(idstr, instance), 'load of migration failed: Invalid argument'];
}

export function subsectionVersionLines(
  idstr: string,
  instance: number,
  parent: string,
  sub: string,
  received: number,
  limit: number,
  tooNew: boolean,
  v: QemuVersion | undefined,
): string[] {
  const inner = tooNew
    ? `${sub}: incoming version_id ${received} is too new for local version_id ${limit}`
    : `${sub}: incoming version_id ${received} is too old for local minimum version_id${errorStyle(v) === 'chained' ? ' ' : '  '}${limit}`;
  if (errorStyle(v) === 'chained') return [`load of migration failed: Invalid argument: ${loadingState(idstr, instance)}: ${loadingSubsection(sub, parent, v)}: ${inner}`];
  return [inner, loadingState(idstr, instance), 'load of migration failed: Invalid argument'];
}

export function unknownSubsectionLines(idstr: string, instance: number, parent: string, sub: string, v: QemuVersion | undefined): string[] {
  if (errorStyle(v) === 'chained') return [`load of migration failed: No such file or directory: ${loadingState(idstr, instance)}: VM subsection '${sub}' in '${parent}' does not exist`];
  // Before 10.2 the subsection is not named at all (observed with 7.2).
  return [loadingState(idstr, instance), 'load of migration failed: No such file or directory'];
}

export function missingFooterLines(idstr: string, sectionId: number, v: QemuVersion | undefined): string[] {
  const first = `Missing section footer for ${idstr}`;
  if (errorStyle(v) === 'chained') return [first, `load of migration failed: Invalid argument: Section footer error, section_id: ${sectionId}`];
  return [first, 'load of migration failed: Invalid argument'];
}

export function unknownRamblockLines(block: string, v: QemuVersion | undefined): string[] {
  const first = `Unknown ramblock "${block}", cannot accept migration`;
  if (errorStyle(v) === 'chained') return [first, `load of migration failed: Invalid argument: ${loadingState('ram', 0)}: Failed to load vmstate version_id: 4, ret: -22`];
  return [first, loadingState('ram', 0), 'load of migration failed: Invalid argument'];
}

export function ramSizeLines(block: string, received: number, local: number, v: QemuVersion | undefined): string[] {
  const first = `Size mismatch: ${block}: ${hex(received)} != ${hex(local)}: Invalid argument`;
  if (errorStyle(v) === 'chained') return [first, `load of migration failed: Invalid argument: ${loadingState('ram', 0)}: Failed to load vmstate version_id: 4, ret: -22`];
  return [first, loadingState('ram', 0), 'load of migration failed: Invalid argument'];
}

/** The stream ends inside a RAM PART/END section (observed with 5.2 and 7.2). */
export function truncatedRamLines(sectionId: number, v: QemuVersion | undefined): string[] {
  if (errorStyle(v) === 'chained') return [`load of migration failed: Input/output error: Failed to load vmstate version_id: 4, ret: -5`];
  return [`error while loading state section id ${sectionId}(ram)`, 'load of migration failed: Input/output error'];
}

/** The stream ends inside a device section; `field` when known (`e1000/full_mac_state:mac_reg`). */
export function truncatedDeviceLines(idstr: string, instance: number, vmsd: string, field: string | undefined, v: QemuVersion | undefined): string[] {
  if (errorStyle(v) === 'chained') return [`load of migration failed: Input/output error: ${loadingState(idstr, instance)}: Failed to load ${vmsd} state: stream error: -5`];
  const lines = field !== undefined ? [`Failed to load ${field}`] : [];
  return [...lines, loadingState(idstr, instance), 'load of migration failed: Input/output error'];
}

/** The stream ends between sections or inside a footer. */
export function truncatedBoundaryLines(inFooter: boolean, v: QemuVersion | undefined): string[] {
  if (inFooter) return ['check_section_footer: Read section footer failed: -5', errorStyle(v) === 'chained' ? 'load of migration failed: Input/output error: Section footer error' : 'load of migration failed: Input/output error'];
  if (errorStyle(v) === 'chained') return ['load of migration failed: Input/output error: Failed to load section ID: stream error: -5: Channel error: Input/output error'];
  return ['load of migration failed: Input/output error'];
}

export function badMagicLines(magic: number, v: QemuVersion | undefined): string[] {
  if (errorStyle(v) === 'chained') return [`load of migration failed: Invalid argument: Not a migration stream, magic: ${magic.toString(16)} != 5145564d`];
  return ['Not a migration stream', 'load of migration failed: Invalid argument'];
}

export function badVersionLines(version: number, v: QemuVersion | undefined): string[] {
  const chained = errorStyle(v) === 'chained';
  if (version === 2) {
    const text = chained ? 'SaveVM v2 format is obsolete and no longer supported' : "SaveVM v2 format is obsolete and don't work anymore";
    return chained ? [`load of migration failed: Invalid argument: ${text}`] : [text, 'load of migration failed: Invalid argument'];
  }
  if (chained) return [`load of migration failed: Invalid argument: Unsupported migration stream version, file version ${version.toString(16)} != 3`];
  return ['Unsupported migration stream version', 'load of migration failed: Invalid argument'];
}

/** The capability check runs in the configuration's post_load (observed in 11.1). */
export function capabilityLines(capability: string, v: QemuVersion | undefined): string[] {
  const first = `Capability ${capability} is off, but received capability is on`;
  if (atLeast(v, 11, 0)) return [first, 'load of migration failed: Invalid argument: post load hook failed for: configuration, version_id: 1, minimum_version: 0: Failed to validate capabilities'];
  if (errorStyle(v) === 'chained') return [first, 'load of migration failed: Invalid argument: post load hook failed for: configuration, version_id: 1, minimum_version: 0, ret: -22'];
  return [first, 'load of migration failed: Invalid argument'];
}

export function unknownCommandLines(cmd: number, length: number, v: QemuVersion | undefined): string[] {
  const first = `MIG_CMD 0x${cmd.toString(16)} unknown (len 0x${length.toString(16)})`;
  if (errorStyle(v) === 'chained') return [`load of migration failed: Invalid argument: ${first}`];
  return [first, 'load of migration failed: Invalid argument'];
}
