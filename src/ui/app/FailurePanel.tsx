import type { ReactElement } from 'react';
import { DropZone } from '../stream/DropZone.tsx';

export interface FailurePanelProps {
  readonly title: string;
  readonly message: string;
  readonly dragging: boolean;
  readonly onFiles: (files: readonly File[]) => void;
}

/** A file that could not be loaded or decoded at all (bad input is shown by StreamView instead). */
export function FailurePanel({ title, message, dragging, onFiles }: FailurePanelProps): ReactElement {
  return (
    <div className="failure">
      <section className="error-panel" role="alert">
        <div className="error-title">{title}</div>
        <p className="mono">{message}</p>
      </section>
      <DropZone dragging={dragging} onFiles={onFiles} large />
    </div>
  );
}
