import { memo, type ReactElement } from 'react';
import { asciiChar, paddedHex } from '../stream/format-value.ts';

export interface HexRowProps {
  /** Stream offset of the row's first byte. */
  readonly base: number;
  readonly offsetDigits: number;
  /** The row's bytes; undefined entries are not loaded yet. Shorter at the end of the stream. */
  readonly bytes: string;
  /** Class names of each byte, `|`-separated (strings compare cheaply for memo). */
  readonly classes: string;
}

/**
 * One line of 16 bytes. Memoised on plain strings: moving the selection re-renders only the
 * rows whose highlighting changed, not all 1,500 byte cells.
 */
export const HexRow = memo(function HexRow({ base, offsetDigits, bytes, classes }: HexRowProps): ReactElement {
  const cls = classes.split('|');
  const hexCells: ReactElement[] = [];
  const asciiCells: ReactElement[] = [];
  for (let i = 0; 2 * i < bytes.length; i++) {
    const text = bytes.slice(2 * i, 2 * i + 2);
    const at = base + i;
    const b = text === '··' ? undefined : parseInt(text, 16);
    const c = (cls[i] ?? 'b') + (i === 8 ? ' mid' : '');
    hexCells.push(
      <span key={i} className={c} data-offset={at}>
        {text}
      </span>,
    );
    asciiCells.push(
      <span key={i} className={c} data-offset={at}>
        {b === undefined ? ' ' : asciiChar(b)}
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
