import { useRef, type ReactElement } from 'react';

export interface DropZoneProps {
  readonly dragging: boolean;
  readonly onFiles: (files: readonly File[]) => void;
  /** The large variant fills an empty workspace. */
  readonly large?: boolean;
}

/**
 * Where to drop or pick a stream. Dropping works anywhere in the window (see use-file-drop);
 * this is the visible target and the file picker. Any file is accepted: the decoder tells
 * gzip, libvirt save files and raw streams apart by their bytes, not their names.
 */
export function DropZone({ dragging, onFiles, large }: DropZoneProps): ReactElement {
  const input = useRef<HTMLInputElement | null>(null);
  return (
    <div className={`dropzone${dragging ? ' dragging' : ''}${large === true ? ' large' : ''}`} data-testid="drop-zone">
      <span className="dropzone-text">{large === true ? 'Drop a QEMU migration stream here' : 'Drop a stream'}</span>
      {large === true ? <span className="muted">raw, gzip-compressed or a libvirt save file; it is decoded in this browser and never uploaded</span> : undefined}
      <button type="button" className="btn" onClick={() => input.current?.click()}>
        Open file…
      </button>
      <input
        ref={input}
        type="file"
        className="visually-hidden"
        aria-label="Open a migration stream file"
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
