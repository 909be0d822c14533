/** The colour scheme the page is shown in, for colours computed in code (SVG fills). */
import { useSyncExternalStore } from 'react';
import type { Scheme } from './matrix-layout.ts';

const QUERY = '(prefers-color-scheme: dark)';

function subscribe(listener: () => void): () => void {
  const mq = window.matchMedia(QUERY);
  mq.addEventListener('change', listener);
  return () => mq.removeEventListener('change', listener);
}

function snapshot(): Scheme {
  return window.matchMedia(QUERY).matches ? 'dark' : 'light';
}

export function useColorScheme(): Scheme {
  return useSyncExternalStore(subscribe, snapshot, () => 'light');
}
