import type { ReactElement } from 'react';

/** Long names lose their middle, not their end: `…flip-footer.mig.gz` tells files apart. */
const TAIL_CHARS = 14;

export interface FileNameProps {
  readonly name: string;
}

export function FileName({ name }: FileNameProps): ReactElement {
  if (name.length <= TAIL_CHARS + 8) return <span className="file-item-name">{name}</span>;
  return (
    <span className="file-item-name split">
      <span className="name-head">{name.slice(0, -TAIL_CHARS)}</span>
      <span className="name-tail">{name.slice(-TAIL_CHARS)}</span>
    </span>
  );
}
