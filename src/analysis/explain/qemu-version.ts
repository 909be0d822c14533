/**
 * QEMU release numbers, and the few places where the destination's version changes what it
 * prints or accepts.
 */

export interface QemuVersion {
  readonly major: number;
  readonly minor: number;
}

/** `7.2`, `7.2.22`, `v10.0.13`, `QEMU emulator version 11.1.3 (Debian ...)` → major.minor. */
export function parseQemuVersion(text: string): QemuVersion | undefined {
  const m = /(?:^|[^\d.])v?(\d{1,2})\.(\d{1,2})(?:\.\d+)?/.exec(` ${text.trim()}`);
  if (m === null) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]) };
}

export function formatQemuVersion(v: QemuVersion): string {
  return `${v.major}.${v.minor}`;
}

export function compareVersions(a: QemuVersion, b: QemuVersion): number {
  return a.major !== b.major ? a.major - b.major : a.minor - b.minor;
}

export function atLeast(v: QemuVersion | undefined, major: number, minor: number): boolean {
  return v !== undefined && compareVersions(v, { major, minor }) >= 0;
}

/**
 * The version of a versioned machine type: `pc-q35-7.2` → 7.2, `virt-11.1` → 11.1. A QEMU
 * binary's newest versioned type names its own release, which is how a `-machine help` list
 * tells the version.
 */
export function machineTypeVersion(machine: string): QemuVersion | undefined {
  const m = /^(?:pc-(?:i440fx|q35)|virt|pseries|s390-ccw-virtio)-(\d+)\.(\d+)$/.exec(machine);
  return m === null ? undefined : { major: Number(m[1]), minor: Number(m[2]) };
}

/**
 * How a destination of this version reports a load failure (load-failures.md 1.3): up to 10.1
 * each layer prints its own line; from 10.2 one `load of migration failed: ...` chain, with
 * some layers still printing a line of their own first.
 */
export type ErrorStyle = 'separate' | 'chained';

export function errorStyle(v: QemuVersion | undefined): ErrorStyle {
  return atLeast(v, 10, 2) ? 'chained' : 'separate';
}
