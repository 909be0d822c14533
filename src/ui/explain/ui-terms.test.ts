import { describe, expect, it } from 'vitest';
import { inUiTerms } from './ui-terms.ts';

describe('inUiTerms', () => {
  it('says what to do in the Destination panel where the analysis names a CLI option', () => {
    // The texts src/analysis/runtime-checks writes for missing inputs.
    expect(inUiTerms("a register only the stream has fails the load; give --dest-sample (a stream the destination build saved with the same -cpu) to settle it")).toBe(
      'a register only the stream has fails the load; pick a destination sample (a stream the destination build saved with the same -cpu) to settle it',
    );
    expect(inUiTerms('Give a stream the destination build saved with the same -cpu (--dest-sample).')).toBe(
      'Give a stream the destination build saved with the same -cpu (Destination sample, in the Destination panel).',
    );
    expect(inUiTerms('the rules changed in 11.1); give --dest-version')).toBe("the rules changed in 11.1); type the destination's QEMU release");
    expect(inUiTerms('Give --dest-version, --dest-cmdline.')).toBe("Type the destination's QEMU release and pick the destination's command line.");
    expect(inUiTerms('known for 10.0 and 10.2 (give --dest-version)')).toBe("known for 10.0 and 10.2 (type the destination's QEMU release)");
    expect(inUiTerms("device property defaults of Debian's QEMU 11.1.3, the 11.1 build migscope has -device help of; give --dest-device-help for another build")).toBe(
      "device property defaults of Debian's QEMU 11.1.3, the 11.1 build migscope has -device help of; pick the destination's -device NAME,help output as Device defaults for another build",
    );
    expect(inUiTerms('with the destination manifest (--dest-manifest) the field that differs can be named')).toBe(
      'with the destination manifest (Manifest, in the Destination panel) the field that differs can be named',
    );
  });

  it('leaves other text and unknown options alone', () => {
    expect(inUiTerms('VQ 0 vring.num 1024 exceeds allocated max 256')).toBe('VQ 0 vring.num 1024 exceeds allocated max 256');
    expect(inUiTerms('give --dest-nonsense now')).toBe('give --dest-nonsense now');
    expect(inUiTerms('see --dest-sample')).toBe("see the Destination panel's Destination sample");
  });

  it('is linear on long hostile text', () => {
    const text = `give ${'--dest-a, '.repeat(50_000)}x ${'(--dest-'.repeat(50_000)}`;
    const t0 = performance.now();
    inUiTerms(text);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});
