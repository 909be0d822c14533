/**
 * Every CLI command that reads a text input, run on each hostile shape (scripts/hostile-inputs.ts)
 * as a separate process with a time budget: `node --import tsx scripts/hostile-cli.ts [--mb N]
 * [--budget-s S] [--only NAME]`. Prints one line per run with its time and MB/s; exits 1 when a
 * run crashed (exit status other than 0-3, or a signal) or went over the budget.
 *
 * Uses the bundled CLI (bin/migscope.mjs; `node scripts/build-cli.mjs` first), as users run it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HOSTILE_SHAPES, type HostileRole } from './hostile-inputs.ts';

const ROOT = join(import.meta.dirname, '..');
const FIX = join(ROOT, 'fixtures');
const STREAM = join(FIX, 'streams/7.2/pc-i440fx-7.2-default.mig.gz');
const MANIFEST = join(FIX, 'versions/7.2/vmstate-pc-i440fx-7.2.json.gz');
const MACHINES = join(FIX, 'versions/7.2/qmp-query-machines.json');

/** The commands that read an input of each role, as argument lists with the file as `F`. */
export const COMMANDS_BY_ROLE: Readonly<Record<HostileRole, readonly (readonly string[])[]>> = {
  'dest-log': [['explain', STREAM, '--dest-log', 'F'], ['trace', 'F']],
  'trace-log': [['trace', 'F'], ['explain', STREAM, '--dest-log', 'F']],
  manifest: [['check', '--src', 'F', '--dest', MANIFEST], ['matrix', 'F', MANIFEST], ['device-manifest', 'F'], ['explain', STREAM, '--dest-manifest', 'F']],
  'query-machines': [['tiers', 'F'], ['compat-props', 'F'], ['explain', STREAM, '--dest-machines', 'F']],
  cmdline: [['explain', STREAM, '--dest-cmdline', 'F']],
  'device-help': [['tiers', MACHINES, 'F'], ['explain', STREAM, '--dest-device-help', 'F']],
  csv: [['matrix', `7.2=${MANIFEST}`, '--all-machines', '--observed', 'F']],
  assigned: [['hosts', '--src-manifest', MANIFEST, '--machine', 'pc-i440fx-7.2', '--assigned', 'F', '--host', `h:${MANIFEST}`]],
  'mdev-types': [['hosts', '--src-manifest', MANIFEST, '--machine', 'pc-i440fx-7.2', '--assigned', join(FIX, 'mdev/vm.cmd'), '--vm-mdev', join(FIX, 'mdev/mdevctl.d/0000:00:02.0/4b20d080-1b54-4048-85b3-a6a62d165c01'), '--src-mdev-types', 'F', '--host', `h:${MANIFEST},F`]],
};

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const mb = Number(arg('--mb', '10'));
const budgetS = Number(arg('--budget-s', '10'));
const only = arg('--only', '');
const dir = mkdtempSync(join(tmpdir(), 'migscope-hostile-'));
let failed = 0;
try {
  for (const shape of HOSTILE_SHAPES) {
    if (only !== '' && !shape.name.includes(only)) continue;
    const file = join(dir, `${shape.name}.txt`);
    const text = shape.build(mb * 1e6);
    writeFileSync(file, text);
    for (const command of COMMANDS_BY_ROLE[shape.role]) {
      const args = command.map((a) => (a === 'F' ? file : a.endsWith(',F') ? `${a.slice(0, -1)}${file}` : a));
      const t = performance.now();
      const run = spawnSync(process.execPath, [join(ROOT, 'bin/migscope.mjs'), ...args], { stdio: ['ignore', 'ignore', 'pipe'], timeout: budgetS * 3000, maxBuffer: 1 << 26 });
      const s = (performance.now() - t) / 1000;
      const crashed = run.signal !== null || run.status === null || run.status > 3;
      const slow = s > budgetS;
      if (crashed || slow) failed++;
      const why = crashed ? ` FAIL (${run.signal ?? `exit ${String(run.status)}`}: ${run.stderr.toString().split('\n').slice(-3).join(' ').slice(0, 200)})` : slow ? ` FAIL (over ${budgetS} s)` : '';
      console.log(`${shape.name.padEnd(24)} ${(text.length / 1e6).toFixed(1)} MB  ${command[0]?.padEnd(15)} ${s.toFixed(2).padStart(6)} s  ${(text.length / 1e6 / s).toFixed(1).padStart(6)} MB/s  exit ${String(run.status)}${why}${run.status === 2 ? ` (${run.stderr.toString().split('\n')[0]?.slice(0, 160) ?? ''})` : ''}`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(failed === 0 ? 'all commands finished within budget' : `${failed} run(s) failed`);
process.exitCode = failed === 0 ? 0 : 1;
