/**
 * Which loaded files make up which candidate host, and what the Hosts view says of each. Pure:
 * files in (with their release and what the user assigned), hosts out.
 *
 * A host is a release by default (`QEMU 7.2`: the manifests and machine list of that build);
 * the user can move a file to another host, leave it out, or make a manifest the VM's source.
 */
import type { HostCandidate, HostChoice } from '../../analysis/host-chooser.ts';
import { compareVersions } from '../../analysis/machine-names.ts';
import { worstVerdict } from '../../analysis/verdict.ts';
import type { DeviceModelManifest } from '../../manifest/device-models.ts';
import type { QueryMachines, VmstateManifest } from '../../manifest/index.ts';
import type { MdevHostTypes } from '../../manifest/mdev-types.ts';

/** A host name, or: not a candidate; the VM's source manifest. */
export type Assignment = string | typeof NOT_A_HOST | typeof VM_SOURCE;
export const NOT_A_HOST = '\u0000none';
export const VM_SOURCE = '\u0000source';

export interface HostFile {
  readonly id: string;
  readonly name: string;
  readonly version: string | undefined;
  readonly manifest?: VmstateManifest | undefined;
  readonly machines?: QueryMachines | undefined;
  /** A device-model manifest (`migscope device-manifest`): what the host offers. */
  readonly models?: DeviceModelManifest | undefined;
  /** An mdev type listing (mdevctl types --dumpjson, or the sysfs attributes). */
  readonly mdevTypes?: MdevHostTypes | undefined;
}

export interface HostGroup {
  readonly candidate: HostCandidate;
  readonly files: readonly HostFile[];
  /** What the grouping chose or left out, for the host's card. */
  readonly notes: readonly string[];
}

export function defaultHostName(version: string | undefined): string | undefined {
  return version !== undefined ? `QEMU ${version}` : undefined;
}

/** Where a file goes: what the user chose, else its release's host, else nowhere. */
export function assignmentOf(file: HostFile, chosen: ReadonlyMap<string, Assignment>): Assignment {
  return chosen.get(file.id) ?? defaultHostName(file.version) ?? NOT_A_HOST;
}

/**
 * The candidate hosts, by name (releases in numeric order, others after). Of several manifests
 * a host has, the one dumped with the VM's machine type is used (a manifest describes the
 * binary, so any would list the same devices).
 */
export function hostGroups(files: readonly HostFile[], chosen: ReadonlyMap<string, Assignment>, vmMachine: string | undefined): HostGroup[] {
  const byHost = new Map<string, HostFile[]>();
  for (const f of files) {
    const to = assignmentOf(f, chosen);
    if (to === NOT_A_HOST || to === VM_SOURCE) continue;
    const list = byHost.get(to) ?? [];
    list.push(f);
    byHost.set(to, list);
  }
  const groups: HostGroup[] = [];
  for (const [name, list] of byHost) {
    const notes: string[] = [];
    const manifests = list.filter((f) => f.manifest !== undefined);
    const machinesFiles = list.filter((f) => f.machines !== undefined);
    const exact = manifests.find((f) => vmMachine !== undefined && f.manifest?.machine === vmMachine);
    const manifest = exact ?? manifests[0];
    if (manifests.length > 1) notes.push(`${manifests.length} manifests; ${manifest?.name ?? '?'} is used${exact !== undefined ? ` (dumped with ${vmMachine ?? ''})` : ''}.`);
    if (machinesFiles.length > 1) notes.push(`${machinesFiles.length} machine lists; ${machinesFiles[0]?.name ?? '?'} is used.`);
    const versions = [...new Set(list.flatMap((f) => (f.version !== undefined ? [f.version] : [])))];
    if (versions.length > 1) notes.push(`files of several releases (${versions.join(', ')}) are grouped here.`);
    const modelFiles = list.filter((f) => f.models !== undefined);
    if (modelFiles.length > 1) notes.push(`${modelFiles.length} device-model manifests; ${modelFiles[0]?.name ?? '?'} is used.`);
    const listings = list.filter((f) => f.mdevTypes !== undefined);
    if (listings.length > 1) notes.push(`${listings.length} mdev type listings; ${listings[0]?.name ?? '?'} is used.`);
    // The release decides which load checks the host's build makes: only one its files agree on.
    groups.push({ candidate: { name, manifest: manifest?.manifest, machines: machinesFiles[0]?.machines, models: modelFiles[0]?.models, mdevTypes: listings[0]?.mdevTypes, release: versions.length === 1 ? versions[0] : undefined }, files: list, notes });
  }
  return groups.sort((a, b) => compareHostNames(a.candidate.name, b.candidate.name));
}

function compareHostNames(a: string, b: string): number {
  const va = /^QEMU (\S+)$/.exec(a)?.[1];
  const vb = /^QEMU (\S+)$/.exec(b)?.[1];
  if (va !== undefined && vb !== undefined) return compareVersions(va, vb);
  if (va !== undefined) return -1;
  if (vb !== undefined) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

export type HostVerdict = 'accept' | 'reject' | 'at-risk';

/** Three-way: the chooser's reject, else at risk when a reason warns, else accept. */
export function hostVerdict(choice: HostChoice): HostVerdict {
  if (choice.decision === 'reject') return 'reject';
  return worstVerdict(choice.reasons.map((r) => r.verdict)) === 'at-risk' ? 'at-risk' : 'accept';
}

/** Hosts that reject first, then those at risk, then the rest; stable otherwise. */
export function breaksFirst<T extends { readonly verdict: HostVerdict }>(items: readonly T[]): T[] {
  const rank: Readonly<Record<HostVerdict, number>> = { reject: 0, 'at-risk': 1, accept: 2 };
  return [...items].sort((a, b) => rank[a.verdict] - rank[b.verdict]);
}
