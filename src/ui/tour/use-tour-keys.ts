/**
 * ← → and Esc for the tour, from anywhere on the page except where those keys already mean
 * something: text fields, the tables, the tree, the bytes, the lane lists, tab strips, menus.
 */
import { useEffect, useRef } from 'react';

const OWN_KEYS = 'input, textarea, select, [role="grid"], [role="tree"], [role="listbox"], [role="tablist"], [role="menu"], [data-testid="hex-view"]';

export interface TourKeys {
  readonly next: () => void;
  readonly back: () => void;
  readonly close: () => void;
}

export function useTourKeys(active: boolean, keys: TourKeys): void {
  const ref = useRef(keys);
  ref.current = keys;
  useEffect(() => {
    if (!active) return undefined;
    const onKey = (e: KeyboardEvent): void => {
      if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
      if (e.target instanceof Element && e.target.closest(OWN_KEYS) !== null) return;
      const action = e.key === 'ArrowRight' ? ref.current.next : e.key === 'ArrowLeft' ? ref.current.back : e.key === 'Escape' ? ref.current.close : undefined;
      if (action === undefined) return;
      e.preventDefault();
      action();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [active]);
}
