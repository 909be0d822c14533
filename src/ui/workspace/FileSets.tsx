import type { ReactElement } from 'react';
import type { FileSet, WorkspaceState, WorkspaceStore } from './workspace-store.ts';

export interface FileSetsProps {
  readonly state: WorkspaceState;
  readonly store: WorkspaceStore;
}

/**
 * The sets of files, one entry each: the sample's and the person's own. The one on show is
 * what every view reads; the others wait, untouched, one click away.
 */
export function FileSets({ state, store }: FileSetsProps): ReactElement {
  return (
    <ul className="file-sets" aria-label="File sets" data-testid="file-sets">
      {state.sets.map((set) => {
        const current = set.id === state.currentSet;
        return (
          <li key={set.id} className={`file-set origin-${set.origin}${current ? ' current' : ''}`} data-testid="file-set" data-origin={set.origin} data-title={set.title}>
            <button type="button" className="file-set-open" aria-current={current ? 'true' : undefined} title={setTitle(set)} onClick={() => store.openSet(set.id)}>
              <span className="file-set-name">{set.title}</span>
              <span className="file-set-count">{set.files.length}</span>
            </button>
            {set.origin === 'user' ? (
              <button type="button" className="file-set-close" aria-label={`Close ${set.title} and its files`} onClick={() => store.closeSet(set.id)}>
                ×
              </button>
            ) : undefined}
          </li>
        );
      })}
      <li>
        <button type="button" className="file-set-new" title="Start an empty set: the next files dropped go there" onClick={() => store.newSet()}>
          + New set
        </button>
      </li>
    </ul>
  );
}

function setTitle(set: FileSet): string {
  const kind = set.origin === 'sample' ? 'a sample set: real QEMU output shipped with migscope' : 'your files, read together';
  const files = set.files.map((f) => f.file.name);
  return `${set.title}: ${kind}\n${files.length === 0 ? 'no files yet: drop some' : files.join('\n')}`;
}
