import { useState, type ReactElement } from 'react';
import { parseTypedVersion } from '../../analysis/release-label.ts';
import { CommitInput } from '../matrix/CommitInput.tsx';
import type { FileVersion } from '../matrix/file-versions.ts';
import { setTypedVersion } from '../matrix/version-overrides.ts';

export interface ReleaseChipProps {
  readonly fileId: string;
  readonly fileName: string;
  readonly version: FileVersion;
}

const SOURCE_WORD: Readonly<Record<string, string>> = {
  typed: 'typed by you',
  text: 'named in the content',
  'machine types': 'newest machine type',
  folder: 'folder',
  'file name': 'file name',
  'manifest content': 'manifest content',
  'next to': 'dropped with its reply',
};

/**
 * A file's build in the Files panel: the label and why (hover), a mark when the evidence
 * disagrees or clashes, and a click to type another (empty text goes back to what was read).
 */
export function ReleaseChip({ fileId, fileName, version }: ReleaseChipProps): ReactElement {
  const [editing, setEditing] = useState(false);
  const flagged = version.flags.filter((f) => f.kind !== 'duplicate');
  const title = [
    `QEMU build of ${fileName}: ${version.version ?? 'unknown'}`,
    version.source !== undefined ? `from: ${SOURCE_WORD[version.source] ?? version.source}` : undefined,
    version.why,
    ...version.flags.map((f) => `${f.kind}: ${f.message}`),
    'Click to type another build.',
  ]
    .filter((x) => x !== undefined)
    .join('\n');
  if (editing) {
    return (
      <span className="release-chip editing">
        <CommitInput
          value={version.source === 'typed' ? (version.version ?? '') : ''}
          placeholder={version.version ?? '?'}
          valid={(t) => t.trim() === '' || parseTypedVersion(t) !== undefined}
          onCommit={(text) => {
            setTypedVersion(fileId, text);
            setEditing(false);
          }}
          ariaLabel={`QEMU build of ${fileName}`}
          testId="release-chip-input"
        />
      </span>
    );
  }
  return (
    <button
      type="button"
      className={`release-chip${version.version === undefined ? ' unknown' : ''}${flagged.length > 0 ? ' flagged' : ''}${version.source === 'typed' ? ' typed' : ''}`}
      title={title}
      aria-label={`QEMU build of ${fileName}: ${version.version ?? 'unknown'}${flagged.length > 0 ? `, ${flagged.length} warning${flagged.length === 1 ? '' : 's'}` : ''}; change`}
      data-testid="release-chip"
      data-version={version.version ?? ''}
      data-source={version.source ?? ''}
      data-flags={version.flags.map((f) => f.kind).join(' ')}
      onClick={() => setEditing(true)}
    >
      {flagged.length > 0 ? (
        <span className="release-flag" aria-hidden="true">
          !
        </span>
      ) : undefined}
      {version.version ?? '?'}
    </button>
  );
}
