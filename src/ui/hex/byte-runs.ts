/**
 * A hex row's bytes grouped into runs that are drawn alike: consecutive bytes with the same
 * classes, never across the gap in the middle of the row (its margin belongs to byte 8).
 * Bytes with a class of their own (the selection's first and last, the cursor, the marker)
 * therefore come out as runs of one. Pure.
 */

export interface ByteRun {
  /** Index of the first byte in the row. */
  readonly from: number;
  /** One past the last. */
  readonly to: number;
  readonly className: string;
}

/** Where a row of 16 splits in two (the column gap). */
export const ROW_MIDDLE = 8;

export function byteRuns(classes: readonly string[], count: number, splitMiddle = true): ByteRun[] {
  const out: ByteRun[] = [];
  let from = 0;
  for (let i = 1; i <= count; i++) {
    if (i === count || (splitMiddle && i === ROW_MIDDLE) || classes[i] !== classes[from]) {
      out.push({ from, to: i, className: classes[from] ?? 'b' });
      from = i;
    }
  }
  return out;
}
