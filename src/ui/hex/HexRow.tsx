import { memo, type ReactElement } from 'react';
import { asciiChar, paddedHex } from '../stream/format-value.ts';
import { byteRuns } from './byte-runs.ts';

export interface HexRowProps {
  /** Stream offset of the row's first byte. */
  readonly base: number;
  readonly offsetDigits: number;
  /** The row's bytes as hex pairs, `··` for one not loaded yet. Shorter at the end of the stream. */
  readonly bytes: string;
  /** Class names of each byte, `|`-separated (strings compare cheaply for memo). */
  readonly classes: string;
}

/**
 * One line of 16 bytes, drawn as runs of bytes that look alike (`data-start`..`data-end`) rather
 * than one element per byte: laying out and painting ~50 boxes per row made each scroll step
 * cost 40-90 ms on a 2-core machine; a row is now 2-8 text runs. Which byte a pointer is on is
 * worked out from its position in the run (every byte is 3 characters wide, 1 in the ASCII column).
 */
export const HexRow = memo(function HexRow({ base, offsetDigits, bytes, classes }: HexRowProps): ReactElement {
  const cls = classes.split('|');
  const count = bytes.length / 2;
  const hexCells: ReactElement[] = [];
  for (const run of byteRuns(cls, count, true)) {
    let hex = '';
    for (let i = run.from; i < run.to; i++) hex += `${bytes.slice(2 * i, 2 * i + 2)} `;
    hexCells.push(
      <span key={run.from} className={run.className + (run.from === 8 ? ' mid' : '')} data-start={base + run.from} data-end={base + run.to}>
        {hex}
      </span>,
    );
  }
  // The ASCII column has no gap in the middle: a plain row is one run.
  const asciiCells: ReactElement[] = [];
  for (const run of byteRuns(cls, count, false)) {
    let ascii = '';
    for (let i = run.from; i < run.to; i++) {
      const text = bytes.slice(2 * i, 2 * i + 2);
      ascii += text === '··' ? ' ' : asciiChar(parseInt(text, 16));
    }
    asciiCells.push(
      <span key={run.from} className={run.className} data-start={base + run.from} data-end={base + run.to}>
        {ascii}
      </span>,
    );
  }
  return (
    <div className="hex-row" data-row-offset={base}>
      <span className="hex-off">{paddedHex(base, offsetDigits)}</span>
      <span className="hex-bytes">{hexCells}</span>
      <span className="hex-ascii">{asciiCells}</span>
    </div>
  );
});

/** The byte under a pointer event, from the run it landed on; undefined off the bytes. */
export function byteAtPointer(target: EventTarget | null, clientX: number): number | undefined {
  if (!(target instanceof Element)) return undefined;
  const run = target.closest<HTMLElement>('[data-start]');
  if (run === null) return undefined;
  const start = Number(run.dataset['start']);
  const end = Number(run.dataset['end']);
  if (!Number.isFinite(start) || !(end > start)) return undefined;
  const rect = run.getBoundingClientRect();
  const perByte = rect.width / (end - start);
  const i = perByte > 0 ? Math.floor((clientX - rect.left) / perByte) : 0;
  return start + Math.max(0, Math.min(end - start - 1, i));
}
