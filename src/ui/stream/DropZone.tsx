import { useRef, type ReactElement } from 'react';

export interface DropZoneProps {
  readonly dragging: boolean;
  readonly onFiles: (files: readonly File[]) => void;
  /** The large variant fills an empty view. */
  readonly large?: boolean;
}

/**
 * Where to drop or pick files. Dropping works anywhere in the window (see use-file-drop);
 * this is the visible target and the file picker. Any file and any mix is accepted: each is
 * recognised by its bytes, not its name (workspace/detect-file.ts).
 */
export function DropZone({ dragging, onFiles, large }: DropZoneProps): ReactElement {
  const input = useRef<HTMLInputElement | null>(null);
  return (
    <div className={`dropzone${dragging ? ' dragging' : ''}${large === true ? ' large' : ''}`} data-testid="drop-zone">
      <span className="dropzone-text">{large === true ? 'Drop QEMU files here' : 'Drop files'}</span>
      {large === true ? (
        <span className="muted">
          migration streams (raw, gzip, libvirt save), <span className="nowrap">-dump-vmstate</span> manifests, query-machines replies,{' '}
          <span className="nowrap">-device help</span> lists, trace logs and destination stderr, command lines, in any mix; read in this browser and never uploaded
        </span>
      ) : undefined}
      <button type="button" className="btn" onClick={() => input.current?.click()}>
        Open files…
      </button>
      <input
        ref={input}
        type="file"
        multiple
        className="visually-hidden"
        aria-label="Open files"
        tabIndex={-1}
        onChange={(e) => {
          const files = [...(e.target.files ?? [])];
          // Reset so that picking the same file again still fires change.
          e.target.value = '';
          if (files.length > 0) onFiles(files);
        }}
      />
    </div>
  );
}
