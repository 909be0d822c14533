/**
 * Which node owns a byte: the decoded tree is (almost) a nesting of [start, end) ranges, but
 * siblings may contain each other (the RAM setup record spans the block entries listed next to
 * it), so walking the tree is not enough. The index flattens all ranges once into disjoint
 * segments, each owned by the narrowest range covering it; a lookup is one binary search.
 */

export interface Interval<T> {
  readonly start: number;
  /** Exclusive. Intervals with end <= start own nothing. */
  readonly end: number;
  readonly value: T;
}

export class RangeIndex<T> {
  private constructor(
    private readonly starts: readonly number[],
    private readonly ends: readonly number[],
    private readonly owners: readonly T[],
  ) {}

  /**
   * `intervals` in tree pre-order (parents before children): when two ranges are identical,
   * the later one is taken to be the deeper and wins. A range that crosses the end of the
   * range it starts in is cut there, so every byte keeps one owner.
   */
  static build<T>(intervals: Iterable<Interval<T>>): RangeIndex<T> {
    const sorted = [...intervals].filter((iv) => iv.end > iv.start);
    // Array.prototype.sort is stable, so equal ranges keep pre-order.
    sorted.sort((a, b) => a.start - b.start || b.end - a.end);

    const starts: number[] = [];
    const ends: number[] = [];
    const owners: T[] = [];
    const emit = (from: number, to: number, owner: T): void => {
      if (to <= from) return;
      const last = owners.length - 1;
      if (last >= 0 && ends[last] === from && owners[last] === owner) {
        ends[last] = to;
        return;
      }
      starts.push(from);
      ends.push(to);
      owners.push(owner);
    };

    const open: { end: number; value: T }[] = [];
    let pos = Number.NEGATIVE_INFINITY;
    const closeUntil = (limit: number): void => {
      for (let top = open.at(-1); top !== undefined && top.end <= limit; top = open.at(-1)) {
        emit(pos, top.end, top.value);
        pos = top.end;
        open.pop();
      }
    };

    for (const iv of sorted) {
      closeUntil(iv.start);
      const top = open.at(-1);
      if (top !== undefined) emit(pos, iv.start, top.value);
      pos = iv.start;
      open.push({ end: top !== undefined ? Math.min(iv.end, top.end) : iv.end, value: iv.value });
    }
    closeUntil(Number.POSITIVE_INFINITY);
    return new RangeIndex(starts, ends, owners);
  }

  /** The narrowest interval containing `offset`, or undefined when none does. */
  find(offset: number): T | undefined {
    let lo = 0;
    let hi = this.starts.length - 1;
    let hit = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.starts[mid] as number) <= offset) {
        hit = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    if (hit < 0 || offset >= (this.ends[hit] as number)) return undefined;
    return this.owners[hit];
  }

  /** Number of disjoint segments (for tests and sizing). */
  get segments(): number {
    return this.starts.length;
  }
}
