/**
 * The subsection whitelist of the negotiation proposal, learned from real streams: per device
 * (vmsd name) and build, the combinations of subsections its streams were seen to carry. A
 * subsection is sent when its `.needed` test holds on the source (guest state, a compat
 * property), so a manifest says which may come, not which do; streams say which do. A stream
 * whose combination the destination build never produced itself is at risk: the destination
 * may know every subsection and still never have loaded them together (11.1's `cpu` carries
 * `cpu/wfxt-timer`, which 10.0 aborts on although its own streams never send it).
 *
 * The whitelist is data (fixtures/real-runs/subsection-whitelist.json, written by
 * scripts/subsection-whitelist.ts from every stream of the real runs), so a site can build its
 * own from its own streams.
 */
import type { StreamFacts } from './stream-facts.ts';

/** One combination: the subsection names, sorted, joined with ` + `; `(none)` for none. */
export type Combination = string;

export const NO_SUBSECTIONS: Combination = '(none)';

export function combinationOf(names: Iterable<string>): Combination {
  const sorted = [...new Set(names)].sort();
  return sorted.length === 0 ? NO_SUBSECTIONS : sorted.join(' + ');
}

export interface WhitelistSample {
  readonly build: string;
  /** Where the stream came from, for the record (`x86_64 pc-q35-7.2-virtio`). */
  readonly name: string;
  readonly facts: StreamFacts;
}

/** device (vmsd name) → build → combination → the streams that carried it. */
export interface SubsectionWhitelist {
  readonly devices: Readonly<Record<string, Readonly<Record<string, Readonly<Record<Combination, readonly string[]>>>>>>;
}

export function buildWhitelist(samples: readonly WhitelistSample[]): SubsectionWhitelist {
  const devices: Record<string, Record<string, Record<Combination, string[]>>> = {};
  for (const s of samples) {
    for (const d of s.facts.devices) {
      // A body that could not be decoded says nothing about its subsections.
      if (d.subsections === undefined) continue;
      const combo = combinationOf(d.subsections.keys());
      const byBuild = (devices[d.vmsdName] ??= {});
      const byCombo = (byBuild[s.build] ??= {});
      const seen = (byCombo[combo] ??= []);
      if (!seen.includes(s.name)) seen.push(s.name);
    }
  }
  // Sorted keys, so the file a script writes is stable.
  const sortKeys = <T>(o: Record<string, T>): Record<string, T> => Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k] as T]));
  const out: Record<string, Record<string, Record<Combination, string[]>>> = {};
  for (const [dev, byBuild] of Object.entries(sortKeys(devices))) {
    out[dev] = {};
    for (const [build, byCombo] of Object.entries(sortKeys(byBuild))) out[dev][build] = sortKeys(byCombo);
  }
  return { devices: out };
}

export type WhitelistStatus =
  /** The destination build's own streams carried this combination. */
  | 'seen'
  /** The destination build's streams carry this device, never with this combination: at risk. */
  | 'never-produced'
  /** No stream of the destination build carries the device: the whitelist cannot say. */
  | 'no-samples';

export interface WhitelistCheck {
  readonly device: string;
  readonly combination: Combination;
  readonly status: WhitelistStatus;
  /** What the destination build's streams carried for the device. */
  readonly destCombinations: readonly Combination[];
}

/** Each device of the stream (with decoded subsections) against the destination build's combinations. */
export function checkWhitelist(facts: StreamFacts, destBuild: string, whitelist: SubsectionWhitelist): WhitelistCheck[] {
  const out: WhitelistCheck[] = [];
  for (const d of facts.devices) {
    if (d.subsections === undefined) continue;
    const combination = combinationOf(d.subsections.keys());
    const dest = whitelist.devices[d.vmsdName]?.[destBuild];
    const destCombinations = dest === undefined ? [] : Object.keys(dest);
    const status: WhitelistStatus = dest === undefined ? 'no-samples' : destCombinations.includes(combination) ? 'seen' : 'never-produced';
    out.push({ device: d.vmsdName, combination, status, destCombinations });
  }
  return out;
}

/** A whitelist read back from its JSON, or why it is not one. */
export function whitelistFromJson(value: unknown): { readonly ok: true; readonly value: SubsectionWhitelist } | { readonly ok: false; readonly message: string } {
  if (typeof value !== 'object' || value === null || typeof (value as Record<string, unknown>)['devices'] !== 'object') return { ok: false, message: 'a subsection whitelist is {"devices": {VMSD: {BUILD: {COMBINATION: [STREAM...]}}}}' };
  return { ok: true, value: value as SubsectionWhitelist };
}
