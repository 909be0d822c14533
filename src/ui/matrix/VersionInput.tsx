import type { ReactElement } from 'react';
import { CommitInput } from './CommitInput.tsx';
import { parseTypedVersion } from '../../analysis/release-label.ts';
import type { FileVersion } from './file-versions.ts';
import { setTypedVersion } from './version-overrides.ts';

export interface VersionInputProps {
  readonly fileId: string;
  readonly fileName: string;
  readonly version: FileVersion;
}

/**
 * The QEMU release of one file, as read (placeholder) or as typed (value): clearing the text
 * goes back to what was read.
 */
export function VersionInput({ fileId, fileName, version }: VersionInputProps): ReactElement {
  const typed = version.source === 'typed' ? (version.version ?? '') : '';
  return (
    <span className={`version-input${version.version === undefined ? ' unknown' : ''}`} title={`QEMU release of ${fileName}: ${version.why}`}>
      <CommitInput
        value={typed}
        placeholder={version.source !== 'typed' ? (version.version ?? '?') : ''}
        valid={(t) => t.trim() === '' || parseTypedVersion(t) !== undefined}
        onCommit={(text) => setTypedVersion(fileId, text)}
        ariaLabel={`QEMU release of ${fileName}`}
        testId="version-input"
      />
    </span>
  );
}
