/**
 * The machine tiers of the workspace's builds, grouped by release as `migscope tiers` groups
 * its files: one query-machines reply per release (required), its manifest and `-device help`
 * list when loaded (both needed for the devices without migration state). Built in the analysis
 * worker, with the release board it is checked against (hundreds of milliseconds over four builds).
 */
import { useQuery } from '@tanstack/react-query';
import type { MachineTiers, TierVersionInput } from '../../analysis/machine-tiers.ts';
import type { QueryMachines, VmstateManifest } from '../../manifest/index.ts';
import { machineTiersInWorker } from '../../worker/analysis-client.ts';
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
  // What the tiers are built from: the files chosen for each release, by id.
  const key = [...byVersion].flatMap(([version, slot]) => (slot.machines === undefined ? [] : [version, slot.machines.file.id, slot.manifest?.file.id ?? '-', slot.devices?.file.id ?? '-']));
  const query = useQuery({
    queryKey: ['machine-tiers', ...key],
    queryFn: ({ signal }) => machineTiersInWorker(inputs, signal),
    enabled: inputs.length > 0,
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
  const tiers = inputs.length > 0 ? query.data : undefined;
  if (query.isError) notes.push(query.error.message);
  const builds = inputs.flatMap((i) => (i.manifest === undefined ? [] : [{ version: i.version, manifest: i.manifest, machines: i.machines }]));
  return { pending: pending || (inputs.length > 0 && query.isPending), files, tiers, notes, builds };
}
