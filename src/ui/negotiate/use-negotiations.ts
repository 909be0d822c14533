/**
 * Every ordered pair of the workspace's builds negotiated, as `migscope negotiate FILE...` does
 * from the same files: one manifest per build (the first loaded), that build's query-machines
 * reply (the one with compat properties when both are loaded).
 */
import { useMemo } from 'react';
import type { MatrixMachines, MatrixManifest } from '../../analysis/compat-matrix.ts';
import { negotiateAllPairs, type Negotiation } from '../../analysis/negotiation.ts';
import { useStableList } from '../matrix/use-stable-list.ts';
import { useVersionedFiles, type VersionedFile } from '../matrix/use-versioned-files.ts';

export interface NegotiationsState {
  readonly pending: boolean;
  readonly files: readonly VersionedFile[];
  readonly pairs: readonly Negotiation[];
  /** Why a pair could not be negotiated, when one could not. */
  readonly problems: readonly string[];
}

export function useNegotiations(): NegotiationsState {
  const { files, pending } = useVersionedFiles();
  const used = files.filter((f) => f.kind === 'vmstate-manifest' || f.kind === 'query-machines');
  const manifests: MatrixManifest[] = [];
  const machines: MatrixMachines[] = [];
  for (const f of used) {
    const version = f.version.version;
    if (version === undefined) continue;
    if (f.manifest !== undefined && !manifests.some((m) => m.version === version)) manifests.push({ version, manifest: f.manifest });
    if (f.machines !== undefined) {
      const at = machines.findIndex((m) => m.version === version);
      const withProps = f.machines.machines.some((m) => m.compatProps !== undefined);
      if (at < 0) machines.push({ version, machines: f.machines });
      else if (withProps) machines[at] = { version, machines: f.machines };
    }
  }
  const stable = useStableList([...manifests.flatMap((m) => [m.version, m.manifest]), ...machines.flatMap((m) => [m.version, m.machines])]);
  const results = useMemo(() => (manifests.length >= 2 ? negotiateAllPairs(manifests, machines) : []), [stable]);
  return {
    pending,
    files: used,
    pairs: results.flatMap((r) => (r.ok ? [r.value] : [])),
    problems: results.flatMap((r) => (r.ok ? [] : [r.error.message])),
  };
}
