/**
 * The machine tiers of the workspace's builds, grouped by release as `migscope tiers` groups
 * its files: one query-machines reply per release (required), its manifest and `-device help`
 * list when loaded (both needed for the devices without migration state).
 */
import { useMemo } from 'react';
import { machineTiers, type MachineTiers, type TierVersionInput } from '../../analysis/machine-tiers.ts';
import { releaseBoard } from '../../analysis/release-board.ts';
import type { QueryMachines, VmstateManifest } from '../../manifest/index.ts';
import { useStableList } from '../matrix/use-stable-list.ts';
import { useVersionedFiles, type VersionedFile } from '../matrix/use-versioned-files.ts';

export interface TiersState {
  readonly pending: boolean;
  readonly files: readonly VersionedFile[];
  readonly tiers: MachineTiers | undefined;
  readonly notes: readonly string[];
  /** Builds with a manifest (and their machine list): what device manifests can be exported of. */
  readonly builds: readonly { readonly version: string; readonly manifest: VmstateManifest; readonly machines: QueryMachines | undefined }[];
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
      // A build's reply with compat properties says more than its plain one; two of one kind are one too many.
      const richer = (x: VersionedFile): boolean => x.machines?.machines.some((m) => m.compatProps !== undefined) === true;
      if (slot.machines === undefined || (richer(f) && !richer(slot.machines))) slot.machines = f;
      else if (richer(f) === richer(slot.machines)) notes.push(`${f.file.file.name}: a second query-machines reply for ${v}; ${slot.machines.file.file.name} is used.`);
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
  const tiers = useMemo(() => {
    if (inputs.length === 0) return undefined;
    // With the manifests of two builds or more, each promise is checked against their devices.
    const withManifest = inputs.flatMap((i) => (i.manifest === undefined ? [] : [{ version: i.version, manifest: i.manifest }]));
    const board = withManifest.length >= 2 ? releaseBoard(withManifest, inputs.flatMap((i) => (i.machines === undefined ? [] : [{ version: i.version, machines: i.machines }]))) : undefined;
    return machineTiers(inputs, board?.ok === true ? board.value : undefined);
  }, [stable]);
  const builds = inputs.flatMap((i) => (i.manifest === undefined ? [] : [{ version: i.version, manifest: i.manifest, machines: i.machines }]));
  return { pending, files, tiers, notes, builds };
}
