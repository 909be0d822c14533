/**
 * Facts about each build as a destination, as data files (issue 12, parts 2 and 8):
 * `--version`, Debian packages, `-machine help`, `-device help`, `-trace help`, `-device NAME,help`
 * for every device the real-runs configs use, `-machine M,help`, QMP `query-machines` (plain and
 * with `{"compat-props": true}`, or the error where the build lacks it), and `-dump-vmstate`
 * manifests for each machine type used.
 *
 *   npx tsx scripts/real-runs/facts.ts [--out DIR]      (default /work/qc/runs/facts)
 *
 * Writes DIR/<arch>-<version>/...; the curate step picks what the fixtures lack.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { QmpClient } from '../../src/cli/run/qmp.ts';
import { runToEnd, shellJoin, startQemu, type QemuBuild } from '../../src/cli/run/qemu-process.ts';
import { PLANS, SCRATCH, buildOf, type ArchPlan } from './matrix.ts';

/** `-device NAME,help` for these: every device of the configs, the other transport's variant, CPUs. */
const DEVICES: Record<string, readonly string[]> = {
  x86_64: [
    // virtio config, and the -device halves the PCI proxies wrap
    'virtio-net-pci', 'virtio-blk-pci', 'virtio-balloon-pci', 'virtio-serial-pci', 'virtio-gpu-pci', 'virtio-rng-pci',
    'virtio-net-device', 'virtio-blk-device', 'virtio-balloon-device', 'virtio-serial-device', 'virtio-gpu-device', 'virtio-rng-device',
    // extra config
    'usb-ehci', 'e1000e', 'qemu-xhci', 'usb-tablet', 'virtio-scsi-pci', 'virtio-scsi-device', 'ich9-ahci', 'i6300esb', 'intel-hda', 'hda-duplex',
    // what the default config creates
    'VGA', 'e1000', 'ide-cd', 'isa-fdc', 'floppy', 'isa-serial', 'isa-parallel',
    // the default CPU model
    'qemu64-x86_64-cpu',
  ],
  aarch64: ['virtio-net-device', 'virtio-rng-device', 'virtio-net-pci', 'virtio-rng-pci', 'cortex-a57-arm-cpu'],
};

const PACKAGE_PATTERN = /^ii\s+(qemu|seabios|ipxe|libslirp|ovmf|qemu-efi|ipxe-qemu)/;

async function collect(plan: ArchPlan, build: QemuBuild, outRoot: string, tmp: string): Promise<void> {
  const dir = join(outRoot, `${plan.arch}-${build.version}`);
  mkdirSync(dir, { recursive: true });
  const scratch = join(tmp, 'facts-output.txt');
  const run = (binary: string, args: string[]) => runToEnd(build, binary, args, scratch, 60_000);
  const text = async (file: string, binary: string, args: string[]): Promise<string> => {
    const r = await run(binary, args);
    writeFileSync(join(dir, file), r.output);
    return r.output;
  };
  const q = plan.binary;

  await text('version.txt', q, ['--version']);
  await text('debian_version.txt', 'cat', ['/etc/debian_version']);
  const dpkg = await run('dpkg', ['-l']);
  writeFileSync(join(dir, 'packages.txt'), `${dpkg.output.split('\n').filter((l) => PACKAGE_PATTERN.test(l)).join('\n')}\n`);
  const machinesTxt = await text('machines.txt', q, ['-machine', 'help']);
  await text('devices.txt', q, ['-device', 'help']);
  await text('trace-events.txt', q, ['-trace', 'help']);
  const has = new Set(machinesTxt.split('\n').map((l) => l.split(/\s+/)[0] ?? ''));
  const machines = plan.machines.filter((m) => has.has(m));

  // -device NAME,help
  const devices: Record<string, { command_line: string[]; exit_code: number | null; output: string }> = {};
  for (const d of DEVICES[plan.arch] ?? []) {
    const r = await run(q, ['-device', `${d},help`]);
    devices[d] = { command_line: r.argv, exit_code: r.exit?.code ?? null, output: r.output };
  }
  writeFileSync(join(dir, 'device-props.json'), `${JSON.stringify({ _what: '-device NAME,help of this build, one entry per device', devices }, null, 1)}\n`);

  // -machine M,help and -dump-vmstate per machine type used
  const dumpLines: string[] = [];
  for (const m of machines) {
    await text(`machine-${m}-help.txt`, q, ['-machine', `${m},help`]);
    const file = join(dir, `vmstate-${m}.json`);
    rmSync(file, { force: true });
    const r = await run(q, ['-machine', m, '-display', 'none', '-dump-vmstate', file]);
    dumpLines.push(` ${shellJoin(r.argv)}`, `# exit=${r.exit?.code ?? r.exit?.signal ?? 'none'} output: ${r.output.trim().replace(/\n/g, ' | ')}`);
  }
  writeFileSync(join(dir, 'dump-vmstate.cmd'), `${dumpLines.join('\n')}\n`);

  // QMP query-machines, plain and with compat-props
  const sock = join(tmp, `facts-${process.pid}.sock`);
  rmSync(sock, { force: true });
  const args = ['-machine', 'none', '-S', '-display', 'none', '-nodefaults', '-qmp', `unix:${sock},server=on,wait=off`];
  const p = startQemu(build, q, args, join(tmp, 'facts-qmp-stderr.txt'));
  try {
    const qmp = await QmpClient.connect(sock, 15_000, () => !p.hasExited);
    await qmp.execute('qmp_capabilities');
    const plain = await qmp.execute('query-machines');
    const compat = await qmp.execute('query-machines', { 'compat-props': true });
    writeFileSync(join(dir, 'qmp-query-machines.json'), `${JSON.stringify({ _command_line: p.argv, 'query-machines': plain }, null, 1)}\n`);
    // A build without the argument answers with an error: kept under another name, since it
    // is not a query-machines reply.
    const compatName = compat.error ? 'qmp-compat-props-error.json' : 'qmp-query-machines-compat-props.json';
    writeFileSync(
      join(dir, compatName),
      `${JSON.stringify({ _command_line: p.argv, _arguments: { 'compat-props': true }, 'query-machines': compat }, null, 1)}\n`,
    );
    try {
      await qmp.execute('quit', null, { timeoutMs: 3000 });
    } catch {
      /* closes before answering */
    }
    qmp.close();
  } finally {
    if ((await p.waitExit(5000)) === null) await p.kill();
    rmSync(sock, { force: true });
  }
  console.log(`${plan.arch} ${build.version}: ${readFileSync(join(dir, 'version.txt'), 'utf8').split('\n')[0]}; machines used: ${machines.join(' ')}`);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const i = argv.indexOf('--out');
  const out = i >= 0 ? (argv[i + 1] ?? '') : `${SCRATCH}/facts`;
  const tmp = join(SCRATCH, 'tmp');
  mkdirSync(tmp, { recursive: true });
  for (const plan of PLANS) {
    for (const v of plan.builds) await collect(plan, buildOf(v), out, tmp);
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
