import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCsvObjects } from '../lib/csv-read.ts';
import { computeNegotiation } from './negotiation.ts';
import { streamFacts } from './stream-facts.ts';
import { buildWhitelist, checkWhitelist, combinationOf, whitelistFromJson, type WhitelistSample } from './subsection-whitelist.ts';
import { loadBuild } from './test-support/four-builds.ts';
import { decodeRealStream, REAL_RUNS, streamFileOf } from './test-support/real-runs.ts';

const committed = (() => {
  const w = whitelistFromJson(JSON.parse(readFileSync(join(REAL_RUNS, 'subsection-whitelist.json'), 'utf8')));
  if (!w.ok) throw new Error(w.message);
  return w.value;
})();

describe('the subsection whitelist of the real runs', () => {
  it('is what the fixtures\' 78 streams give (scripts/subsection-whitelist.ts wrote it)', async () => {
    const rows = readCsvObjects(readFileSync(join(REAL_RUNS, 'streams.csv'), 'utf8')).rows;
    expect(rows).toHaveLength(78);
    const samples: WhitelistSample[] = [];
    for (const r of rows) {
      const build = r.arch === 'aarch64' ? `aarch64-${r.version ?? ''}` : r.version ?? '';
      samples.push({ build, name: `${r.machine ?? ''}-${r.config ?? ''}`, facts: streamFacts(await decodeRealStream(r.stream_file ?? '')) });
    }
    expect(buildWhitelist(samples).devices).toEqual(committed.devices);
    // Only 11.1 sends ich9_pm/cpuhp, and 11.1's aarch64 cpu carries wfxt-timer.
    expect(Object.keys(committed.devices['ICH9LPC']?.['11.1'] ?? {})).toEqual(['ich9_pm/cpuhp + ich9_pm/memhp + ich9_pm/pcihp + ich9_pm/tco', 'ich9_pm/cpuhp + ich9_pm/memhp + ich9_pm/tco']);
    expect(Object.keys(committed.devices['cpu']?.['aarch64-10.0'] ?? {})).toEqual(['cpu/irq-line-state + cpu/vfp']);
  }, 120_000);

  it("flags 11.1's aarch64 cpu (wfxt-timer) against 10.0, the real load that aborts, and passes 10.0's own stream", async () => {
    const s11 = streamFacts(await decodeRealStream(streamFileOf('aarch64', '11.1', 'virt-7.2', 'minimal')));
    const cpu = checkWhitelist(s11, 'aarch64-10.0', committed).find((c) => c.device === 'cpu');
    expect(cpu).toEqual({ device: 'cpu', combination: combinationOf(['cpu/vfp', 'cpu/irq-line-state', 'cpu/wfxt-timer']), status: 'never-produced', destCombinations: ['cpu/irq-line-state + cpu/vfp'] });
    const s10 = streamFacts(await decodeRealStream(streamFileOf('aarch64', '10.0', 'virt-7.2', 'minimal')));
    expect(checkWhitelist(s10, 'aarch64-10.0', committed).every((c) => c.status === 'seen')).toBe(true);
    expect(checkWhitelist(s10, 'aarch64-5.2', committed).every((c) => c.status === 'no-samples')).toBe(true);

    const r = computeNegotiation({ source: { version: '11.1', manifest: loadBuild('aarch64', '11.1').manifest }, dest: { version: '10.0', manifest: loadBuild('aarch64', '10.0').manifest }, stream: s11, whitelist: committed, whitelistBuild: 'aarch64-10.0' });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.summary.neverProduced).toBe(1);
    expect(r.value.rows.find((x) => x.section === 'cpu')?.whitelist?.status).toBe('never-produced');
  });
});
