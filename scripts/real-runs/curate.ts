/**
 * Copies the real runs into fixtures/real-runs/ (streams gzip -9, logs gzip, .cmd as written,
 * results.csv, reruns.csv, per-build facts) and prints the sizes.
 *
 *   npx tsx scripts/real-runs/curate.ts [--out DIR] [--facts DIR] [--dest fixtures/real-runs]
 *
 * Stream bytes are never changed: each .mig.gz inflates to exactly what QEMU wrote.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { SCRATCH, loadDir, streamDir, type LoadRecord, type SaveRecord } from './matrix.ts';

const argv = process.argv.slice(2);
const opt = (name: string, dflt: string): string => {
  const i = argv.indexOf(name);
  return i >= 0 ? (argv[i + 1] ?? dflt) : dflt;
};
const OUT = opt('--out', `${SCRATCH}/out`);
const FACTS = opt('--facts', `${SCRATCH}/facts`);
const DEST = opt('--dest', 'fixtures/real-runs');
const SHARED_FIXTURES = opt('--fixtures', 'fixtures');
/**
 * `all`, or `proposed` (the default): all streams but the `default` config's from 5.2, 7.2 and
 * 11.1 (9.4 MB; every load of them succeeded, and fixtures/streams/ holds default streams of these
 * builds already), to stay under the ~40 MB budget. streams.csv lists every stream with its sha256.
 */
const STREAMS = opt('--streams', 'all');
const keepStream = (s: SaveRecord): boolean => STREAMS === 'all' || !(s.arch === 'x86_64' && s.config === 'default' && s.version !== '10.0');

interface State {
  saves: SaveRecord[];
  loads: LoadRecord[];
}

function gzipTo(src: string, dst: string): void {
  mkdirSync(dirname(dst), { recursive: true });
  // gzip -9 -n: no name or time in the header, so the same input gives the same file
  const gz = execFileSync('gzip', ['-9', '-n', '-c', src], { maxBuffer: 1 << 30 });
  writeFileSync(dst, gz);
  const back = gunzipSync(gz);
  if (!back.equals(readFileSync(src))) throw new Error(`gzip round trip differs for ${src}`);
}

/** JSON with object keys sorted at every level (the shared files were written with sorted keys). */
function canonical(x: unknown): string {
  if (Array.isArray(x)) return `[${x.map(canonical).join(',')}]`;
  if (x !== null && typeof x === 'object') {
    const o = x as Record<string, unknown>;
    return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(x);
}

/**
 * Two QMP records with the same reply: the socket path in `_command_line` differs run to run, and
 * QEMU lists the machines in hash-table order, which differs run to run too; key order aside.
 */
function sameQmpReply(a: Buffer, b: Buffer): boolean {
  try {
    const reply = (x: Buffer): string => {
      const j = JSON.parse(x.toString('utf8')) as Record<string, unknown>;
      const r = ('query-machines' in j ? j['query-machines'] : j) as { return?: unknown };
      const list = Array.isArray(r.return) ? (r.return as unknown[]).map(canonical).sort() : [canonical(r)];
      return list.join('\n');
    };
    return reply(a) === reply(b);
  } catch {
    return false;
  }
}

function csvField(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

function sizeOf(dir: string, filter: (f: string) => boolean = () => true): number {
  if (!existsSync(dir)) return 0;
  let n = 0;
  for (const e of readdirSync(dir, { recursive: true }) as string[]) {
    const p = join(dir, e);
    if (statSync(p).isFile() && filter(e)) n += statSync(p).size;
  }
  return n;
}

/** The exit as results.csv writes it: the code, or the signal that ended QEMU. */
const exitText = (l: LoadRecord): string => (l.exitCode !== null ? String(l.exitCode) : l.signal ?? '');

/** An error line without its timestamp, to compare two attempts. */
const untimed = (s: string): string => s.replace(/^\d{4}-\d\d-\d\dT[\d:.]+Z /, '');

function main(): void {
  const state = JSON.parse(readFileSync(join(OUT, 'results.json'), 'utf8')) as State;
  rmSync(DEST, { recursive: true, force: true });
  mkdirSync(DEST, { recursive: true });

  // streams and what goes with them
  const streamRows: string[] = ['arch,version,machine,config,status,stream_bytes,sha256,stream_file,in_repo'];
  const committed = new Set<string>();
  for (const s of state.saves) {
    const from = streamDir(OUT, s.arch, s.version);
    const to = join(DEST, 'streams', s.arch, s.version);
    mkdirSync(to, { recursive: true });
    copyFileSync(join(from, `${s.name}.cmd`), join(to, `${s.name}.cmd`));
    const qtree = join(from, `${s.name}.qtree.txt`);
    if (existsSync(qtree)) gzipTo(qtree, join(to, `${s.name}.qtree.txt.gz`));
    const stderr = join(from, `${s.name}.src-stderr.log`);
    if (existsSync(stderr) && statSync(stderr).size > 0) gzipTo(stderr, join(to, `${s.name}.src-stderr.log.gz`));
    const mig = join(from, `${s.name}.mig`);
    const rel = `streams/${s.arch}/${s.version}/${s.name}.mig.gz`;
    let digest = '';
    if (s.ok && existsSync(mig)) {
      digest = sha256(readFileSync(mig));
      if (keepStream(s)) {
        gzipTo(mig, join(DEST, rel));
        committed.add(rel);
      }
    }
    streamRows.push([s.arch, s.version, s.machine, s.config, s.status, String(s.streamBytes ?? ''), digest, rel, String(committed.has(rel))].map(csvField).join(','));
  }
  writeFileSync(join(DEST, 'streams.csv'), `${streamRows.join('\n')}\n`);

  // loads: first attempts in results.csv, with their logs; second attempts in reruns.csv
  const order = (l: LoadRecord): string => [l.arch, l.src.padStart(5, '0'), l.machine, l.config, l.dst.padStart(5, '0')].join('|');
  const first = state.loads.filter((l) => l.attempt === 1).sort((a, b) => order(a).localeCompare(order(b)));
  const rows = ['src_version,dst_version,machine,config,outcome,exit_code,first_error_line,arch,stream_file,log_file'];
  const sessions: string[] = [];
  for (const l of first) {
    const log = join(loadDir(OUT, l.arch, 1), `${l.name}.log`);
    const logRel = `loads/${l.arch}/${l.name}.log.gz`;
    if (existsSync(log)) gzipTo(log, join(DEST, logRel));
    const streamRel = `streams/${l.arch}/${l.stream.replace(/\.mig$/, '.mig.gz')}`;
    rows.push([l.src, l.dst, l.machine, l.config, l.outcome, exitText(l), l.firstErrorLine, l.arch, committed.has(streamRel) ? streamRel : '', existsSync(log) ? logRel : ''].map(csvField).join(','));
  }
  writeFileSync(join(DEST, 'results.csv'), `${rows.join('\n')}\n`);

  const reruns = ['arch,src_version,dst_version,machine,config,outcome_1,outcome_2,exit_code_1,exit_code_2,same_first_error_line,first_error_line_2'];
  for (const l of first.filter((x) => x.outcome !== 'SUCCEEDED')) {
    const again = state.loads.find((x) => x.attempt === 2 && x.arch === l.arch && x.name === l.name);
    reruns.push(
      [
        l.arch, l.src, l.dst, l.machine, l.config, l.outcome, again?.outcome ?? 'not rerun', exitText(l), again ? exitText(again) : '',
        again ? String(untimed(again.firstErrorLine) === untimed(l.firstErrorLine)) : '', again?.firstErrorLine ?? '',
      ].map(csvField).join(','),
    );
  }
  writeFileSync(join(DEST, 'reruns.csv'), `${reruns.join('\n')}\n`);

  for (const l of [...first, ...state.loads.filter((x) => x.attempt !== 1)]) {
    sessions.push(JSON.stringify({ arch: l.arch, name: l.name, attempt: l.attempt, outcome: l.outcome, wall_ms: l.wallMs, pidfile_matched: l.pidFileMatched, command_line: l.argv, qmp: l.session, ...(l.note ? { note: l.note } : {}) }));
  }
  const sessionsFile = join(OUT, 'load-sessions.jsonl');
  writeFileSync(sessionsFile, `${sessions.join('\n')}\n`);
  gzipTo(sessionsFile, join(DEST, 'load-sessions.jsonl.gz'));

  // facts: everything for builds the shared fixtures lack; for the others only what is new
  for (const d of readdirSync(FACTS).sort()) {
    const [arch, version] = d.split('-') as [string, string];
    const shared =
      arch === 'x86_64'
        ? [join(SHARED_FIXTURES, 'versions', version), join(SHARED_FIXTURES, 'versions-extra', version)]
        : [join(SHARED_FIXTURES, 'versions-extra', `aarch64-${version}`)];
    const to = join(DEST, 'versions', arch === 'x86_64' ? version : `aarch64-${version}`);
    mkdirSync(to, { recursive: true });
    const files = readdirSync(join(FACTS, d)).sort();
    const same = files.filter((f) => {
      const sharedCopy = shared.flatMap((dir) => [join(dir, f), join(dir, `${f}.gz`)]).find((p) => existsSync(p));
      if (!sharedCopy) return false;
      const mine = readFileSync(join(FACTS, d, f));
      const theirs = sharedCopy.endsWith('.gz') ? gunzipSync(readFileSync(sharedCopy)) : readFileSync(sharedCopy);
      return theirs.equals(mine) || sameQmpReply(mine, theirs);
    });
    const newManifest = files.some((f) => f.startsWith('vmstate-') && !same.includes(f));
    for (const f of files) {
      if (same.includes(f) || (f === 'dump-vmstate.cmd' && !newManifest)) continue;
      const src = join(FACTS, d, f);
      const big = (f.startsWith('vmstate-') && f.endsWith('.json')) || ['trace-events.txt', 'devices.txt', 'device-props.json'].includes(f) || f.startsWith('qmp-query-machines-compat');
      if (big) gzipTo(src, join(to, `${f}.gz`));
      else copyFileSync(src, join(to, f));
    }
    if (same.length > 0) {
      const where = shared.map((x) => `${relative(DEST, x)}/`).join(' or ');
      writeFileSync(join(to, 'same-as-shared.txt'), `# made again from this build and identical to ${where} (QMP replies: the reply; the rest: byte for byte), so not copied:\n${same.join('\n')}\n`);
    }
  }

  const mb = (n: number): string => `${(n / 1e6).toFixed(2)} MB`;
  console.log(`streams (.mig.gz): ${mb(sizeOf(join(DEST, 'streams'), (f) => f.endsWith('.mig.gz')))}`);
  console.log(`stream records (.cmd, qtree, stderr): ${mb(sizeOf(join(DEST, 'streams'), (f) => !f.endsWith('.mig.gz')))}`);
  console.log(`load logs: ${mb(sizeOf(join(DEST, 'loads')))}`);
  console.log(`versions: ${mb(sizeOf(join(DEST, 'versions')))}`);
  console.log(`total: ${mb(sizeOf(DEST))}`);
}

main();
