import type { ReactElement, ReactNode } from 'react';
import type { AssignedDevice } from '../../analysis/assigned-hosts.ts';
import type { Assignment } from './host-groups.ts';
import { HostSelect } from './HostSelect.tsx';
import type { HostsState } from './use-host-choice.ts';
import { NO_ASSIGNED_FILE, setVmInputs, useVmInputs } from './vm-inputs.ts';

export interface AssignedFilesProps {
  readonly state: HostsState;
  readonly chosen: ReadonlyMap<string, Assignment>;
}

/**
 * The assigned-device inputs beside the host files: which file lists the VM's assigned
 * devices (and what it assigns, with each mdev's type), each mdev config by uuid, and each mdev
 * type listing with the host it describes. Shown only once such a file is loaded.
 */
export function AssignedFiles({ state, chosen }: AssignedFilesProps): ReactElement | null {
  const inputs = useVmInputs();
  const { vmFiles, listings, configs } = state.assignedInputs;
  if (vmFiles.length === 0 && listings.length === 0 && configs.length === 0) return null;
  const picked = inputs.assignedFile ?? state.assignedFile?.file.id ?? NO_ASSIGNED_FILE;
  return (
    <section className="versioned-files assigned-files" aria-label="Assigned devices" data-testid="assigned-files">
      <h3>Assigned devices</h3>
      <label className="assigned-vm">
        <span className="muted">the VM&apos;s</span>
        <select value={picked} aria-label="The VM's assigned devices from" data-testid="assigned-vm-file" onChange={(e) => setVmInputs({ assignedFile: e.target.value })}>
          <option value={NO_ASSIGNED_FILE}>none given</option>
          {vmFiles.map((f) => (
            <option key={f.file.id} value={f.file.id}>
              {f.file.file.name}
              {f.devices !== undefined ? ` (${f.devices.length} assigned)` : ''}
            </option>
          ))}
        </select>
      </label>
      {state.assignedFile?.problem !== undefined ? <p className="error-text vf-problem">{state.assignedFile.problem}</p> : undefined}
      {state.assigned !== undefined ? (
        state.assigned.length === 0 ? (
          <p className="muted assigned-none">{state.assignedFile?.file.file.name} assigns no device.</p>
        ) : (
          <ul className="assigned-devices" data-testid="assigned-devices">
            {state.assigned.map((d) => (
              <li key={`${d.kind}-${d.id}`} data-kind={d.kind} data-id={d.id} data-type={d.mdevType ?? ''}>
                <span className="vf-kind">{d.kind === 'mdev' ? 'mdev' : 'PCI'}</span>
                <span className="mono ellipsis" title={`${d.id}\nfrom ${d.from}`}>
                  {d.id}
                </span>
                <span className={d.kind === 'mdev' && d.mdevType === undefined ? 'warn-text assigned-type' : 'muted assigned-type'} title={d.traits !== undefined ? `compatible_type traits on the source host:\n${d.traits.join('\n')}` : undefined}>
                  {typeWords(d)}
                </span>
              </li>
            ))}
          </ul>
        )
      ) : undefined}
      {configs.length > 0 || listings.length > 0 ? (
        <ul>
          {configs.map((c) => (
            <FileRow key={c.file.id} testId="mdev-config-file" name={c.file.file.name} kind="config" kindTitle="mdevctl device config" problem={c.problem}>
              <span className="assigned-config-type mono ellipsis">{c.mdevType ?? ''}</span>
            </FileRow>
          ))}
          {listings.map((l) => (
            <FileRow key={l.file.id} testId="mdev-listing-file" name={l.file.file.name} kind="types" kindTitle="mdev type listing" problem={l.problem}>
              <span className="muted assigned-listing-count">{l.types !== undefined ? `${l.types.types.length} type${l.types.types.length === 1 ? '' : 's'}` : ''}</span>
              {l.types !== undefined ? <HostSelect fileId={l.file.id} fileName={l.file.file.name} version={l.version} chosen={chosen} hostNames={state.hostNames} sourceLabel="the VM's source host" /> : undefined}
            </FileRow>
          ))}
        </ul>
      ) : undefined}
    </section>
  );
}

interface FileRowProps {
  readonly testId: string;
  readonly name: string;
  readonly kind: string;
  readonly kindTitle: string;
  readonly problem: string | undefined;
  readonly children: ReactNode;
}

/** One loaded file in the list, as the host files above are shown: kind, name, what it holds, why it cannot be used. */
function FileRow({ testId, name, kind, kindTitle, problem, children }: FileRowProps): ReactElement {
  return (
    <li className={problem !== undefined ? 'has-problem' : undefined} data-testid={testId} data-name={name}>
      <span className="vf-kind" title={kindTitle}>
        {kind}
      </span>
      <span className="vf-name mono ellipsis" title={name}>
        {name}
      </span>
      {children}
      {problem !== undefined ? <span className="vf-problem error-text">{problem}</span> : undefined}
    </li>
  );
}

function typeWords(d: AssignedDevice): string {
  if (d.kind === 'pci') return 'whole function';
  if (d.mdevType === undefined) return 'type unknown: load its mdevctl config';
  return d.traits !== undefined ? `${d.mdevType} · ${d.traits.length} source trait${d.traits.length === 1 ? '' : 's'}` : d.mdevType;
}
