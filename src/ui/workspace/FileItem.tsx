import type { ReactElement } from 'react';
import { humanBytes } from '../stream/format-value.ts';
import { detectionLabel, wrappingLabel } from './file-kinds.ts';
import { FileName } from './FileName.tsx';
import type { FileVersion } from '../matrix/file-versions.ts';
import { ReleaseChip } from './ReleaseChip.tsx';
import type { Role, WorkspaceFile } from './workspace-store.ts';

export interface FileItemProps {
  readonly file: WorkspaceFile;
  /** The role the file can play (stream, save trace, load log); absent for the other kinds. */
  readonly role: Role | undefined;
  readonly active: boolean;
  /** The build it describes, for the kinds a release belongs to. */
  readonly release: FileVersion | undefined;
  readonly onActivate: () => void;
  readonly onRemove: () => void;
}

const ROLE_WORD: Readonly<Record<Role, string>> = { stream: 'stream', save: 'save-side trace', load: 'load-side log' };

/** One loaded file: what it was recognised as, its size, whether views show it, and ×. */
export function FileItem({ file, role, active, release, onActivate, onRemove }: FileItemProps): ReactElement {
  const { name, size } = file.file;
  const d = file.detection;
  const kind = d?.kind ?? 'detecting';
  const wrap = d !== undefined ? wrappingLabel(d) : undefined;
  const label = d !== undefined ? detectionLabel(d) : 'reading…';
  const title = d !== undefined ? `${name}\n${d.detail}` : `${name}\nreading its first bytes…`;
  return (
    <li className={`file-item kind-${kind}${active ? ' active' : ''}${role !== undefined ? ' has-role' : ''}`} data-testid="file-item" data-name={name} data-kind={kind} title={title}>
      <label className="file-main">
        {role !== undefined ? (
          <input type="radio" className="file-radio" name={`active-${role}`} checked={active} onChange={onActivate} aria-label={`Show ${name} as the ${ROLE_WORD[role]}`} />
        ) : (
          <span className="file-radio-spacer" aria-hidden="true" />
        )}
        <span className="file-kind" data-testid="file-kind">
          {label}
        </span>
        <FileName name={name} />
      </label>
      {release !== undefined ? <ReleaseChip fileId={file.id} fileName={name} version={release} /> : undefined}
      <span className="file-size">
        {humanBytes(size)}
        {wrap !== undefined ? ` · ${wrap}` : ''}
      </span>
      <button type="button" className="file-remove" aria-label={`Remove ${name}`} onClick={onRemove}>
        ×
      </button>
    </li>
  );
}
