/**
 * The board's own settings (filters, grouping). Outside React state so that they survive
 * switching tabs; the layout and the selected cell are in the workspace store, since a link
 * carries them.
 */
import { useSyncExternalStore } from 'react';
import type { Direction } from '../matrix-layout.ts';

export interface BoardSettings {
  readonly direction: Direction;
  readonly hideFine: boolean;
  readonly hideOpaqueOnly: boolean;
  readonly machineFilter: string;
  readonly rowFilter: string;
  readonly group: boolean;
}

let settings: BoardSettings = { direction: 'both', hideFine: true, hideOpaqueOnly: false, machineFilter: '', rowFilter: '', group: true };
const listeners = new Set<() => void>();

export function setBoardSettings(change: Partial<BoardSettings>): void {
  settings = { ...settings, ...change };
  for (const l of [...listeners]) l();
}

export function useBoardSettings(): BoardSettings {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => settings,
  );
}
