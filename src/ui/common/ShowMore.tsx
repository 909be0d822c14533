/**
 * The end of a list drawn a page at a time: how many of how many are shown, and a button for
 * the next page. Lists that real files keep short (sections, devices) can be tens of thousands
 * long in a damaged or hostile file; drawing them all at once froze the page for seconds.
 */
import type { ReactElement } from 'react';
import { groupedInt } from '../stream/format-value.ts';

/** Rows drawn at first and added per click: above what a real VM has (its logs name 20 to 60 sections). */
export const SHOW_PAGE = 100;

export interface ShowMoreProps {
  readonly shown: number;
  readonly total: number;
  /** Plural noun: `sections`, `devices`. */
  readonly what: string;
  readonly onMore: () => void;
}

export function ShowMore({ shown, total, what, onMore }: ShowMoreProps): ReactElement | null {
  if (shown >= total) return null;
  return (
    <p className="muted show-more" data-testid="show-more">
      Showing the first {groupedInt(shown)} of {groupedInt(total)} {what}.{' '}
      <button type="button" className="btn" onClick={onMore}>
        Show {groupedInt(Math.min(SHOW_PAGE, total - shown))} more
      </button>
    </p>
  );
}
