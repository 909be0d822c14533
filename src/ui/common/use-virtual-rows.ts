/**
 * Fixed-height virtual rows for a scrolling element (see virtual-scroll.ts). The element holds
 * a spacer for the scrollbar and a sticky window the rows are positioned in, so rows never sit
 * at huge pixel offsets.
 */
import { useCallback, useLayoutEffect, useMemo, useRef, useState, type RefObject } from 'react';
import {
  revealTop,
  rowWindow,
  scrollFromVirtualTop,
  spacerHeight,
  virtualTopFromScroll,
  type RevealAlign,
  type ScrollGeometry,
} from './virtual-scroll.ts';

export interface VirtualRows {
  readonly scrollRef: RefObject<HTMLDivElement | null>;
  readonly first: number;
  readonly last: number;
  readonly spacerHeight: number;
  readonly viewportHeight: number;
  /** Top of row `index` inside the sticky window, in px. */
  offsetOf(index: number): number;
  /** Scrolls row `index` into view; returns false when it already was. */
  reveal(index: number, align?: RevealAlign, context?: number): boolean;
  /** Row at a y coordinate relative to the window's top. */
  indexAt(y: number): number;
}

export function useVirtualRows(count: number, rowHeight: number, overscan = 6): VirtualRows {
  const scrollRef = useRef<HTMLDivElement | null>(null);
  const [viewportHeight, setViewportHeight] = useState(0);
  const [virtualTop, setVirtualTop] = useState(0);
  // With a scaled scrollbar, scrollTop cannot say exactly which row we scrolled to, so the
  // position set by reveal() wins when its own scroll event comes back.
  const programmatic = useRef<{ scrollTop: number; virtualTop: number } | undefined>(undefined);
  // A pane hidden behind another tab has no height and cannot scroll: a reveal asked for then
  // waits until the pane shows (its ResizeObserver fires then).
  const pendingReveal = useRef<{ index: number; align: RevealAlign; context: number } | undefined>(undefined);
  // The row last revealed, until the person scrolls: when the list's height changes (a card
  // above it grows), that row is brought back into view instead of being left below the fold.
  const lastReveal = useRef<{ index: number; align: RevealAlign; context: number } | undefined>(undefined);
  const revealRef = useRef<(index: number, align?: RevealAlign, context?: number) => boolean>(() => false);

  const geometry: ScrollGeometry = useMemo(() => ({ count, rowHeight, viewportHeight }), [count, rowHeight, viewportHeight]);
  const geometryRef = useRef(geometry);
  geometryRef.current = geometry;
  const virtualTopRef = useRef(virtualTop);
  virtualTopRef.current = virtualTop;

  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (el === null) return undefined;
    const measure = (): void => {
      setViewportHeight(el.clientHeight);
      const waiting = pendingReveal.current ?? lastReveal.current;
      if (waiting !== undefined && el.clientHeight > 0) revealRef.current(waiting.index, waiting.align === 'start' ? 'start' : 'start-if-hidden', waiting.context);
    };
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    const onScroll = (): void => {
      const mark = programmatic.current;
      if (mark !== undefined && Math.abs(el.scrollTop - mark.scrollTop) < 1) {
        setVirtualTop(mark.virtualTop);
        return;
      }
      programmatic.current = undefined;
      lastReveal.current = undefined;
      setVirtualTop(virtualTopFromScroll(geometryRef.current, el.scrollTop));
    };
    el.addEventListener('scroll', onScroll, { passive: true });
    return () => {
      ro.disconnect();
      el.removeEventListener('scroll', onScroll);
    };
  }, []);

  // A shorter list (another record selected) must not leave us scrolled past its end.
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (el === null) return;
    programmatic.current = undefined;
    setVirtualTop(virtualTopFromScroll(geometry, el.scrollTop));
  }, [geometry]);

  const reveal = useCallback((index: number, align: RevealAlign = 'nearest', context = 0): boolean => {
    const el = scrollRef.current;
    if (el === null) return false;
    if (el.clientHeight === 0) {
      pendingReveal.current = { index, align, context };
      return true;
    }
    pendingReveal.current = undefined;
    lastReveal.current = { index, align, context };
    const g: ScrollGeometry = { ...geometryRef.current, viewportHeight: el.clientHeight };
    const target = revealTop(g, virtualTopRef.current, index, align, context);
    if (target === undefined) return false;
    const scrollTop = scrollFromVirtualTop(g, target);
    programmatic.current = { scrollTop, virtualTop: target };
    el.scrollTop = scrollTop;
    // Rounding can land on the same scrollTop, and then no scroll event fires.
    setVirtualTop(target);
    return true;
  }, []);
  revealRef.current = reveal;

  const win = rowWindow(geometry, virtualTop, overscan);
  return {
    scrollRef,
    first: win.first,
    last: win.last,
    spacerHeight: spacerHeight(geometry),
    viewportHeight,
    offsetOf: (index: number) => index * rowHeight - virtualTop,
    reveal,
    indexAt: (y: number) => Math.floor((y + virtualTop) / rowHeight),
  };
}
