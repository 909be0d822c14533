/**
 * The Debian QEMU builds migscope has real data of (fixtures/real-runs: 5.2.0, 7.2.22, 10.0.13
 * and 11.1.3, x86_64 and aarch64): the property defaults their `-device NAME,help` printed for
 * the devices of the real runs, the RAM block sizes its streams carry, and (10.0, 11.1) the
 * `virtio*` compat properties of each machine type. When a prediction knows only the destination's release, these
 * stand in for its `-device help`, and the prediction says so; for any other build, or a device
 * not listed, nothing is assumed (the checks fall back to what the sources say, or to at-risk).
 * Regenerate with `npx tsx scripts/build-profiles.ts`.
 */
import type { DeviceProperty, DevicePropertiesHelp } from '../../manifest/device-properties.ts';
import type { CompatProperty } from '../../manifest/query-machines.ts';
import { compareVersions, type QemuVersion } from '../explain/qemu-version.ts';
import data from './debian-builds.json';

export type BuildArch = 'x86_64' | 'aarch64';

export interface BuildProfile {
  readonly arch: BuildArch;
  /** `11.1` */
  readonly release: string;
  /** `11.1.3` */
  readonly qemu: string;
  /** Debian package version, `1:11.1.3+ds-1`. */
  readonly package: string;
  readonly deviceProperties: DevicePropertiesHelp;
  /**
   * RAM block sizes its own streams carry, by name without the device path (`pc.bios`,
   * `e1000e.rom`, `vga.vram`): firmware and option ROM sizes of Debian's packages at capture.
   */
  readonly ramBlocks: ReadonlyMap<string, number>;
  /**
   * The compat properties of QOM types named `virtio*`, by machine type, as the build's
   * `query-machines` with `"compat-props": true` lists them (newest hw_compat array first, so
   * a later entry wins); undefined for builds older than 9.1, which cannot report them. A
   * machine type the build lacks is not in the map.
   */
  readonly virtioCompat: ReadonlyMap<string, readonly CompatProperty[]> | undefined;
}

interface RawCompat {
  readonly machines: readonly string[];
  readonly props: readonly { readonly qomType: string; readonly property: string; readonly value: string; readonly upTo?: string; readonly family?: string; readonly machines?: readonly string[] }[];
}

interface RawProfile {
  readonly arch: string;
  readonly release: string;
  readonly qemu: string;
  readonly package: string;
  readonly devices: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly ramBlocks: Readonly<Record<string, number>>;
  readonly virtioCompat?: RawCompat;
}

/**
 * The version whose hw_compat arrays a versioned machine type inherits: `pc-q35-7.2` → 7.2,
 * `pc-q35-4.0.1` → 4.0 (a 4.0 type with one fix of its own), `virt-9.2` → 9.2.
 */
export function compatMachineVersion(machine: string): QemuVersion | undefined {
  const m = /^(?:pc-i440fx|pc-q35|virt)-(\d+)\.(\d+)(?:\.\d+)?$/.exec(machine);
  return m === null ? undefined : { major: Number(m[1]), minor: Number(m[2]) };
}

/** The compact form scripts/build-profiles.ts writes, back to one list per machine type. */
function expandCompat(raw: RawCompat): Map<string, CompatProperty[]> {
  const out = new Map<string, CompatProperty[]>();
  for (const machine of raw.machines) {
    const v = compatMachineVersion(machine);
    const applies = (p: RawCompat['props'][number]): boolean => {
      if (p.machines !== undefined) return p.machines.includes(machine);
      if (p.family !== undefined && !machine.startsWith(`${p.family}-`)) return false;
      if (p.upTo === undefined) return true;
      const upTo = /^(\d+)\.(\d+)$/.exec(p.upTo);
      return v !== undefined && upTo !== null && compareVersions(v, { major: Number(upTo[1]), minor: Number(upTo[2]) }) <= 0;
    };
    out.set(machine, raw.props.filter(applies).map((p) => ({ qomType: p.qomType, property: p.property, value: p.value })));
  }
  return out;
}

let cache: readonly BuildProfile[] | undefined;

export function knownBuilds(): readonly BuildProfile[] {
  if (cache === undefined) {
    cache = (data.profiles as unknown as readonly RawProfile[]).map((p) => ({
      arch: p.arch === 'aarch64' ? 'aarch64' : 'x86_64',
      release: p.release,
      qemu: p.qemu,
      package: p.package,
      ramBlocks: new Map(Object.entries(p.ramBlocks)),
      virtioCompat: p.virtioCompat !== undefined ? expandCompat(p.virtioCompat) : undefined,
      deviceProperties: {
        devices: new Map(
          Object.entries(p.devices).map(([type, props]) => [
            type,
            new Map<string, DeviceProperty>(Object.entries(props).map(([name, value]) => [name, { name, type: '', defaultValue: value }])),
          ]),
        ),
      },
    }));
  }
  return cache;
}

/** The known build of this release for the architecture, if migscope has one. */
export function knownBuild(version: QemuVersion, arch: BuildArch): BuildProfile | undefined {
  return knownBuilds().find((b) => b.arch === arch && b.release === `${version.major}.${version.minor}`);
}

/** The target a machine type belongs to, as far as the real runs go. */
export function archOfMachine(machine: string | undefined): BuildArch | undefined {
  if (machine === undefined) return undefined;
  if (/^(pc|q35|pc-(i440fx|q35)-[\d.]+|isapc|microvm|x-remote)$/.test(machine) || /^pc-/.test(machine)) return 'x86_64';
  if (/^virt(-[\d.]+)?$/.test(machine)) return 'aarch64';
  return undefined;
}
