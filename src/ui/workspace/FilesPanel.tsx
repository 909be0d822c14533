import { useState, type ReactElement } from 'react';
import { useFileVersions } from '../matrix/use-file-versions.ts';
import { detectionLabel } from './file-kinds.ts';
import { FileItem } from './FileItem.tsx';
import { FileSets } from './FileSets.tsx';
import './workspace.css';
import type { FileKind } from './detect-file.ts';
import { roleOf, type WorkspaceState, type WorkspaceStore } from './workspace-store.ts';

/** Kinds one build wrote: a load outcome table spans builds, and unknown files say nothing. */
const LABELLED: ReadonlySet<FileKind> = new Set(['stream', 'vmstate-manifest', 'query-machines', 'device-help', 'trace-log', 'command-line', 'device-models']);

export interface FilesPanelProps {
  readonly state: WorkspaceState;
  readonly store: WorkspaceStore;
}

/**
 * The file sets, and every file of the set on show, in the order it came, with what it was
 * recognised as. Streams and logs have a radio: the views show the chosen one of each role.
 */
export function FilesPanel({ state, store }: FilesPanelProps): ReactElement {
  const { files, active } = state;
  const [open, setOpen] = useState(true);
  const versions = useFileVersions();
  return (
    <section className={`files-panel${open ? '' : ' collapsed'}`} aria-label="Files" data-testid="files-panel">
      <FileSets state={state} store={store} />
      <h2 className="files-title">
        <button type="button" className="files-toggle" aria-expanded={open} aria-controls="file-list" onClick={() => setOpen((o) => !o)}>
          <span className="twisty-mark" aria-hidden="true">
            {open ? '▾' : '▸'}
          </span>
          Files <span className="files-count">{files.length}</span>
        </button>
      </h2>
      {!open ? (
        <span className="files-summary muted">{summary(state)}</span>
      ) : files.length === 0 ? (
        <span className="muted files-empty">
          Nothing loaded. Drop any mix of streams, -dump-vmstate manifests, query-machines replies, -device help lists, trace logs and command lines.
        </span>
      ) : (
        <ul className="file-list" id="file-list">
          {files.map((f) => {
            const role = roleOf(f);
            return (
              <FileItem
                key={f.id}
                file={f}
                role={role}
                active={role !== undefined && active[role] === f.id}
                release={f.detection !== undefined && LABELLED.has(f.detection.kind) ? versions.of(f.id) : undefined}
                onActivate={() => role !== undefined && store.setActive(role, f.id)}
                onRemove={() => store.remove(f.id)}
              />
            );
          })}
        </ul>
      )}
    </section>
  );
}

/** One line for the collapsed panel: how many of each kind, e.g. `2 streams · 1 load log`. */
function summary(state: WorkspaceState): string {
  const counts = new Map<string, number>();
  for (const f of state.files) {
    const label = f.detection !== undefined ? detectionLabel(f.detection) : 'reading';
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  return [...counts].map(([label, n]) => `${n} ${label}${n === 1 ? '' : 's'}`).join(' · ') || 'nothing loaded';
}
