/**
 * A device's migration promise: the strictest one among the machine types that use it (as
 * proposed on qemu-devel in 2024: a device several machine types use keeps the strictest of
 * their rules), and whether the loaded builds keep it.
 *
 * Which machine types use a device is not in any one file, so it is read from what there is:
 *  - a machine type whose compat properties name the device's type uses it (it pins its state);
 *  - a device `-device help` lists can be given to any machine type of that build with its bus:
 *    migscope cannot see which buses a machine type has, so it counts every machine type the
 *    build offers;
 *  - without a `-device help` list for a build, its devices are assumed user-creatable, and the
 *    answer says so;
 *  - a device the list does not show (machine code creates it) and no compat property names:
 *    which machine types build it is not in these files: `unknown`.
 */
import type { QueryMachines } from '../manifest/query-machines.ts';
import type { DeviceHelpEntry } from './device-help.ts';
import { compareVersions, parseMachineName } from './machine-names.ts';
import { pairKey, type ReleaseBoard } from './release-board.ts';

export type DevicePromise = 'forward migration promised' | 'a clean error at most' | 'unknown';

export type DeviceUse = 'compat properties' | 'user-creatable' | 'assumed user-creatable' | 'machine code';

export interface DeviceTier {
  readonly qomType: string;
  readonly sections: readonly string[];
  readonly promise: DevicePromise;
  /** How the machine types that use it were found. */
  readonly usedVia: DeviceUse;
  /** Machine types that use it (all of a build's for user-creatable devices), by build. */
  readonly usedBy: readonly { readonly build: string; readonly versioned: number; readonly unversioned: number; readonly named: readonly string[] }[];
  /** `kept`, `broken` (a forward pair breaks), `unchecked` (one build has it, or no promise). */
  readonly standing: 'kept' | 'broken' | 'unchecked';
  readonly brokenPairs: readonly string[];
  /** Forward pairs where it is at risk (conditional state, not comparable). */
  readonly atRiskPairs: readonly string[];
}

export interface DeviceTierBuild {
  readonly version: string;
  readonly machines: QueryMachines | undefined;
  readonly devices: readonly DeviceHelpEntry[] | undefined;
}

export function deviceTiers(board: ReleaseBoard, builds: readonly DeviceTierBuild[]): DeviceTier[] {
  const byBuild = new Map(builds.map((b) => [b.version, b]));
  const helpNames = new Map<string, ReadonlySet<string>>();
  for (const b of builds) if (b.devices !== undefined) helpNames.set(b.version, new Set(b.devices.map((d) => d.name)));
  return board.rows.map((row) => {
    const usedBy: { build: string; versioned: number; unversioned: number; named: string[] }[] = [];
    let via: DeviceUse | undefined;
    for (const build of row.builds) {
      const info = byBuild.get(build);
      const machines = info?.machines?.machines ?? [];
      const named = machines.filter((m) => (m.compatProps ?? []).some((p) => p.qomType === row.qomType)).map((m) => m.name);
      const help = helpNames.get(build);
      let users: string[];
      let how: DeviceUse;
      if (help === undefined) {
        users = machines.map((m) => m.name);
        how = 'assumed user-creatable';
      } else if (help.has(row.qomType)) {
        users = machines.map((m) => m.name);
        how = 'user-creatable';
      } else if (named.length > 0) {
        users = named;
        how = 'compat properties';
      } else {
        users = [];
        how = 'machine code';
      }
      via = strongerUse(via, how);
      const versioned = users.filter((n) => parseMachineName(n).version !== undefined).length;
      usedBy.push({ build, versioned, unversioned: users.length - versioned, named });
    }
    const anyVersioned = usedBy.some((u) => u.versioned > 0);
    const anyUsers = usedBy.some((u) => u.versioned + u.unversioned > 0);
    const promise: DevicePromise = anyVersioned ? 'forward migration promised' : anyUsers ? 'a clean error at most' : 'unknown';
    const brokenPairs: string[] = [];
    const atRiskPairs: string[] = [];
    for (const source of row.builds) {
      for (const dest of row.builds) {
        if (compareVersions(source, dest) >= 0) continue;
        const key = pairKey(source, dest);
        const cell = board.cells.get(key)?.get(row.qomType);
        if (cell?.verdict === 'breaks') brokenPairs.push(key);
        else if (cell?.verdict === 'at-risk') atRiskPairs.push(key);
      }
    }
    const checked = row.builds.length >= 2 && promise === 'forward migration promised';
    return {
      qomType: row.qomType,
      sections: row.sections,
      promise,
      usedVia: via ?? 'machine code',
      usedBy,
      standing: !checked ? 'unchecked' : brokenPairs.length > 0 ? 'broken' : 'kept',
      brokenPairs,
      atRiskPairs,
    };
  });
}

const USE_ORDER: readonly DeviceUse[] = ['machine code', 'compat properties', 'assumed user-creatable', 'user-creatable'];

/** The use that reaches the most machine types wins: it decides the strictest promise. */
function strongerUse(a: DeviceUse | undefined, b: DeviceUse): DeviceUse {
  if (a === undefined) return b;
  return USE_ORDER.indexOf(b) > USE_ORDER.indexOf(a) ? b : a;
}
