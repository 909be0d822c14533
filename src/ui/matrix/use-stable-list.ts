/** The same array as last render when every element is the same: a stable memo dependency. */
import { useRef } from 'react';

export function useStableList<T>(items: readonly T[]): readonly T[] {
  const last = useRef<readonly T[]>(items);
  const prev = last.current;
  if (prev !== items && (prev.length !== items.length || prev.some((x, i) => !Object.is(x, items[i])))) last.current = items;
  return last.current;
}
