/** npm run fuzz -- --iterations N --seed S: writes each failing input to fuzz-failures/ */
import { mkdirSync, writeFileSync } from 'node:fs';
import { defaultTargets, fuzz } from './fuzz-core.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v)) throw new Error(`${name} takes a number`);
  return v;
}

const iterations = arg('--iterations', 10_000);
const seed = arg('--seed', 1);
const t = performance.now();
// A long run says how far it got, so a stopped one still tells something.
const report = await fuzz(await defaultTargets(), iterations, seed, 1000, (done, failed) => {
  console.error(`fuzz: ${done}/${iterations} after ${((performance.now() - t) / 1000).toFixed(0)} s, ${failed} failing`);
});
const secs = (performance.now() - t) / 1000;
console.log(`fuzz: ${report.iterations} iterations, seed ${seed}, ${secs.toFixed(1)} s; per target ${JSON.stringify(report.perTarget)}; slowest ${report.slowest.ms.toFixed(0)} ms (${report.slowest.target})`);
if (report.failures.length > 0) {
  mkdirSync('fuzz-failures', { recursive: true });
  for (const f of report.failures) {
    const file = `fuzz-failures/${f.target}-${seed}-${f.iteration}.bin`;
    writeFileSync(file, f.input);
    console.log(`FAIL ${f.target} #${f.iteration} [${f.mutations.join(', ')}]: ${f.error} -> ${file}`);
  }
  process.exitCode = 1;
} else {
  console.log('no failures');
}
