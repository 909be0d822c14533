/**
 * Every real load of fixtures/real-runs predicted from its stream and what is known of the
 * destination (machine type, release, command line, manifest, machine list), without and with
 * the destination build's own stream of the same configuration (--dest-sample); prints how
 * many predictions agree with what QEMU did, are at-risk, or are wrong, and lists the wrong ones.
 *
 *   npx tsx scripts/real-runs/predictions.ts [--verbose]
 */
import { predictLoad } from '../../src/analysis/explain/predict.ts';
import { decodeRealStream, realDestination, realRuns } from '../../src/analysis/test-support/real-runs.ts';

const verbose = process.argv.includes('--verbose');
const modes = [
  { label: 'machine, release, command line (no manifest)', sample: false, manifest: false },
  { label: 'machine, release, command line, manifest', sample: false, manifest: true },
  { label: '... and --dest-sample', sample: true, manifest: true },
];
for (const { label, sample, manifest } of modes) {
  const counts = { right: 0, atRisk: 0, wrong: 0 };
  const wrong: string[] = [];
  const risks = new Map<string, number>();
  for (const run of realRuns()) {
    const stream = await decodeRealStream(run.streamFile);
    const dest = await realDestination(run, { sample });
    const p = predictLoad(stream, manifest ? dest : { ...dest, manifest: undefined, machines: undefined });
    const expected = run.outcome === 'SUCCEEDED' ? 'loads' : 'fails';
    if (p.verdict === expected) counts.right++;
    else if (p.verdict === 'at-risk') {
      counts.atRisk++;
      for (const n of p.notes.filter((x) => x.severity === 'at-risk')) risks.set(n.code, (risks.get(n.code) ?? 0) + 1);
      if (verbose) console.log(`  at-risk ${run.id}: ${p.notes.filter((x) => x.severity === 'at-risk').map((n) => n.text).join(' | ')}`);
    } else {
      counts.wrong++;
      wrong.push(`${run.id}: predicted ${p.verdict}${p.failure !== undefined ? ` (${p.failure.cause} ${p.failure.section?.idstr ?? ''}: ${p.failure.message.split('\n')[0]})` : ''}; QEMU ${run.outcome}${run.firstErrorLine !== '' && run.outcome === 'FAILED' ? `: ${run.firstErrorLine}` : ''}`);
    }
  }
  console.log(`${label}: ${counts.right} right, ${counts.atRisk} at-risk, ${counts.wrong} wrong (of ${counts.right + counts.atRisk + counts.wrong})`);
  if (risks.size > 0) console.log(`  at-risk notes: ${[...risks].map(([k, v]) => `${k} ${v}`).join(', ')}`);
  for (const w of wrong) console.log(`  WRONG ${w}`);
}

// The message QEMU printed against the one predicted (with the sample), for the failed loads.
let same = 0;
const differ: string[] = [];
for (const run of realRuns().filter((r) => r.outcome === 'FAILED')) {
  const p = predictLoad(await decodeRealStream(run.streamFile), await realDestination(run, { sample: true }));
  const real = run.firstErrorLine.replace(/^\S+Z /, '').replace(/^qemu-system-\w+: /, '');
  const predicted = p.failure?.message.split('\n')[0] ?? '';
  if (predicted === real) same++;
  else differ.push(`${run.id}:\n    QEMU:      ${real}\n    predicted: ${predicted}`);
}
console.log(`first error line predicted exactly for ${same} of ${same + differ.length} failed loads`);
for (const d of differ) console.log(`  ${d}`);
