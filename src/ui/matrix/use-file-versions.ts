/**
 * The QEMU release of every workspace file, as the Matrix, Tiers and Hosts views see it: what
 * file-versions.ts reads from names and content, overridden by what the user typed.
 */
import { useMemo } from 'react';
import { newestMachineVersion } from '../../analysis/release-label.ts';
import { useParsedFiles } from '../workspace/use-file-content.ts';
import { useWorkspaceState } from '../workspace/workspace-context.ts';
import { fileVersions, type FileVersion, type VersionEvidence } from './file-versions.ts';
import { useTypedVersions } from './version-overrides.ts';

const NO_VERSION: FileVersion = { version: undefined, source: undefined, why: 'not read yet' };

export interface FileVersions {
  readonly of: (fileId: string) => FileVersion;
}

export function useFileVersions(): FileVersions {
  const state = useWorkspaceState();
  const typed = useTypedVersions();
  const machines = useParsedFiles('query-machines');
  const newest = useMemo(() => {
    const out = new Map<string, string | undefined>();
    for (const m of machines) {
      const data = m.query.data;
      if (data?.as === 'query-machines' && data.result.ok) out.set(m.file.id, newestMachineVersion(data.result.value));
    }
    return out;
  }, [machines]);
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
              newestMachine: newest.get(f.id),
              typed: typed.get(f.id),
            },
          ],
    );
    return fileVersions(evidence);
  }, [state.files, newest, typed]);
  return useMemo(() => ({ of: (id: string) => map.get(id) ?? NO_VERSION }), [map]);
}
