/**
 * Collects `query-machines` with `{"compat-props": true}` (and `query-version`) from the
 * installed QEMU 10.0 and 11.1 builds again, writes the replies the way fixtures/ keeps them,
 * and checks them against the fixtures and against `migscope compat-props --all --raw`: every
 * (machine type, driver, property, value) a reply pins is in the table's cell, and nothing else.
 *
 *   npx tsx scripts/collect-compat-props.ts [--out DIR]   (default /work/qc/runs/compat-props)
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { compatPropsTable } from '../src/analysis/compat-props.ts';
import { parseQueryMachines, type QueryMachines } from '../src/manifest/index.ts';
import { buildOf, PLANS, SCRATCH } from './real-runs/matrix.ts';
import { QmpClient } from '../src/cli/run/qmp.ts';
import { startQemu } from '../src/cli/run/qemu-process.ts';

const FIXTURE: Readonly<Record<string, string>> = {
  '10.0': 'fixtures/real-runs/versions/10.0/qmp-query-machines-compat-props.json.gz',
  '11.1': 'fixtures/versions-extra/11.1/qmp-query-machines-compat-props.json.gz',
};

async function collect(version: string, out: string, tmp: string): Promise<string> {
  const plan = PLANS.find((p) => p.arch === 'x86_64');
  if (plan === undefined) throw new Error('no x86_64 plan');
  const build = buildOf(version);
  const sock = join(tmp, `compat-${process.pid}-${version}.sock`);
  rmSync(sock, { force: true });
  const p = startQemu(build, plan.binary, ['-machine', 'none', '-S', '-display', 'none', '-nodefaults', '-qmp', `unix:${sock},server=on,wait=off`], join(tmp, `compat-${version}-stderr.txt`));
  try {
    const qmp = await QmpClient.connect(sock, 15_000, () => !p.hasExited);
    await qmp.execute('qmp_capabilities');
    const qemu = await qmp.execute('query-version');
    const reply = await qmp.execute('query-machines', { 'compat-props': true });
    const path = join(out, `${version}.qmp-query-machines-compat-props.json`);
    writeFileSync(path, `${JSON.stringify({ _command_line: p.argv, _arguments: { 'compat-props': true }, _version: qemu, 'query-machines': reply }, null, 1)}\n`);
    try {
      await qmp.execute('quit', null, { timeoutMs: 3000 });
    } catch {
      /* QEMU closes the socket before answering */
    }
    qmp.close();
    return path;
  } finally {
    if ((await p.waitExit(5000)) === null) await p.kill();
    rmSync(sock, { force: true });
  }
}

function read(path: string): QueryMachines {
  const bytes = readFileSync(path);
  const text = path.endsWith('.gz') ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
  const parsed = parseQueryMachines(text, path);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}

/** What a reply pins, one line per machine type, driver, property and value (the last of repeats). */
function pins(qm: QueryMachines): string[] {
  return qm.machines.flatMap((m) => {
    const last = new Map<string, string>();
    for (const p of m.compatProps ?? []) last.set(`${p.qomType} ${p.property}`, p.value);
    return [...last].map(([k, v]) => `${m.name} ${k}=${v}`);
  }).sort();
}

async function main(): Promise<void> {
  const i = process.argv.indexOf('--out');
  const out = i >= 0 ? (process.argv[i + 1] ?? '') : `${SCRATCH}/compat-props`;
  const tmp = `${SCRATCH}/tmp`;
  mkdirSync(out, { recursive: true });
  mkdirSync(tmp, { recursive: true });
  const fresh: { build: string; machines: QueryMachines }[] = [];
  for (const v of ['10.0', '11.1']) {
    const path = await collect(v, out, tmp);
    const now = read(path);
    const fixture = read(FIXTURE[v] ?? '');
    const same = JSON.stringify(pins(now)) === JSON.stringify(pins(fixture));
    console.log(`${v}: ${now.machines.length} machine types, ${pins(now).length} pinned values; ${same ? 'identical to' : 'DIFFERENT from'} ${FIXTURE[v] ?? ''}`);
    fresh.push({ build: v, machines: now });
  }
  // Row for row: the table holds exactly what the replies pin.
  const table = compatPropsTable(fresh, { all: true, raw: true });
  const cells = table.rows.flatMap((r) => r.raw.flatMap((v, c) => (v === undefined ? [] : [`${table.columns[c]?.build ?? ''} ${table.columns[c]?.machine ?? ''} ${r.driver} ${r.property}=${v}`]))).sort();
  const replies = fresh.flatMap((f) => pins(f.machines).map((p) => `${f.build} ${p}`)).sort();
  const agree = JSON.stringify(cells) === JSON.stringify(replies);
  console.log(`compat-props --all --raw: ${table.columns.length} columns, ${table.rows.length} rows, ${cells.length} cells; ${agree ? 'row for row the replies' : 'NOT the replies'}`);
  if (!agree) process.exitCode = 1;
}

await main();
