import type { ReactElement } from 'react';
import { CommitInput } from '../matrix/CommitInput.tsx';
import { VersionedFileList } from '../matrix/VersionedFileList.tsx';
import { useHostAssignments } from './host-assignments.ts';
import { HostCard } from './HostCard.tsx';
import './hosts.css';
import { AssignedFiles } from './AssignedFiles.tsx';
import { HostSelect } from './HostSelect.tsx';
import { useHostChoice } from './use-host-choice.ts';
import { setVmInputs, useVmInputs } from './vm-inputs.ts';

/**
 * The Hosts tab: where can this VM go? The VM is the active stream (or a source manifest and
 * a machine type); each candidate host is a group of loaded files (by release, or as the user
 * assigns them); each gets accept / at risk / reject with the chooser's reasons.
 */
export function HostsView(): ReactElement {
  const inputs = useVmInputs();
  const chosen = useHostAssignments();
  const h = useHostChoice();
  const state = h.pending ? 'loading' : h.results.length === 0 ? 'empty' : 'ready';
  const vmMachine = h.vm?.kind === 'stream' ? h.vm.facts.machineType : h.vm?.machine;

  return (
    <div className="view-body hosts-view" data-app-state={state} data-testid="hosts-view">
      <div className="view-toolbar">
        <span className="segmented" role="radiogroup" aria-label="The VM">
          <label className={inputs.from === 'stream' ? 'on' : undefined}>
            <input type="radio" name="hosts-vm" checked={inputs.from === 'stream'} onChange={() => setVmInputs({ from: 'stream' })} />
            VM from the stream
          </label>
          <label className={inputs.from === 'manifest' ? 'on' : undefined}>
            <input type="radio" name="hosts-vm" checked={inputs.from === 'manifest'} onChange={() => setVmInputs({ from: 'manifest' })} />
            VM from a manifest
          </label>
        </span>
        {inputs.from === 'stream' ? (
          <span className="tool-field">
            {h.stream !== undefined ? (
              <>
                <span className="mono">{h.stream.file.name}</span>
                {vmMachine !== undefined ? (
                  <span className="muted">
                    machine type <span className="mono" data-testid="hosts-vm-machine">{vmMachine}</span>
                    {h.vm?.kind === 'stream' ? `, ${h.vm.facts.devices.length} device sections` : ''}
                  </span>
                ) : undefined}
                <span className="muted">· source manifest: {h.source !== undefined ? <span className="mono">{h.source.file.file.name}</span> : 'none (optional)'}</span>
              </>
            ) : (
              <span className="muted">no stream loaded</span>
            )}
          </span>
        ) : (
          <>
            <label className="tool-field">
              <span>Machine type</span>
              <CommitInput value={inputs.machine} placeholder={h.source?.manifest?.machine ?? 'e.g. pc-q35-7.2'} onCommit={(machine) => setVmInputs({ machine })} ariaLabel="The VM's machine type" />
            </label>
            <label className="tool-field" title="vmsd names or QOM types, comma-separated: their breaking findings reject a host; without them a break only warns">
              <span>Devices</span>
              <CommitInput value={inputs.devices} placeholder="e.g. e1000, virtio-net" onCommit={(devices) => setVmInputs({ devices })} ariaLabel="The VM's devices" className="hosts-devices" />
            </label>
          </>
        )}
      </div>
      <div className="hosts-main">
        <div className="hosts-scroll">
          {h.vmProblem !== undefined ? <p className="warn-text hosts-problem">{h.vmProblem}</p> : undefined}
          {h.vm !== undefined && h.results.length === 0 ? (
            <div className="matrix-empty">
              <h2>No candidate hosts</h2>
              <p>Load each candidate&apos;s -dump-vmstate manifest and query-machines reply. Files of one QEMU release make one host; move files between hosts on the right.</p>
            </div>
          ) : undefined}
          <div className="host-cards" data-testid="host-cards">
            {h.results.map((r) => (
              <HostCard key={r.choice.host} result={r} />
            ))}
          </div>
        </div>
        <aside className="matrix-side">
          <VersionedFileList files={h.files} title="Candidate hosts' files" extra={(f) => <HostSelect fileId={f.file.id} fileName={f.file.file.name} version={f.version.version} chosen={chosen} hostNames={h.hostNames} sourceLabel={f.manifest !== undefined ? "the VM's source" : f.models !== undefined ? 'what the VM needs' : undefined} />} />
          <AssignedFiles state={h} chosen={chosen} />
        </aside>
      </div>
    </div>
  );
}
