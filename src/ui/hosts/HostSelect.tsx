import type { ReactElement } from 'react';
import { assignFile } from './host-assignments.ts';
import { assignmentOf, defaultHostName, NOT_A_HOST, VM_SOURCE, type Assignment } from './host-groups.ts';

export interface HostSelectProps {
  readonly fileId: string;
  readonly fileName: string;
  /** The file's release, whose host it is in unless moved; undefined: in none until put in one. */
  readonly version: string | undefined;
  readonly chosen: ReadonlyMap<string, Assignment>;
  /** Every host a file is in now, so a file can join another. */
  readonly hostNames: readonly string[];
  /** What "the VM's source" means for this file, when it can be that. */
  readonly sourceLabel?: string | undefined;
}

/**
 * Which host a file belongs to; a manifest can also be the VM's source, a device-model manifest
 * what the VM needs, an mdev type listing the source host's.
 */
export function HostSelect({ fileId, fileName, version, chosen, hostNames, sourceLabel }: HostSelectProps): ReactElement {
  const current = assignmentOf({ id: fileId, name: fileName, version }, chosen);
  const own = defaultHostName(version);
  const names = [...new Set([...(own !== undefined ? [own] : []), ...hostNames, ...(current.startsWith('\u0000') ? [] : [current])])];
  return (
    <label className="vf-host">
      <span className="muted">host</span>
      <select
        value={current}
        aria-label={`Host of ${fileName}`}
        data-testid="host-select"
        onChange={(e) => {
          const to = e.target.value;
          assignFile(fileId, to === own ? undefined : to);
        }}
      >
        {names.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
        {sourceLabel !== undefined ? <option value={VM_SOURCE}>{sourceLabel}</option> : undefined}
        <option value={NOT_A_HOST}>not a candidate</option>
      </select>
    </label>
  );
}
