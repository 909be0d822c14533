/**
 * `migscope run` against a real QEMU: Debian's qemu-system-x86_64 (7.2 on bookworm; npm test's
 * set-up installs it when run as root), saving and loading with the same build. Skipped when no
 * qemu-system-x86_64 is on the PATH. Runs between two releases are in run-cross.test.ts.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readRunResults } from '../../analysis/run-results.ts';
import { loadVm, saveVm, type VmSpec } from '../run/vm-run.ts';
import { runCli } from '../test-support/run-cli.ts';
import { parseRunArgs, readConfigFile } from './run.ts';

const QEMU = 'qemu-system-x86_64';
const hasQemu = ((): boolean => {
  try {
    execFileSync(QEMU, ['-version'], { stdio: 'ignore', timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
})();

const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'migscope-run-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Processes whose command line names `dir`: what a run must not leave behind. */
function processesIn(dir: string): string[] {
  return execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.includes(dir) && !l.includes('ps -eo'));
}

describe('run: the command line', () => {
  it('needs both builds and a machine type', async () => {
    const r = await runCli(['run', '--src', QEMU, '--dest', QEMU]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^error: run: give --machine M \(a machine type, or all\)/);
    expect((await runCli(['run', '--machine', 'q35'])).err).toMatch(/give both --src and --dest/);
    expect((await runCli(['run', '--help'])).code).toBe(0);
  });

  it('reads a config file; options given on the command line win', () => {
    const config = JSON.stringify({ builds: { '10.0': 'chroot /r/trixie qemu-system-x86_64', '11.1': 'chroot /r/sid qemu-system-x86_64' }, src: '10.0', dest: '11.1', machine: ['pc-q35-10.0'], devices: ['virtio-net-pci', 'virtio-rng-pci'], args: ['-m', '128M'], boot: 3 });
    const o = parseRunArgs(['--config', 'c.json', '--device', 'virtio-scsi-pci', '--machine', 'pc-q35-5.2,pc-q35-7.2'], () => config);
    if (typeof o !== 'object') throw new Error(String(o));
    expect(o).toMatchObject({ src: '10.0', dest: '11.1', machines: ['pc-q35-5.2', 'pc-q35-7.2'], extraArgs: ['-m', '128M'], timeoutMs: 30_000, bootMs: 3000 });
    expect(o.devices.map((d) => d.name)).toEqual(['virtio-scsi-pci']);
    expect(o.builds.get('11.1')).toBe('chroot /r/sid qemu-system-x86_64');
    expect(readConfigFile('{"machines": "x"}')).toBe('unknown key machines (known: builds, src, dest, machine, devices, args, timeout, boot; keys starting with _ are comments)');
    expect(readConfigFile('{"devices": "virtio-net-pci"}')).toBe('"devices" must be a list of strings');
    expect(parseRunArgs(['--src', 'a', '--dest', 'b', '--machine', 'm', '--boot', '40'])).toBe('--boot 40 leaves the save no time within --timeout 30');
  });

  it('says so, with exit status 3, when a build does not run', async () => {
    const out = tempDir();
    const r = await runCli(['run', '--src', '/nonexistent/qemu-system-x86_64', '--dest', QEMU, '--machine', 'q35', '--out', out]);
    expect(r.code).toBe(3);
    expect(r.err).toBe('error: run: /nonexistent/qemu-system-x86_64: does not run as QEMU (-version said: could not start /nonexistent/qemu-system-x86_64 -version)\n');
    expect(readdirSync(out)).toEqual([]);
    // A folder the run made itself is not left behind empty.
    const fresh = join(out, 'new');
    expect((await runCli(['run', '--src', '/nonexistent/qemu-system-x86_64', '--dest', QEMU, '--machine', 'q35', '--out', fresh])).code).toBe(3);
    expect(existsSync(fresh)).toBe(false);
  });
});

describe.skipIf(!hasQemu)(`run: with the installed ${QEMU}`, () => {
  /** The build's newest q35 type (what its `q35` alias names). */
  const q35 = /^q35\s.*\(alias of (\S+)\)/m.exec(hasQemu ? execFileSync(QEMU, ['-machine', 'help'], { encoding: 'utf8' }) : '')?.[1] ?? 'q35';

  it('same build, three devices: every configuration saves and loads, and every file is there', async () => {
    const out = tempDir();
    const r = await runCli(['run', '--src', QEMU, '--dest', QEMU, '--machine', q35, '--device', 'virtio-net-pci', '--device', 'virtio-blk-pci', '--device', 'virtio-rng-pci', '--out', out, '--timeout', '20']);
    expect(r.err).toBe(['all', 'virtio-net-pci', 'virtio-blk-pci', 'virtio-rng-pci'].map((c) => `[done] ${c}: ${labelOf(r.out)} → ${labelOf(r.out)} on ${q35}: loaded\n`).join(''));
    expect(r.code).toBe(0);
    const results = readRunResults(readFileSync(join(out, 'results.csv'), 'utf8'));
    if (!results.ok) throw new Error(results.message);
    expect(results.rows.map((x) => [x.config, x.outcome, x.exitCode])).toEqual([
      ['all', 'SUCCEEDED', '0'],
      ['virtio-net-pci', 'SUCCEEDED', '0'],
      ['virtio-blk-pci', 'SUCCEEDED', '0'],
      ['virtio-rng-pci', 'SUCCEEDED', '0'],
    ]);
    for (const row of results.rows) {
      for (const f of [row.streamFile, row.logFile, row.srcCmdlineFile, row.dstCmdlineFile, row.saveTraceFile]) expect(existsSync(join(out, f)), f).toBe(true);
      expect(readFileSync(join(out, row.streamFile)).subarray(0, 4).toString('latin1')).toBe('QEVM');
      // The destination's log holds its load trace; its .cmd the command line and QMP's answers.
      expect(readFileSync(join(out, row.logFile), 'utf8')).toMatch(/qemu_loadvm_state_section_startfull/);
      expect(readFileSync(join(out, row.dstCmdlineFile), 'utf8')).toMatch(/-incoming 'exec:cat [^']+\.mig'[^]*\["query-migrate",null,\{"return":\{"status":"completed"/);
      expect(readFileSync(join(out, row.saveTraceFile), 'utf8')).toMatch(/savevm_section_start/);
    }
    // The NIC got a user-mode netdev and the disk a raw file, because the build's properties say they take one.
    expect(readFileSync(join(out, results.rows[2]?.srcCmdlineFile ?? ''), 'utf8')).toMatch(/-drive if=none,id=drive1,file=\S+disk\.raw,format=raw -device virtio-blk-pci,drive=drive1/);
    expect(r.out).toMatch(/^all \(3 devices\) +\S+ → \S+ +loaded +loads$/m);
    expect(r.out).toMatch(/4 loads: 4 loaded, 0 failed\. migscope's predictions: 4 right, 0 wrong/);
    expect(processesIn(out)).toEqual([]);
    expect(readdirSync(out).filter((f) => f.startsWith('.') || f === 'disk.raw')).toEqual([]);
  });

  it('a device the build does not have: not run, with QEMU\'s words, exit status 3', async () => {
    const out = tempDir();
    const r = await runCli(['run', '--src', QEMU, '--dest', QEMU, '--machine', q35, '--device', 'virtio-rng-pci', '--device', 'no-such-device', '--out', out, '--json']);
    expect(r.code).toBe(3);
    const json = JSON.parse(r.out) as { runs: { config: string; outcome: string; firstError: string; predicted?: { verdict: string } }[] };
    expect(json.runs.map((x) => [x.config, x.outcome])).toEqual([
      ['all', 'NOT-RUN'],
      ['virtio-rng-pci', 'SUCCEEDED'],
      ['no-such-device', 'NOT-RUN'],
    ]);
    expect(json.runs[0]?.firstError).toMatch(/qemu-system-x86_64: -device no-such-device: '?no-such-device'? is not a valid device model name/);
    expect(json.runs[1]?.predicted?.verdict).toBe('loads');
    expect(processesIn(out)).toEqual([]);
  });

  it('a load QEMU refuses: FAILED with its exit code and first error line', async () => {
    const out = tempDir();
    const vm = (deviceArgs: string[]): VmSpec => ({ build: { version: 'host', prefix: [] }, binary: QEMU, machine: q35, deviceArgs: ['-nodefaults', ...deviceArgs], commonArgs: ['-accel', 'tcg', '-display', 'none', '-m', '64M', '-msg', 'timestamp=on', '-S'] });
    const save = await saveVm({ vm: vm(['-device', 'virtio-rng-pci']), outDir: out, scratchDir: out, name: 'rng', traceArgs: [], settleMs: 0, qtree: false, timeoutMs: 20_000 });
    expect(save).toMatchObject({ ok: true, status: 'completed' });
    // The destination lacks the device the stream carries.
    const load = await loadVm({ vm: vm([]), stream: save.streamFile, outDir: out, scratchDir: out, name: 'rng-into-nothing', traceArgs: [], timeoutMs: 20_000 });
    expect(load).toMatchObject({ outcome: 'FAILED', exitCode: 1 });
    expect(load.firstErrorLine).toMatch(/qemu-system-x86_64: Unknown savevm section or instance '0000:00:0\d\.0\/virtio-rng' 0/);
    expect(readFileSync(load.cmdFile, 'utf8')).toMatch(/# load result: FAILED; query-migrate \S+; qemu exit code 1/);
    expect(processesIn(out)).toEqual([]);
  });
});

/** The build's label, from the summary's first line (`migscope run: 7.2: QEMU emulator ...`). */
function labelOf(summary: string): string {
  return /^migscope run: (\S+): /.exec(summary)?.[1] ?? '?';
}

// The "nothing left behind" checks above are only as good as this: it must see a live process.
it('processesIn sees a process that names the folder', async () => {
  const d = tempDir();
  const child = spawn('sh', ['-c', 'sleep 30', d], { stdio: 'ignore' });
  try {
    await new Promise((r) => setTimeout(r, 100));
    expect(processesIn(d)).toHaveLength(1);
  } finally {
    if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
  }
});
