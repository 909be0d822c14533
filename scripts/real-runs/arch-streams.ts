/**
 * Streams of the other targets Debian's QEMU 7.2 ships (issue 13): ppc64 `pseries-7.2`, s390x
 * `s390-ccw-virtio-7.2`, riscv64 `virt` and 32-bit arm `virt-7.2`, each `minimal` and with virtio
 * devices, saved the way the real runs are (src/cli/run/vm-run.ts: TCG, `-msg
 * timestamp=on`, `-S`, QMP `migrate "exec:cat > FILE"` after 3 s), plus the build's `-dump-vmstate`
 * manifest and what QEMU's analyze-migration.py prints for each stream (or its error).
 *
 *   apt-get install -y --no-install-recommends qemu-system-ppc qemu-system-misc   # once
 *   npx tsx scripts/real-runs/arch-streams.ts [--out /work/qc/arch] [--dest fixtures/streams-extra/arch/7.2]
 *
 * Stream bytes are never changed: each .mig.gz (gzip -9 -n) inflates to exactly what QEMU wrote.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { runToEnd, type QemuBuild } from '../../src/cli/run/qemu-process.ts';
import { saveVm } from '../../src/cli/run/vm-run.ts';

const HOST_72: QemuBuild = { version: '7.2', prefix: [] };
/**
 * `-S`: the VM never runs, as the issue's "stopped VM saved". Run, s390x's firmware finds no boot
 * device at once ("Could not find a suitable boot device") and QEMU exits (status 0) within
 * 0.1 s, before the migration starts; and the pages a running firmware dirties make the fixtures
 * larger (pseries: 0.9 MB gzipped instead of 0.4 MB).
 */
const COMMON = ['-S', '-accel', 'tcg', '-display', 'none', '-msg', 'timestamp=on'];
const ORACLE = '/work/shared/oracle/analyze-migration.py';

interface ArchRun {
  /** folder and file-name prefix: ppc64, s390x, riscv64, arm */
  readonly arch: string;
  readonly binary: string;
  readonly machine: string;
  /** before each config's own arguments */
  readonly vmArgs: readonly string[];
  readonly configs: Readonly<Record<string, readonly string[]>>;
}

const net = (dev: string): string[] => ['-netdev', 'user,id=n0', '-device', `${dev},netdev=n0`];

export const ARCH_RUNS: readonly ArchRun[] = [
  {
    // pseries wants RAM in whole 256 MiB units: -m 128M stops with "Memory size 0x8000000 is not
    // aligned to 256 MiB" (7.2).
    arch: 'ppc64',
    binary: 'qemu-system-ppc64',
    machine: 'pseries-7.2',
    vmArgs: ['-m', '256M', '-nodefaults'],
    configs: { minimal: [], virtio: [...net('virtio-net-pci'), '-device', 'virtio-rng-pci'] },
  },
  {
    arch: 's390x',
    binary: 'qemu-system-s390x',
    machine: 's390-ccw-virtio-7.2',
    vmArgs: ['-m', '128M', '-nodefaults'],
    configs: { minimal: [], virtio: [...net('virtio-net-ccw'), '-device', 'virtio-rng-ccw'] },
  },
  {
    // riscv64 `virt` has no versioned machine types in 7.2.
    arch: 'riscv64',
    binary: 'qemu-system-riscv64',
    machine: 'virt',
    vmArgs: ['-m', '128M', '-nodefaults'],
    configs: { minimal: [], virtio: [...net('virtio-net-pci'), '-device', 'virtio-rng-pci'] },
  },
  {
    arch: 'arm',
    binary: 'qemu-system-arm',
    machine: 'virt-7.2',
    vmArgs: ['-cpu', 'cortex-a15', '-m', '128M', '-nodefaults'],
    configs: { minimal: [], 'virtio-mmio': [...net('virtio-net-device'), '-device', 'virtio-rng-device'] },
  },
];

function gzipTo(src: string, dst: string): void {
  mkdirSync(dirname(dst), { recursive: true });
  // gzip -9 -n: no name or time in the header, so the same input gives the same file
  const gz = execFileSync('gzip', ['-9', '-n', '-c', src], { maxBuffer: 1 << 30 });
  writeFileSync(dst, gz);
  if (!gunzipSync(gz).equals(readFileSync(src))) throw new Error(`gzip round trip differs for ${src}`);
}

/** analyze-migration.py -d state|desc: its JSON, or its error output when it fails. */
function oracle(stream: string, dump: 'state' | 'desc', outBase: string): 'json' | 'err' {
  const r = spawnSync('python3', [ORACLE, '-f', stream, '-d', dump], { maxBuffer: 1 << 28, encoding: 'utf8', timeout: 120_000 });
  const json = `${outBase}.${dump}.json`;
  const err = `${outBase}.${dump}.err`;
  rmSync(json, { force: true });
  rmSync(err, { force: true });
  if (r.status === 0) {
    writeFileSync(json, r.stdout);
    return 'json';
  }
  // Keep only the traceback's last lines: the script prints the whole vmdesc in its message.
  const lines = (r.stderr ?? '').split('\n');
  const tb = lines.filter((l) => !l.startsWith('Exception: (\'Full JSON dump'));
  writeFileSync(err, `# python3 analyze-migration.py -f STREAM -d ${dump}: exit ${r.status}\n${tb.slice(0, 60).join('\n')}\n`);
  return 'err';
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const opt = (name: string, dflt: string): string => {
    const i = argv.indexOf(name);
    return i >= 0 ? (argv[i + 1] ?? dflt) : dflt;
  };
  const out = opt('--out', '/work/qc/arch');
  const dest = opt('--dest', 'fixtures/streams-extra/arch/7.2');
  const manifests = opt('--manifests', 'fixtures/versions-extra');
  const only = new RegExp(opt('--only', '.'));
  const tmp = join(out, 'tmp');
  mkdirSync(tmp, { recursive: true });
  for (const run of ARCH_RUNS) {
    const dir = join(out, run.arch);
    mkdirSync(dir, { recursive: true });
    // The build's manifest for this machine type (what `decode --manifest` reads).
    const manifest = join(dir, `vmstate-${run.machine}.json`);
    if (only.test(`${run.arch}/manifest`)) {
      const d = await runToEnd(HOST_72, run.binary, ['-machine', run.machine, ...run.vmArgs, '-display', 'none', '-dump-vmstate', manifest], join(tmp, `dump-${run.arch}.txt`));
      console.log(`${run.arch} -dump-vmstate: exit ${d.exit?.code ?? d.exit?.signal}`);
      if (existsSync(manifest)) gzipTo(manifest, join(manifests, `${run.arch}-7.2`, `vmstate-${run.machine}.json.gz`));
      writeFileSync(join(manifests, `${run.arch}-7.2`, 'dump-vmstate.cmd'), `${[run.binary, '-machine', run.machine, ...run.vmArgs, '-display', 'none', '-dump-vmstate', 'FILE'].join(' ')}\n`);
    }
    for (const [config, args] of Object.entries(run.configs)) {
      const name = `${run.arch}-${run.machine}-${config}`;
      if (!only.test(`${run.arch}/${name}`)) continue;
      const r = await saveVm({
        vm: { build: HOST_72, binary: run.binary, machine: run.machine, deviceArgs: [...run.vmArgs, ...args], commonArgs: COMMON },
        outDir: dir,
        scratchDir: tmp,
        name,
        traceArgs: [],
      });
      console.log(`${name}: ${r.status} ${r.streamBytes ?? '-'} bytes ${(r.wallMs / 1000).toFixed(1)}s${r.error ? ` (${r.error})` : ''}`);
      if (!r.ok) continue;
      const base = join(dir, name);
      const state = oracle(r.streamFile, 'state', base);
      const desc = oracle(r.streamFile, 'desc', base);
      console.log(`  analyze-migration.py: state ${state}, desc ${desc}`);
      gzipTo(r.streamFile, join(dest, `${name}.mig.gz`));
      // $QC stands for the scratch folder, as in the shared fixtures' .cmd files.
      writeFileSync(join(dest, `${name}.cmd`), readFileSync(r.files.cmd, 'utf8').split(out).join('$QC'));
      if (r.files.qtree !== null) writeFileSync(join(dest, `${name}.qtree.txt`), readFileSync(r.files.qtree, 'utf8'));
      for (const d of ['state', 'desc'] as const) {
        for (const ext of ['json', 'err']) {
          const f = `${base}.${d}.${ext}`;
          rmSync(join(dest, `${name}.${d}.${ext}.gz`), { force: true });
          if (existsSync(f)) gzipTo(f, join(dest, `${name}.${d}.${ext}.gz`));
        }
      }
    }
  }
}

await main();
