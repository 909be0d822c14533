/**
 * 11.1 -> 10.0 on aarch64: the 11.1 stream's `cpu/wfxt-timer` loads into a timer 10.0 never
 * created for cortex-a57, and 10.0 aborts (fixtures/real-runs, both configurations).
 */
import { describe, expect, it } from 'vitest';
import { explainLoad } from '../explain/explain.ts';
import { predictLoad } from '../explain/predict.ts';
import { decodeRealStream, readRealLog, realDestination, realRuns } from '../test-support/real-runs.ts';

const crash = realRuns().filter((r) => r.arch === 'aarch64' && r.src === '11.1' && r.dst === '10.0');

describe('cpu/wfxt-timer into 10.0', () => {
  it('are the two real loads that aborted', () => {
    expect(crash.map((r) => [r.config, r.exitCode])).toEqual([
      ['minimal', 'SIGABRT'],
      ['virtio-mmio', 'SIGABRT'],
    ]);
  });

  it.each(crash.map((r) => [r.config, r] as const))('%s: predicted from the destination sample, at the subsection', async (_c, r) => {
    const stream = await decodeRealStream(r.streamFile);
    const p = predictLoad(stream, await realDestination(r, { sample: true }));
    expect(p.failure).toMatchObject({ cause: 'DEVICE_CHECK_FAILED', field: 'cpu/wfxt-timer', message: "migration/vmstate.c:172: vmstate_load_state: Assertion `first_elem || !n_elems || !size' failed." });
    const sub = stream.sections.find((s) => s.idstr === 'cpu')!.node.children!.find((c) => c.name === 'cpu/wfxt-timer')!;
    expect(p.failure!.offset).toBe(sub.start);
    // Without the sample the timer's presence is unknown: at risk, never "loads".
    const without = predictLoad(stream, await realDestination(r));
    expect(without.verdict).toBe('at-risk');
    expect(without.notes.map((n) => n.code)).toContain('POINTER_SUBSECTION');
  });

  it('the log alone tells the same story', async () => {
    const r = crash[0]!;
    const e = explainLoad({ stream: await decodeRealStream(r.streamFile), log: readRealLog(r) });
    expect(e.failure?.field).toBe('cpu/wfxt-timer');
    expect(e.failure?.explanation).toContain('FEAT_WFxT');
  });
});
