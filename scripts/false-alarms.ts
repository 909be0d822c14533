/**
 * False alarms of vmstate-static-checker.py against migscope, over every real load in
 * fixtures/loads/results.csv: the script's problem count for the two versions' manifests
 * (fixtures/oracle/static, or our exact port where no oracle file exists: same-version pairs)
 * against migscope's breaking findings for the stream that was really loaded. Then, per
 * version pair, how the script's problems read under the loader's rules (no stream).
 *
 *   npx tsx scripts/false-alarms.ts
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES } from '../src/format/test-support/fixtures.ts';
import { explainStaticFindings, judgeManifests } from '../src/analysis/judge-findings.ts';
import { runStaticChecker } from '../src/analysis/static-checker.ts';
import { falseAlarmTable, judgeLoad, loadManifest, realLoads } from '../src/analysis/test-support/real-loads.ts';

const judged = [];
for (const row of realLoads()) judged.push(await judgeLoad(row));
console.log('Real loads: vmstate-static-checker.py problems vs migscope check --stream breaking findings');
console.log('(* = a version without a manifest for the machine type, another manifest of that version stood in)\n');
console.log(falseAlarmTable(judged));

const disagreements = judged.filter((j) => (j.row.outcome === 'SUCCEEDED') !== (j.report.counts.breaks === 0));
console.log(`\nloads where migscope's verdict disagrees with what QEMU did: ${disagreements.length}`);
for (const j of disagreements) console.log(`  ${j.row.src} -> ${j.row.dst} ${j.row.machine}-${j.row.config}: ${j.row.outcome}, ${j.report.counts.breaks} breaking`);

console.log('\nThe script\'s problems per version pair, read as the loader would (without a stream, per device):');
const pairs = readdirSync(join(FIXTURES, 'oracle', 'static')).filter((f) => f.endsWith('.txt')).sort();
let total = 0;
const sums = { breaks: 0, 'at-risk': 0, fine: 0 };
for (const name of pairs) {
  const [machine = '', src = '', dest = ''] = name.replace(/\.txt$/, '').split('__');
  const s = loadManifest(join(FIXTURES, 'versions', src, `vmstate-${machine}.json.gz`));
  const d = loadManifest(join(FIXTURES, 'versions', dest, `vmstate-${machine}.json.gz`));
  const counted = explainStaticFindings(runStaticChecker(s, d), s, d, judgeManifests(s, d)).filter((e) => e.static.counted);
  const n = (v: 'breaks' | 'at-risk' | 'fine'): number => counted.filter((e) => e.verdict === v).length;
  total += counted.length;
  sums.breaks += n('breaks');
  sums['at-risk'] += n('at-risk');
  sums.fine += n('fine');
  console.log(`  ${machine.padEnd(14)} ${`${src} -> ${dest}`.padEnd(12)} ${String(counted.length).padStart(3)} problems: ${n('breaks')} break (for VMs with the device), ${n('at-risk')} at risk, ${n('fine')} fine`);
}
console.log(`  total ${total} problems: ${sums.breaks} break, ${sums['at-risk']} at risk, ${sums.fine} fine`);
