import type { ReactElement } from 'react';

/**
 * What a comparing view says about its inputs (files left out, stand-ins), one line each. Keys
 * carry the index: two same-named files give the same line twice.
 */
export function NotesList({ notes }: { readonly notes: readonly string[] }): ReactElement | null {
  if (notes.length === 0) return null;
  return (
    <ul className="matrix-notes">
      {notes.map((n, i) => (
        <li key={`${i}-${n}`}>{n}</li>
      ))}
    </ul>
  );
}
