import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RangeIndex, type Interval } from './range-index.ts';

const iv = (start: number, end: number, value: string): Interval<string> => ({ start, end, value });

describe('RangeIndex', () => {
  it('finds the deepest of nested ranges', () => {
    const index = RangeIndex.build([iv(0, 100, 'section'), iv(10, 30, 'struct'), iv(10, 18, 'a'), iv(18, 30, 'b'), iv(95, 100, 'footer')]);
    expect(index.find(0)).toBe('section');
    expect(index.find(9)).toBe('section');
    expect(index.find(10)).toBe('a');
    expect(index.find(17)).toBe('a');
    expect(index.find(18)).toBe('b');
    expect(index.find(29)).toBe('b');
    expect(index.find(30)).toBe('section');
    expect(index.find(95)).toBe('footer');
    expect(index.find(99)).toBe('footer');
  });

  it('treats end as exclusive and reports gaps and outside offsets as undefined', () => {
    const index = RangeIndex.build([iv(5, 10, 'x'), iv(20, 21, 'y')]);
    expect(index.find(-1)).toBeUndefined();
    expect(index.find(4)).toBeUndefined();
    expect(index.find(10)).toBeUndefined();
    expect(index.find(19)).toBeUndefined();
    expect(index.find(20)).toBe('y');
    expect(index.find(21)).toBeUndefined();
    expect(index.find(1e12)).toBeUndefined();
  });

  it('lets the later of two identical ranges win (child after parent in pre-order)', () => {
    const index = RangeIndex.build([iv(0, 10, 'struct'), iv(0, 10, 'tmp'), iv(0, 8, 'mant')]);
    expect(index.find(0)).toBe('mant');
    expect(index.find(8)).toBe('tmp');
  });

  it('handles a sibling that contains the siblings listed after it (RAM setup record)', () => {
    // START ram: section [24,194), blocks [49,64) [64,93), records [41,189) listed after them.
    const index = RangeIndex.build([iv(24, 194, 'section'), iv(49, 64, 'pc.ram'), iv(64, 93, 'acpi'), iv(41, 189, 'records'), iv(189, 194, 'footer')]);
    expect(index.find(30)).toBe('section');
    expect(index.find(45)).toBe('records');
    expect(index.find(50)).toBe('pc.ram');
    expect(index.find(70)).toBe('acpi');
    expect(index.find(100)).toBe('records');
    expect(index.find(190)).toBe('footer');
  });

  it('cuts a range that crosses the end of its container', () => {
    const index = RangeIndex.build([iv(0, 10, 'outer'), iv(5, 15, 'crossing')]);
    expect(index.find(4)).toBe('outer');
    expect(index.find(7)).toBe('crossing');
    expect(index.find(12)).toBeUndefined();
  });

  it('ignores empty ranges and merges runs of one owner', () => {
    const index = RangeIndex.build([iv(0, 10, 'a'), iv(3, 3, 'empty'), iv(7, 6, 'negative')]);
    expect(index.find(3)).toBe('a');
    expect(index.segments).toBe(1);
  });

  it('accepts intervals in any order', () => {
    const index = RangeIndex.build([iv(18, 30, 'b'), iv(0, 100, 'section'), iv(10, 18, 'a')]);
    expect(index.find(12)).toBe('a');
    expect(index.find(20)).toBe('b');
    expect(index.find(50)).toBe('section');
  });

  it('agrees with a linear scan for the narrowest containing range on random trees', () => {
    // A random tree of nested ranges, emitted in pre-order like the decoded model.
    const treeArb = fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 200 });
    fc.assert(
      fc.property(treeArb, (seeds) => {
        const out: Interval<number>[] = [];
        let s = 0;
        const next = (): number => seeds[s++ % seeds.length] as number;
        const grow = (start: number, end: number, depth: number): void => {
          out.push({ start, end, value: out.length });
          if (depth > 4 || end - start < 2) return;
          let at = start + (next() % 3);
          const kids = next() % 4;
          for (let k = 0; k < kids && at < end; k++) {
            const len = 1 + (next() % Math.max(1, end - at));
            grow(at, Math.min(end, at + len), depth + 1);
            at += len + (next() % 2);
          }
        };
        grow(0, 64 + (next() % 200), 0);
        const index = RangeIndex.build(out);
        const top = out[0] as Interval<number>;
        for (let x = -1; x <= top.end; x++) {
          let best: Interval<number> | undefined;
          for (const r of out) {
            if (r.start <= x && x < r.end && (best === undefined || r.end - r.start <= best.end - best.start)) best = r;
          }
          if (index.find(x) !== best?.value) return false;
        }
        return true;
      }),
      { numRuns: 200 },
    );
  });
});
