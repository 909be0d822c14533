/**
 * The QEMU release of every workspace file, as the Matrix, Tiers, Compat and Hosts views and the
 * Files panel see it: what file-versions.ts reads from content and names, overridden by what
 * the user typed.
 */
import { useMemo } from 'react';
import { newestMachineVersion } from '../../analysis/release-label.ts';
import { manifestSignature } from '../../analysis/vmsd-variants.ts';
import { useParsedFiles } from '../workspace/use-file-content.ts';
import { useWorkspaceState } from '../workspace/workspace-context.ts';
import { fileVersions, type FileVersion, type VersionEvidence } from './file-versions.ts';
import { useStableList } from './use-stable-list.ts';
import { useTypedVersions } from './version-overrides.ts';

const NO_VERSION: FileVersion = { version: undefined, source: undefined, why: 'not read yet', candidates: [], flags: [] };

export interface FileVersions {
  readonly of: (fileId: string) => FileVersion;
}

type Content = Pick<VersionEvidence, 'newestMachine' | 'machineNames' | 'compatProps' | 'manifestMachine' | 'signature'>;

export function useFileVersions(): FileVersions {
  const state = useWorkspaceState();
  const typed = useTypedVersions();
  const machines = useParsedFiles('query-machines');
  const manifests = useParsedFiles('vmstate-manifest');
  const devices = useParsedFiles('device-help');
  const parsed = [...machines, ...manifests, ...devices];
  // Query results keep their data objects: the list is the same while nothing was parsed anew.
  const signature = useStableList(parsed.flatMap((p) => [p.file.id, p.query.data]));
  const content = useMemo(() => {
    const out = new Map<string, Content>();
    for (const p of parsed) {
      const data = p.query.data;
      if (data?.as === 'query-machines' && data.result.ok) {
        const qm = data.result.value;
        const names = qm.machines.map((m) => m.name);
        out.set(p.file.id, { newestMachine: newestMachineVersion(qm), machineNames: names, compatProps: qm.machines.some((m) => m.compatProps !== undefined), signature: [...names].sort().join(' ') });
      } else if (data?.as === 'vmstate-manifest' && data.result.ok) {
        out.set(p.file.id, { manifestMachine: data.result.value.machine, signature: manifestSignature(data.result.value) });
      } else if (data?.as === 'device-help') {
        out.set(p.file.id, { signature: data.signature });
      }
    }
    return out;
    // `signature` stands for the parsed list, a new array every render.
  }, [signature]);
  const map = useMemo(() => {
    const evidence: VersionEvidence[] = state.files.flatMap((f) =>
      f.detection === undefined
        ? []
        : [
            {
              id: f.id,
              name: f.file.name,
              path: f.file.webkitRelativePath,
              kind: f.detection.kind,
              group: f.origin,
              typed: typed.get(f.id),
              textVersion: f.detection.version,
              ...content.get(f.id),
            },
          ],
    );
    return fileVersions(evidence);
  }, [state.files, content, typed]);
  return useMemo(() => ({ of: (id: string) => map.get(id) ?? NO_VERSION }), [map]);
}
