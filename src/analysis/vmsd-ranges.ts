/**
 * Device vmsd version ranges per build, as the tour's negotiation step needs them: what each
 * build's loader accepts for a section, `[minimum_version_id, version_id]`, by vmsd name (the
 * section's idstr suffix). One name can stand for several vmsds (`vga`): the first QOM type's
 * wins, as a stream section does not say which.
 */
import type { VmstateManifest } from '../manifest/vmstate-manifest.ts';
import { compareVersions } from './machine-names.ts';

/** build → vmsd name → [min, max]. */
export type VmsdRanges = Readonly<Record<string, Readonly<Record<string, readonly [number, number]>>>>;

export function vmsdRanges(builds: readonly { readonly version: string; readonly manifest: VmstateManifest }[]): VmsdRanges {
  const out: Record<string, Record<string, [number, number]>> = {};
  for (const b of [...builds].sort((x, y) => compareVersions(x.version, y.version))) {
    const ranges: Record<string, [number, number]> = {};
    for (const d of b.manifest.devices.values()) {
      const desc = d.description;
      if (desc === undefined || Object.hasOwn(ranges, desc.name)) continue;
      ranges[desc.name] = [desc.minimumVersionId ?? 0, desc.versionId];
    }
    out[b.version] = Object.fromEntries(Object.entries(ranges).sort(([a], [c]) => (a < c ? -1 : 1)));
  }
  return out;
}

/** A version range as text: `2`, or `1..2`. */
export function rangeText([min, max]: readonly [number, number]): string {
  return min === max ? `${max}` : `${min}..${max}`;
}

export interface RangeExample {
  readonly vmsd: string;
  readonly newer: string;
  readonly older: string;
  readonly newerRange: readonly [number, number];
  readonly olderRange: readonly [number, number];
  /** The highest version both hold. */
  readonly common: number;
}

/**
 * A vmsd whose version moved between two builds while the ranges still meet: what the newer
 * build sends today is too new for the older one, a version both hold exists. `prefer` names
 * the ones to try first (the tour's: an example `migscope negotiate` shows fixed).
 */
export function movedVersion(ranges: VmsdRanges, prefer: readonly string[] = []): RangeExample | undefined {
  const builds = Object.keys(ranges).sort(compareVersions);
  const names = [...new Set([...prefer, ...builds.flatMap((b) => Object.keys(ranges[b] ?? {}))])];
  for (const vmsd of names) {
    for (const [i, older] of builds.entries()) {
      for (const newer of builds.slice(i + 1)) {
        const o = ranges[older]?.[vmsd];
        const n = ranges[newer]?.[vmsd];
        if (o === undefined || n === undefined || n[1] <= o[1]) continue;
        const common = Math.min(n[1], o[1]);
        if (common >= Math.max(n[0], o[0])) return { vmsd, newer, older, newerRange: n, olderRange: o, common };
      }
    }
  }
  return undefined;
}
