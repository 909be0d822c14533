import { describe, expect, it } from 'vitest';
import { defaultTargets, fuzz, MUTATORS, prng } from './fuzz-core.ts';

describe('fuzzing every entry point (fixed seed slice)', () => {
  it('2,000 mutated real inputs give only typed errors, none hangs', async () => {
    // The one-second budget per input is `npm run fuzz`'s; here the bound only catches hangs,
    // since a shared 2-core CI machine makes wall-clock limits flaky.
    const report = await fuzz(await defaultTargets(), 2000, 20261122, 10_000);
    expect(report.failures.map((f) => `${f.target} #${f.iteration} [${f.mutations.join(',')}]: ${f.error}`)).toEqual([]);
    expect(Object.values(report.perTarget).reduce((a, b) => a + b, 0)).toBe(2000);
  }, 300_000);

  it('the harness catches a defect (a target that throws)', async () => {
    const report = await fuzz([{ name: 'broken', corpus: [new Uint8Array([1, 2, 3])], run: () => Promise.reject(new TypeError('boom')) }], 5, 1);
    expect(report.failures).toHaveLength(5);
  });

  it('mutators are deterministic for a seed', () => {
    const input = Uint8Array.from({ length: 64 }, (_, i) => i);
    for (const m of Object.values(MUTATORS)) {
      expect(m(input, prng(7), input)).toEqual(m(input, prng(7), input));
    }
  });
});
