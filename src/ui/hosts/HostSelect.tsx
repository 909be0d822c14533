import type { ReactElement } from 'react';
import type { VersionedFile } from '../matrix/use-versioned-files.ts';
import { assignFile } from './host-assignments.ts';
import { assignmentOf, defaultHostName, NOT_A_HOST, VM_SOURCE, type Assignment } from './host-groups.ts';

export interface HostSelectProps {
  readonly file: VersionedFile;
  readonly chosen: ReadonlyMap<string, Assignment>;
  /** Every host a file is in now, so a file can join another. */
  readonly hostNames: readonly string[];
}

/** Which host a file belongs to; a manifest can also be the VM's source, a device-model manifest what the VM needs. */
export function HostSelect({ file, chosen, hostNames }: HostSelectProps): ReactElement {
  const current = assignmentOf({ id: file.file.id, name: file.file.file.name, version: file.version.version }, chosen);
  const own = defaultHostName(file.version.version);
  const names = [...new Set([...(own !== undefined ? [own] : []), ...hostNames, ...(current.startsWith('\u0000') ? [] : [current])])];
  return (
    <label className="vf-host">
      <span className="muted">host</span>
      <select
        value={current}
        aria-label={`Host of ${file.file.file.name}`}
        data-testid="host-select"
        onChange={(e) => {
          const to = e.target.value;
          assignFile(file.file.id, to === own ? undefined : to);
        }}
      >
        {names.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
        {file.manifest !== undefined ? <option value={VM_SOURCE}>the VM&apos;s source</option> : undefined}
        {file.models !== undefined ? <option value={VM_SOURCE}>what the VM needs</option> : undefined}
        <option value={NOT_A_HOST}>not a candidate</option>
      </select>
    </label>
  );
}
