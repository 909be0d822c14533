/**
 * Every real load of fixtures/real-runs (Debian's QEMU 5.2, 7.2, 10.0.13 and 11.1.3; x86_64 on
 * six machine types and four configurations, aarch64 virt-7.2 with cortex-a57), predicted from
 * its stream with what was known of the destination beforehand, and diagnosed from its log.
 */
import { describe, expect, it } from 'vitest';
import { explainLoad } from '../explain/explain.ts';
import { predictLoad } from '../explain/predict.ts';
import { decodeRealStream, readRealLog, realDestination, realRuns, type RealRun } from '../test-support/real-runs.ts';

const runs = realRuns();

function qemuLine(run: RealRun): string {
  return run.firstErrorLine.replace(/^\S+Z /, '').replace(/^qemu-system-\w+: /, '');
}

describe('the real runs', () => {
  it('hold 250 loads, 24 of them failed', () => {
    expect(runs.length).toBe(250);
    expect(runs.filter((r) => r.outcome === 'FAILED').length).toBe(24);
  });
});

describe.each(runs.map((r) => [r.id, r] as const))('%s', (_id, run) => {
  const expected = run.outcome === 'SUCCEEDED' ? 'loads' : 'fails';

  it(`without a destination sample: ${run.outcome} or at-risk, never the opposite`, async () => {
    const p = predictLoad(await decodeRealStream(run.streamFile), await realDestination(run));
    expect([expected, 'at-risk']).toContain(p.verdict);
    if (p.verdict === 'at-risk') {
      // Only the Arm register lists (and the pointer subsection behind them) need the sample.
      expect(run.arch).toBe('aarch64');
      expect(p.notes.filter((n) => n.severity === 'at-risk').map((n) => n.text).join(' ')).toContain('--dest-sample');
    }
  });

  it(`with the destination's own stream (--dest-sample): ${expected}${run.outcome === 'FAILED' ? ', with the first line QEMU printed' : ''}`, async () => {
    const p = predictLoad(await decodeRealStream(run.streamFile), await realDestination(run, { sample: true }));
    expect(p.verdict).toBe(expected);
    if (run.outcome === 'FAILED') expect(p.failure?.message.split('\n')[0]).toBe(qemuLine(run));
  });

  if (run.outcome === 'FAILED') {
    it('is diagnosed from its log alone, with the runtime check that refused it', async () => {
      const r = explainLoad({ stream: await decodeRealStream(run.streamFile), log: readRealLog(run) });
      expect(r.verdict).toBe('fails');
      expect(r.failure?.cause).toBe('DEVICE_CHECK_FAILED');
      expect(r.failure?.explanation).not.toContain('configured differently');
      expect(r.failure?.offset).toBeGreaterThan(0);
    });
  }
});
