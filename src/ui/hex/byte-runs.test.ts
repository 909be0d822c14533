import { describe, expect, it } from 'vitest';
import { byteRuns } from './byte-runs.ts';

describe('byteRuns', () => {
  it('a plain row is two runs, split at the middle', () => {
    expect(byteRuns(Array<string>(16).fill('b'), 16)).toEqual([
      { from: 0, to: 8, className: 'b' },
      { from: 8, to: 16, className: 'b' },
    ]);
  });

  it('a selection gives its first and last byte runs of their own', () => {
    const cls = Array<string>(16).fill('b');
    cls[3] = 'b sel sel-first';
    for (let i = 4; i < 10; i++) cls[i] = 'b sel';
    cls[10] = 'b sel sel-last';
    expect(byteRuns(cls, 16).map((r) => [r.from, r.to, r.className])).toEqual([
      [0, 3, 'b'],
      [3, 4, 'b sel sel-first'],
      [4, 8, 'b sel'],
      [8, 10, 'b sel'],
      [10, 11, 'b sel sel-last'],
      [11, 16, 'b'],
    ]);
  });

  it('without the middle split (the ASCII column), a plain row is one run', () => {
    expect(byteRuns(Array<string>(16).fill('b'), 16, false)).toEqual([{ from: 0, to: 16, className: 'b' }]);
  });

  it('a short last row and an empty one', () => {
    expect(byteRuns(['b', 'b', 'b marker'], 3)).toEqual([
      { from: 0, to: 2, className: 'b' },
      { from: 2, to: 3, className: 'b marker' },
    ]);
    expect(byteRuns([], 0)).toEqual([]);
  });
});
