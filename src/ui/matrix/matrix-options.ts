/**
 * The Matrix view's own settings (machine type, direction, fine rows, narrowing to the stream).
 * Outside React state so that they survive switching tabs; the selected cell is in the
 * workspace store instead, because a shared link carries it.
 */
import { useSyncExternalStore } from 'react';
import type { Direction } from './matrix-layout.ts';

export interface MatrixOptions {
  /** Undefined: the analysis picks (the stream's, else the one most versions have a manifest for). */
  readonly machine: string | undefined;
  readonly direction: Direction;
  readonly hideFine: boolean;
  /** Narrow the columns of the active stream's version to the VM it holds. */
  readonly narrow: boolean;
}

let options: MatrixOptions = { machine: undefined, direction: 'both', hideFine: true, narrow: false };
const listeners = new Set<() => void>();

export function setMatrixOptions(change: Partial<MatrixOptions>): void {
  options = { ...options, ...change };
  for (const l of [...listeners]) l();
}

export function useMatrixOptions(): MatrixOptions {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => options,
  );
}
