/**
 * `migscope check --src A --dest B --stream S` over every real load (fixtures/real-runs, then
 * fixtures/loads), told more of the destination step by step: the layout alone (check before
 * it ran the destination's load checks), its release (what `--stream` does with manifests whose
 * folder names the release), plus its command line, plus a stream it saved (`--dest-sample`).
 * Prints, per step, the loads by verdict and outcome and the findings by verdict, and lists any
 * load whose verdict contradicts what QEMU did.
 *
 *   npx tsx scripts/real-runs/check-verdicts.ts
 */
import { allRealLoads, CHECK_INPUTS, checkRealLoad } from '../../src/analysis/test-support/real-checks.ts';
import type { Verdict } from '../../src/analysis/verdict.ts';

const loads = allRealLoads();
for (const inputs of CHECK_INPUTS) {
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
    if ((load.outcome === 'SUCCEEDED' && report.verdict === 'breaks') || (load.outcome === 'FAILED' && report.verdict === 'fine')) wrong.push(`${load.id}: ${report.verdict}, QEMU ${load.outcome}`);
  }
  const row = (c: Record<Verdict, number>): string => `${c.breaks} breaks, ${c['at-risk']} at-risk, ${c.fine} fine`;
  console.log(`${inputs} (${loads.length} loads):`);
  console.log(`  ${byOutcome.FAILED.breaks + byOutcome.FAILED['at-risk'] + byOutcome.FAILED.fine} failed loads:     ${row(byOutcome.FAILED)}`);
  console.log(`  ${byOutcome.SUCCEEDED.breaks + byOutcome.SUCCEEDED['at-risk'] + byOutcome.SUCCEEDED.fine} succeeded loads: ${row(byOutcome.SUCCEEDED)}`);
  console.log(`  findings: ${row(findings)} (of them runtime checks: ${row(runtime)})`);
  for (const w of wrong) console.log(`  WRONG ${w}`);
}
