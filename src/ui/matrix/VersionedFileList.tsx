import type { ReactElement, ReactNode } from 'react';
import './compare-views.css';
import type { VersionedFile } from './use-versioned-files.ts';
import { VersionInput } from './VersionInput.tsx';

export interface VersionedFileListProps {
  readonly files: readonly VersionedFile[];
  readonly title: string;
  /** Extra control per file (the host a file belongs to). */
  readonly extra?: ((file: VersionedFile) => ReactNode) | undefined;
}

const KIND_WORD: Readonly<Record<VersionedFile['kind'], string>> = { 'vmstate-manifest': 'manifest', 'query-machines': 'machines', 'device-help': 'devices', 'device-models': 'models' };

const SOURCE_WORD: Readonly<Record<string, string>> = {
  typed: 'typed',
  text: 'text',
  folder: 'folder',
  'file name': 'name',
  'machine types': 'machines',
  'manifest content': 'content',
  'next to': 'paired',
};

/** The files a comparison reads, each with its release (editable) and why it is that one. */
export function VersionedFileList({ files, title, extra }: VersionedFileListProps): ReactElement {
  return (
    <section className="versioned-files" aria-label={title}>
      <h3>{title}</h3>
      {files.length === 0 ? (
        <p className="muted">None loaded.</p>
      ) : (
        <ul>
          {files.map((f) => (
            <li key={f.file.id} className={f.problem !== undefined ? 'has-problem' : undefined} data-testid="versioned-file" data-name={f.file.file.name} data-version={f.version.version ?? ''} data-flags={f.version.flags.map((x) => x.kind).join(' ')}>
              <span className="vf-kind">{KIND_WORD[f.kind]}</span>
              <span className="vf-name mono ellipsis" title={f.file.file.name}>
                {f.file.file.name}
              </span>
              <VersionInput fileId={f.file.id} fileName={f.file.file.name} version={f.version} />
              <span className="vf-source muted" title={f.version.why}>
                {f.version.source !== undefined ? SOURCE_WORD[f.version.source] : 'unknown'}
              </span>
              {f.version.flags.some((x) => x.kind !== 'duplicate') ? (
                <span className="vf-flag warn-text" title={f.version.flags.map((x) => x.message).join('\n')} aria-label={f.version.flags.map((x) => x.message).join('; ')}>
                  !
                </span>
              ) : undefined}
              {extra?.(f)}
              {f.problem !== undefined ? <span className="vf-problem error-text">{f.problem}</span> : undefined}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
