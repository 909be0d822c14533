import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../test-support/run-cli.ts';
import { rmSync } from 'node:fs';
import { parseCheckArgs } from './check.ts';
import { allRealLoads, type RealLoad } from '../../analysis/test-support/real-checks.ts';

const FIXTURES = fileURLToPath(new URL('../../../fixtures/', import.meta.url));

const run = (args: readonly string[]) => runCli(['check', ...args]);

function readOracle(path: string): { exitCode: number; stdout: string } {
  const text = readFileSync(path, 'utf8');
  const newline = text.indexOf('\n');
  return { exitCode: Number(/^exit_code=(\d+)/.exec(text)?.[1]), stdout: text.slice(newline + 1) };
}

const manifest = (version: string, machine: string) => `${FIXTURES}versions/${version}/vmstate-${machine}.json.gz`;

describe('migscope check --format static-checker', () => {
  const oracleFiles = readdirSync(FIXTURES + 'oracle/static').filter((f) => f.endsWith('.txt'));

  it.each(oracleFiles)('prints exactly what the script printed for %s and exits with its code', async (name) => {
    const [machine = '', src = '', dest = ''] = name.replace(/\.txt$/, '').split('__');
    const oracle = readOracle(`${FIXTURES}oracle/static/${name}`);
    const result = await run(['--src', manifest(src, machine), '--dest', manifest(dest, machine), '--format', 'static-checker']);
    expect(result.err).toBe('');
    expect(result.out).toBe(oracle.stdout);
    expect(result.code).toBe(oracle.exitCode);
  });

  it('supports --reverse, -s/-d and --opt=value like the script', async () => {
    const oracle = readOracle(`${FIXTURES}upstream-testdata/static-checker__dump1__dump2--reverse.txt`);
    const result = await run([
      '-s',
      `${FIXTURES}upstream-testdata/dump1.json`,
      `--dest=${FIXTURES}upstream-testdata/dump2.json`,
      '--format=static-checker',
      '--reverse',
    ]);
    expect(result).toEqual({ code: oracle.exitCode, out: oracle.stdout, err: '' });
  });

  it('is reachable through the migscope entry point', async () => {
    const { code, out } = await runCli(['check', '--src', `${FIXTURES}upstream-testdata/dump1.json`, '--dest', `${FIXTURES}upstream-testdata/dump2.json`, '--format', 'static-checker']);
    expect(code).toBe(13);
    expect(out).toBe(readOracle(`${FIXTURES}upstream-testdata/static-checker__dump1__dump2.txt`).stdout);
  });

  it('selects the 10.1 rename table with --script-version', async () => {
    const args = ['--src', manifest('5.2', 'pc-q35-5.2'), '--dest', manifest('11.1', 'pc-q35-5.2'), '--format', 'static-checker'];
    const old = await run(args);
    const now = await run([...args, '--script-version', '10.1']);
    expect(old.out).toContain('expected field "num_timers", got "num_timers_save"');
    expect(now.out).not.toContain('expected field "num_timers", got "num_timers_save"');
  });
});

describe('migscope check --format json|text', () => {
  const dump1 = `${FIXTURES}upstream-testdata/dump1.json`;
  const dump2 = `${FIXTURES}upstream-testdata/dump2.json`;

  interface Report {
    verdict: string;
    counts: { breaks: number; 'at-risk': number; fine: number };
    stream?: { machineType: string; devices: number };
    devices: { device: string; verdict: string }[];
    findings: { device: string; qomTypes: string[]; path: string; kind: string; verdict: string; reason: string }[];
    staticChecker?: { problems: number; verdicts: Record<string, number>; findings: { kind: string; message: string; counted: boolean; verdict: string; reason: string }[] };
  }

  it('gives verdict findings and the script\'s problems read as the loader would; exit 1 when something breaks', async () => {
    const result = await run(['--src', manifest('5.2', 'pc-q35-5.2'), '--dest', manifest('11.1', 'pc-q35-5.2'), '--format', 'json']);
    expect(result.err).toBe('');
    expect(result.code).toBe(1);
    const report = JSON.parse(result.out) as Report;
    expect(report.verdict).toBe('breaks');
    expect(report.counts.breaks).toBe(report.findings.filter((f) => f.verdict === 'breaks').length);
    const nvme = report.findings.find((f) => f.device === 'nvme');
    expect(nvme).toMatchObject({ kind: 'version-too-old', verdict: 'breaks', qomTypes: ['nvme'] });
    expect(report.staticChecker?.problems).toBe(38);
    expect(report.staticChecker?.findings.filter((f) => f.counted)).toHaveLength(38);
    expect(report.staticChecker?.verdicts['fine']).toBeGreaterThan(10);
    for (const f of report.staticChecker?.findings ?? []) expect(f.reason).not.toBe('');
  });

  it('exits 0 when nothing breaks, in both formats', async () => {
    const same = manifest('7.2', 'pc-q35-7.2');
    const clean = await run(['--src', same, '--dest', same, '--format', 'json']);
    expect(clean.code).toBe(0);
    const report = JSON.parse(clean.out) as Report;
    expect(report).toMatchObject({ verdict: 'fine', counts: { breaks: 0, 'at-risk': 0, fine: 0 }, findings: [] });
    expect(report.staticChecker?.problems).toBe(0);
    const text = await run(['--src', same, '--dest', same]);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/verdict: fine \(0 breaking, 0 at risk, 0 fine, per device\)\n$/);
  });

  it('prints one line per breaking or at-risk finding in text form, fine ones with --all', async () => {
    const args = ['--src', dump1, '--dest', dump2, '--format', 'text'];
    const result = await run(args);
    const lines = result.out.trimEnd().split('\n');
    expect(lines[0]).toBe(`src:    ${dump1} (pc-i440fx-2.1)`);
    expect(lines.at(-2)).toMatch(/^vmstate-static-checker\.py: 13 problems; as the loader reads them: \d+ break, \d+ at risk, \d+ fine$/);
    expect(lines.at(-1)).toMatch(/^verdict: (breaks|at-risk|fine) /);
    expect(lines.filter((l) => l.startsWith('fine '))).toEqual([]);
    const all = await run([...args, '--all']);
    expect(all.out.split('\n').some((l) => l.startsWith('fine '))).toBe(true);
  });

  it('--stream narrows the answer to the VM: the real 11.1 -> 5.2 load that succeeded exits 0', async () => {
    const stream = `${FIXTURES}streams/11.1/pc-i440fx-5.2-default.mig.gz`;
    const perDevice = await run(['--src', manifest('11.1', 'pc-i440fx-5.2'), '--dest', manifest('5.2', 'pc-i440fx-5.2'), '--format', 'json']);
    expect(perDevice.code).toBe(1);
    const result = await run(['--src', manifest('11.1', 'pc-i440fx-5.2'), '--dest', manifest('5.2', 'pc-i440fx-5.2'), '--stream', stream, '--format', 'json']);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.out) as Report;
    expect(report.stream).toMatchObject({ machineType: 'pc-i440fx-5.2' });
    expect(report.counts.breaks).toBe(0);
    expect(report.staticChecker).toBeUndefined();
    const text = await run(['--src', manifest('11.1', 'pc-i440fx-5.2'), '--dest', manifest('5.2', 'pc-i440fx-5.2'), '--stream', stream]);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/^stream: pc-i440fx-5\.2-default\.mig\.gz \(machine type pc-i440fx-5\.2, \d+ device sections\)$/m);
    expect(text.out).toMatch(/for this VM\)\n$/);
  });

  it('--stream exits 1 when the VM breaks: an 11.1 pc-q35-11.1 stream into a 7.2 pc-q35-7.2 destination', async () => {
    const stream = `${FIXTURES}streams/11.1/pc-q35-11.1-default.mig.gz`;
    const result = await run(['--src', manifest('11.1', 'pc-q35-11.1'), '--dest', manifest('7.2', 'pc-q35-7.2'), '--stream', stream, '--format', 'json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.out) as Report;
    const breaking = report.findings.filter((f) => f.verdict === 'breaks');
    expect(breaking.map((f) => f.device)).toContain('configuration');
    expect(breaking.find((f) => f.device === 'configuration')?.reason).toContain("Machine type received is 'pc-q35-11.1' and local is 'pc-q35-7.2'");
    expect(breaking.map((f) => f.device)).toContain('e1000e');
  });

  it('--dest-machine sets the machine type the destination runs', async () => {
    const stream = `${FIXTURES}streams/7.2/pc-q35-5.2-default.mig.gz`;
    const args = ['--src', manifest('7.2', 'pc-q35-5.2'), '--dest', manifest('11.1', 'pc-q35-11.1'), '--stream', stream, '--format', 'json'];
    expect((await run(args)).code).toBe(1);
    expect((await run([...args, '--dest-machine', 'pc-q35-5.2'])).code).toBe(0);
  });
});

describe("migscope check --stream with the destination's load checks (fixtures/real-runs)", () => {
  interface RuntimeReport {
    verdict: string;
    counts: { breaks: number; 'at-risk': number; fine: number };
    runtime: { version: string | null; versionFrom: string | null; machineType: string | null; cmdline: string | null; sample: string | null; assumptions: string[] };
    findings: {
      device: string;
      path: string;
      kind: string;
      verdict: string;
      reason: string;
      runtime?: { family: string; section: { idstr: string; instance: number; offset: number; length: number }; field?: string; offset?: number; length?: number; message?: string; missing: string[] };
    }[];
  }
  const loads = allRealLoads().filter((l) => l.id.startsWith('real-runs '));
  const failed = loads.filter((l) => l.outcome === 'FAILED');
  // The same streams into their own release, where QEMU loaded them.
  const sameRelease = loads.filter((l) => l.src === l.dst && failed.some((f) => f.stream === l.stream));
  const args = (l: RealLoad, sample: boolean): string[] => [
    '--src', l.srcManifest, '--dest', `${l.dst}=${l.dstManifest}`, '--stream', l.stream, '--dest-cmdline', l.cmdline, ...(sample && l.sample !== undefined ? ['--dest-sample', l.sample] : []), '--format', 'json',
  ];
  const qemuLine = (l: RealLoad): string => l.firstError.replace(/^\S+Z /, '').replace(/^qemu-system-\w+: /, '');

  it('covers the 24 failed loads and the same streams loaded by their own release', () => {
    expect(failed).toHaveLength(24);
    expect(new Set(sameRelease.map((l) => l.stream)).size).toBe(new Set(failed.map((l) => l.stream)).size);
  });

  it.each(failed.map((l) => [l.id, l] as const))('%s: breaks with QEMU\'s message, section, field and offset', async (_id, load) => {
    const result = await run(args(load, true));
    expect(result.err).toBe('');
    expect(result.code).toBe(1);
    const report = JSON.parse(result.out) as RuntimeReport;
    expect(report.runtime).toMatchObject({ version: load.dst, versionFrom: '--dest label', cmdline: load.cmdline, sample: load.sample });
    const first = report.findings.find((f) => f.verdict === 'breaks');
    expect(first?.kind).toBe('runtime-check');
    expect(first?.runtime?.message?.split('\n')[0]).toBe(qemuLine(load));
    expect(first?.reason).toContain(qemuLine(load));
    expect(first?.runtime?.field).toBeDefined();
    expect(first?.runtime?.offset).toBeGreaterThan(first?.runtime?.section.offset ?? Infinity);
    expect(first?.reason).toContain(`at 0x${(first?.runtime?.offset ?? 0).toString(16)}`);
  });

  it.each(sameRelease.map((l) => [l.id, l] as const))('%s: the same stream into its own release breaks nothing', async (_id, load) => {
    const result = await run(args(load, true));
    expect(result.code).toBe(0);
    const report = JSON.parse(result.out) as RuntimeReport;
    expect(report.findings.filter((f) => f.verdict === 'breaks')).toEqual([]);
  });

  it('without --dest-sample: the x86 ring failures still break, the Arm register lists are at risk naming --dest-sample', async () => {
    // Every load is covered in analysis/runtime-findings.test.ts; here one of each kind, both Arm directions.
    const ids = ['x86_64 10.0__11.1__pc-i440fx-10.0-virtio', 'aarch64 7.2__11.1__virt-7.2-minimal', 'aarch64 11.1__7.2__virt-7.2-virtio-mmio'];
    const chosen = failed.filter((l) => ids.some((id) => l.id.endsWith(id)));
    expect(chosen).toHaveLength(3);
    for (const load of chosen) {
      const result = await run(args(load, false));
      const report = JSON.parse(result.out) as RuntimeReport;
      if (load.id.includes('x86_64')) {
        expect(result.code).toBe(1);
        continue;
      }
      expect(result.code).toBe(0);
      expect(report.verdict).toBe('at-risk');
      const risk = report.findings.filter((f) => f.kind === 'runtime-check' && f.verdict === 'at-risk');
      expect(risk.map((f) => f.runtime?.missing)).toContainEqual(['--dest-sample']);
      expect(risk.some((f) => f.reason.includes('--dest-sample'))).toBe(true);
    }
  });

  it('takes the release from the folder of --dest, and --dest-version wins over it', async () => {
    const load = failed.find((l) => l.id === 'real-runs x86_64 10.0__11.1__pc-q35-7.2-virtio') as RealLoad;
    const base = ['--src', load.srcManifest, '--dest', load.dstManifest, '--stream', load.stream, '--format', 'json'];
    const fromFolder = await run(base);
    expect(fromFolder.code).toBe(1);
    expect((JSON.parse(fromFolder.out) as RuntimeReport).runtime).toMatchObject({ version: '11.1', versionFrom: '--dest folder', cmdline: null, sample: null });
    const older = await run([...base, '--dest-version', '10.0']);
    expect(older.code).toBe(0);
    expect((JSON.parse(older.out) as RuntimeReport).runtime).toMatchObject({ version: '10.0', versionFrom: '--dest-version' });
  });

  it('says in text which release, command line and sample the load checks used', async () => {
    const load = failed.find((l) => l.id === 'real-runs x86_64 10.0__11.1__pc-q35-7.2-virtio') as RealLoad;
    const result = await run(args(load, true).slice(0, -2));
    expect(result.code).toBe(1);
    expect(result.out).toContain(`load checks: QEMU 11.1 (from --dest label), command line ${load.cmdline}, sample ${load.sample ?? ''}\n`);
    expect(result.out).toMatch(/^breaks {2}virtio-net > virtio\/queues\[0\]\/vring\.num: QEMU 11\.1's device load code refuses section '0000:00:01\.0\/virtio-net' instance 0 at 0x174795 \(virtio\/queues\[0\]\/vring\.num\): it fails with "VQ 0 vring\.num 1024 exceeds allocated max 256"/m);
  });

  it('keeps --format static-checker exactly the script\'s with a VERSION= label on --dest', async () => {
    const oracle = readOracle(`${FIXTURES}oracle/static/pc-q35-7.2__7.2__11.1.txt`);
    const result = await run(['--src', manifest('7.2', 'pc-q35-7.2'), '--dest', `11.1=${manifest('11.1', 'pc-q35-7.2')}`, '--format', 'static-checker']);
    expect(result).toEqual({ code: oracle.exitCode, out: oracle.stdout, err: '' });
  });
});

describe('migscope check on bad input', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'migscope-check-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const write = (name: string, content: string | Uint8Array): string => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };
  const good = `${FIXTURES}upstream-testdata/dump1.json`;

  it.each([
    ['not-json.json', 'this is not json', /: \$: unexpected "t", expected a value \(line 1, column 1\)$/],
    ['wrong-shape.json', '{"dev": {"version_id": "2"}}', /: \$\.dev\.version_id: expected an integer, got a string$/],
    ['deep.json', '['.repeat(100_000), /: \$\[0\]\[0\].*: nesting deeper than 256 levels/],
    ['proto.json', '{"__proto__": {"polluted": 1}}', /: \$\.__proto__: missing key "version_id"$/],
    ['bad.json.gz', gzipSync('{"vmschkmachine": {"Name": 1}}'), /: \$\.vmschkmachine\.Name: expected a string, got a number$/],
    ['torn.json.gz', gzipSync('{"a": 1}').subarray(0, 12), /: \$: cannot gunzip: /],
    ['latin1.json', new Uint8Array([0x7b, 0x22, 0xe9, 0x22, 0x7d]), /: \$: not valid UTF-8 text$/],
  ])('%s: exit 2 with one error line naming file and JSON path', async (name, content, pattern) => {
    const path = write(name, content);
    for (const args of [
      ['--src', path, '--dest', good],
      ['--src', good, '--dest', path, '--format', 'static-checker'],
    ]) {
      const result = await run(args);
      expect(result.code).toBe(2);
      expect(result.out).toBe('');
      expect(result.err.startsWith(`error: ${path}: `)).toBe(true);
      expect(result.err.endsWith('\n')).toBe(true);
      expect(result.err.trimEnd().split('\n')).toHaveLength(1);
      expect(result.err.trimEnd()).toMatch(pattern);
    }
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('reports a stream that cannot be read or is not a migration stream', async () => {
    const same = `${FIXTURES}versions/7.2/vmstate-pc-q35-7.2.json.gz`;
    const missing = await run(['--src', same, '--dest', same, '--stream', join(dir, 'absent.mig')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/^error: .*absent\.mig: cannot read file: ENOENT/);
    const notStream = await run(['--src', same, '--dest', same, '--stream', write('zeros.mig', new Uint8Array(100))]);
    expect(notStream.code).toBe(2);
    expect(notStream.err.trimEnd().split('\n')).toHaveLength(1);
    expect(notStream.err).toMatch(/^error: .*zeros\.mig: not a readable QEMU migration stream: BAD_MAGIC/);
  });

  it('reports a missing file', async () => {
    const result = await run(['--src', join(dir, 'absent.json'), '--dest', good]);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/^error: .*absent\.json: \$: cannot read file: ENOENT/);
  });

  it.each([
    [['--src', 'a'], '--src and --dest are required'],
    [['--src', 'a', '--dest', 'b', '--format', 'yaml'], '--format must be one of static-checker, json, text'],
    [['--src', 'a', '--dest', 'b', '--bogus'], "unknown option '--bogus'"],
    [['--src', 'a', '--dest', 'b', 'extra'], "unexpected argument 'extra'"],
    [['--src'], '--src needs a file'],
    [['--src', 'a', '--dest', 'b', '--reverse=yes'], '--reverse takes no value'],
    [['--src', 'a', '--dest', 'b', '--script-version', '9'], '--script-version must be one of 8.1, 10.1'],
    [['--src', 'a', '--dest', 'b', '--stream', 's', '--reverse'], '--reverse cannot be combined with --stream (the stream is the source)'],
    [['--src', 'a', '--dest', 'b', '--stream'], '--stream needs a file'],
    [['--src', 'a', '--dest', 'b', '--dest-sample', 's2'], "--dest-sample judges a stream's values: give --stream"],
    [['--src', 'a', '--dest', 'b', '--dest-version', '11.1', '--dest-cmdline', 'c'], "--dest-version, --dest-cmdline judge a stream's values: give --stream"],
    [['--src', 'a', '--dest', 'b', '--stream', 's', '--dest-sample'], '--dest-sample needs a stream file'],
  ])('usage error for %j', async (args, message) => {
    expect(parseCheckArgs(args)).toBe(message);
    const result = await run(args);
    expect(result.code).toBe(2);
    expect(result.err.split('\n')[0]).toBe(`error: check: ${message}`);
  });

  it('prints help', async () => {
    const result = await run(['--help']);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^usage: migscope check --src A --dest \[VERSION=\]B/);
  });
});
