/**
 * A text from a file, shown a bounded piece at a time: one error line of a hostile log can be a
 * megabyte, and laying it out at once blocks the page. The rest is a click away, in pieces.
 */
import { useState, type ReactElement } from 'react';
import { groupedInt } from '../stream/format-value.ts';

/** Characters shown at first and added per click. */
export const CLIP_PAGE = 2000;

export function ClippedText({ text, page = CLIP_PAGE }: { readonly text: string; readonly page?: number }): ReactElement {
  const [shown, setShown] = useState(page);
  if (text.length <= shown) return <>{text}</>;
  return (
    <>
      {text.slice(0, shown)}
      <span className="muted clipped-more" data-testid="clipped-more">
        … {groupedInt(text.length - shown)} more characters{' '}
        <button type="button" className="btn btn-inline" onClick={() => setShown((n) => n + page * 5)}>
          Show {groupedInt(Math.min(page * 5, text.length - shown))} more
        </button>
      </span>
    </>
  );
}
