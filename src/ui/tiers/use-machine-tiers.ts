/**
 * The machine tiers of the workspace's builds, grouped by release as `migscope tiers` groups
 * its files: one query-machines reply per release (required), its manifest and `-device help`
 * list when loaded (both needed for the devices without migration state).
 */
import { useMemo } from 'react';
import { machineTiers, type MachineTiers, type TierVersionInput } from '../../analysis/machine-tiers.ts';
import { useStableList } from '../matrix/use-stable-list.ts';
import { useVersionedFiles, type VersionedFile } from '../matrix/use-versioned-files.ts';

export interface TiersState {
  readonly pending: boolean;
  readonly files: readonly VersionedFile[];
  readonly tiers: MachineTiers | undefined;
  readonly notes: readonly string[];
}

export function useMachineTiers(): TiersState {
  const { files, pending } = useVersionedFiles();
  const inputs: TierVersionInput[] = [];
  const notes: string[] = [];
  const byVersion = new Map<string, { machines?: VersionedFile; manifest?: VersionedFile; devices?: VersionedFile }>();
  for (const f of files) {
    const v = f.version.version;
    if (v === undefined) {
      if (!f.pending && f.problem === undefined) notes.push(`${f.file.file.name}: its QEMU release is unknown; type it in the file list to use it.`);
      continue;
    }
    const slot = byVersion.get(v) ?? {};
    byVersion.set(v, slot);
    if (f.machines !== undefined) {
      if (slot.machines !== undefined) notes.push(`${f.file.file.name}: a second query-machines reply for ${v}; ${slot.machines.file.file.name} is used.`);
      else slot.machines = f;
    } else if (f.manifest !== undefined) slot.manifest ??= f;
    else if (f.devices !== undefined) slot.devices ??= f;
  }
  for (const [version, slot] of byVersion) {
    if (slot.machines?.machines === undefined) {
      notes.push(`${version}: no query-machines reply, so its machine types are not known; it is left out.`);
      continue;
    }
    inputs.push({ version, machines: slot.machines.machines, manifest: slot.manifest?.manifest, devices: slot.devices?.devices });
  }
  const stable = useStableList(inputs.flatMap((i) => [i.version, i.machines, i.manifest, i.devices]));
  // `stable` stands for `inputs`, rebuilt every render with the same content.
  const tiers = useMemo(() => (inputs.length > 0 ? machineTiers(inputs) : undefined), [stable]);
  return { pending, files, tiers, notes };
}
