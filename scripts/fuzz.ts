/**
 * npm run fuzz -- --iterations N --seed S [--hostile H --max-mb M]: N mutated real inputs, then H
 * hostile shapes (scripts/hostile-inputs.ts) of 10 KB to M MB (default 10) with a time budget
 * linear in their size; writes each failing input to fuzz-failures/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { defaultTargets, fuzz, fuzzHostile } from './fuzz-core.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v)) throw new Error(`${name} takes a number`);
  return v;
}

const iterations = arg('--iterations', 10_000);
const seed = arg('--seed', 1);
const hostileRuns = arg('--hostile', 0);
const maxMb = arg('--max-mb', 10);
const t = performance.now();
// A long run says how far it got, so a stopped one still tells something.
const report = await fuzz(await defaultTargets(), iterations, seed, 1000, (done, failed) => {
  console.error(`fuzz: ${done}/${iterations} after ${((performance.now() - t) / 1000).toFixed(0)} s, ${failed} failing`);
});
const secs = (performance.now() - t) / 1000;
console.log(`fuzz: ${report.iterations} iterations, seed ${seed}, ${secs.toFixed(1)} s; per target ${JSON.stringify(report.perTarget)}; slowest ${report.slowest.ms.toFixed(0)} ms (${report.slowest.target})`);
const h = performance.now();
const hostile = await fuzzHostile(hostileRuns, seed, [10_000, maxMb * 1e6], undefined, (done, failed) => {
  console.error(`hostile: ${done}/${hostileRuns} after ${((performance.now() - h) / 1000).toFixed(0)} s, ${failed} failing`);
});
if (hostileRuns > 0) {
  console.log(
    `hostile: ${hostile.runs} inputs, ${(hostile.bytes / 1e6).toFixed(0)} MB in ${(hostile.ms / 1000).toFixed(1)} s of reading (${((performance.now() - h) / 1000).toFixed(0)} s in all); ` +
      `slowest at 1 MB or more: ${hostile.slowest === undefined ? 'none that large' : `${hostile.slowest.mbPerS.toFixed(1)} MB/s (${hostile.slowest.shape})`}`,
  );
}
for (const f of hostile.failures) {
  mkdirSync('fuzz-failures', { recursive: true });
  const file = `fuzz-failures/hostile-${f.shape}-${seed}-${f.bytes}.txt`;
  writeFileSync(file, f.input);
  console.log(`FAIL hostile ${f.shape} (${f.bytes} bytes) [${f.mutations.join(', ')}]: ${f.error} -> ${file}`);
  process.exitCode = 1;
}
if (report.failures.length > 0) {
  mkdirSync('fuzz-failures', { recursive: true });
  for (const f of report.failures) {
    const file = `fuzz-failures/${f.target}-${seed}-${f.iteration}.bin`;
    writeFileSync(file, f.input);
    console.log(`FAIL ${f.target} #${f.iteration} [${f.mutations.join(', ')}]: ${f.error} -> ${file}`);
  }
  process.exitCode = 1;
} else if (hostile.failures.length === 0) {
  console.log('no failures');
}
