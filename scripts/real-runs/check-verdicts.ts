/**
 * `migscope check --src A --dest B --stream S` over every real load (fixtures/real-runs, then
 * fixtures/loads), told more of the destination step by step: the layout alone (check before
 * it ran the destination's load checks), its release (what `--stream` does with manifests whose
 * folder names the release), plus its command line, plus a stream it saved (`--dest-sample`).
 * Prints, per step and fixture set, the loads by verdict and outcome and the findings by verdict,
 * and lists every load QEMU refused that was judged fine (missed) or that it loaded and was judged
 * breaking (a false alarm).
 *
 *   npx tsx scripts/real-runs/check-verdicts.ts
 */
import { allRealLoads, CHECK_INPUTS, checkRealLoad } from '../../src/analysis/test-support/real-checks.ts';
import type { Verdict } from '../../src/analysis/verdict.ts';

const sets = [
  ['fixtures/real-runs', allRealLoads().filter((l) => l.id.startsWith('real-runs '))],
  ['fixtures/loads', allRealLoads().filter((l) => l.id.startsWith('loads '))],
] as const;
const row = (c: Record<Verdict, number>): string => `${c.breaks} breaks, ${c['at-risk']} at-risk, ${c.fine} fine`;
for (const inputs of CHECK_INPUTS) {
  console.log(`${inputs}:`);
  for (const [set, loads] of sets) {
    const byOutcome = { SUCCEEDED: { breaks: 0, 'at-risk': 0, fine: 0 }, FAILED: { breaks: 0, 'at-risk': 0, fine: 0 } };
    const findings: Record<Verdict, number> = { breaks: 0, 'at-risk': 0, fine: 0 };
    const runtime: Record<Verdict, number> = { breaks: 0, 'at-risk': 0, fine: 0 };
    const wrong: string[] = [];
    for (const load of loads) {
      const report = await checkRealLoad(load, inputs);
      byOutcome[load.outcome][report.verdict]++;
      for (const f of report.findings) {
        findings[f.verdict]++;
        if (f.kind === 'runtime-check') runtime[f.verdict]++;
      }
      if (load.outcome === 'SUCCEEDED' && report.verdict === 'breaks') wrong.push(`FALSE ALARM ${load.id}`);
      if (load.outcome === 'FAILED' && report.verdict === 'fine') wrong.push(`missed ${load.id}`);
    }
    const n = (o: Record<Verdict, number>): number => o.breaks + o['at-risk'] + o.fine;
    console.log(`  ${set}: ${n(byOutcome.FAILED)} failed loads: ${row(byOutcome.FAILED)}; ${n(byOutcome.SUCCEEDED)} succeeded loads: ${row(byOutcome.SUCCEEDED)}`);
    console.log(`    findings: ${row(findings)} (runtime checks: ${row(runtime)})`);
    for (const w of wrong) console.log(`    ${w}`);
  }
}
