/**
 * A real guest's migration stream for the bench (issue 14): QEMU 7.2 (TCG) boots Debian's
 * kernel with a busybox initramfs whose init fills most of RAM with varied data (random,
 * zero-filled and repeated-text pages in tmpfs files), then idles; the host stops the VM and
 * saves it with `migrate exec:cat > FILE`. Built once, cached in bench-data/ (gitignored).
 * A bench-written stream flatters the decoder (7/8 full pages, no real device state); this one
 * has a kernel's own memory, untouched zero pages and QEMU's real devices and vmdesc.
 * Returns the file, or a sentence saying why it could not be built (the bench prints it).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { QmpClient, sleep } from '../src/cli/run/qmp.ts';

const MiB = 1 << 20;

/** Run as /init: mounts, fills RAM in 16 MiB files (2 random : 1 zero : 1 text), then idles. */
const INIT = `#!/bin/busybox sh
bb=/bin/busybox
$bb mount -t devtmpfs dev /dev
$bb mount -t proc proc /proc
$bb mkdir -p /fill
$bb mount -t tmpfs -o size=100% fill /fill
avail=$($bb awk '/MemAvailable/ {print int($2 / 1024)}' /proc/meminfo)
# Leave room for the kernel's own needs: tmpfs pages cannot be swapped, an OOM here panics.
chunks=$(( (avail * 82 / 100) / 16 ))
echo "migscope-guest: MemAvailable \${avail} MiB, filling \${chunks} x 16 MiB"
$bb head -c 16777216 /dev/urandom > /fill/seed
i=0
while [ $i -lt $chunks ]; do
  case $(( i % 4 )) in
    0) $bb head -c 16777216 /dev/urandom > /fill/c$i ;;
    # A copy of the seed with a counter stamped every 4 KiB would cost a shell loop; the
    # seed rotated by i pages is as varied for QEMU (no deduplication) and much faster.
    1) { $bb tail -c +$(( (i * 4096) % 16777216 + 1 )) /fill/seed; $bb head -c $(( (i * 4096) % 16777216 )) /fill/seed; } > /fill/c$i ;;
    2) $bb head -c 16777216 /dev/zero > /fill/c$i ;;
    3) $bb yes "migscope page $i of a real guest" | $bb head -c 16777216 > /fill/c$i ;;
  esac
  i=$(( i + 1 ))
done
echo MIGSCOPE-FILLED
while true; do $bb sleep 3600; done
`;

/** The newc cpio format the kernel unpacks as its initramfs (Documentation/driver-api/early-userspace/buffer-format.rst). */
function cpio(entries: readonly { name: string; mode: number; data?: Uint8Array; rdev?: [number, number] }[]): Uint8Array {
  const parts: Uint8Array[] = [];
  let size = 0;
  const push = (b: Uint8Array): void => {
    parts.push(b);
    size += b.length;
    const pad = (4 - (size % 4)) % 4;
    if (pad > 0) {
      parts.push(new Uint8Array(pad));
      size += pad;
    }
  };
  const hex = (n: number): string => n.toString(16).padStart(8, '0');
  let ino = 1;
  for (const e of [...entries, { name: 'TRAILER!!!', mode: 0 }]) {
    const data = 'data' in e && e.data !== undefined ? e.data : new Uint8Array(0);
    const [maj, min] = 'rdev' in e && e.rdev !== undefined ? e.rdev : [0, 0];
    const name = new TextEncoder().encode(`${e.name}\0`);
    const fields = [ino++, e.mode, 0, 0, 1, 0, data.length, 0, 0, maj, min, name.length, 0];
    push(new Uint8Array([...new TextEncoder().encode(`070701${fields.map(hex).join('')}`), ...name]));
    if (data.length > 0) push(data);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function hasCommand(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Debian's kernel and busybox-static, downloaded (not installed) and unpacked under `dir`. */
function guestFiles(dir: string): { kernel: string; initrd: string } | string {
  const root = join(dir, 'root');
  const initrd = join(dir, 'initrd.cpio');
  const kernelOf = (): string | undefined => {
    const boot = join(root, 'boot');
    const name = existsSync(boot) ? readdirSync(boot).find((f) => f.startsWith('vmlinuz-')) : undefined;
    return name === undefined ? undefined : join(boot, name);
  };
  let kernel = kernelOf();
  if (kernel === undefined || !existsSync(join(root, 'bin', 'busybox'))) {
    if (!hasCommand('apt-get') || !hasCommand('dpkg')) return 'no apt-get/dpkg to download Debian\'s kernel and busybox-static';
    mkdirSync(join(dir, 'debs'), { recursive: true });
    const deps = execFileSync('apt-cache', ['depends', 'linux-image-amd64'], { encoding: 'utf8' });
    const image = /Depends: (linux-image-[^\s]+)/.exec(deps)?.[1];
    if (image === undefined) return `apt-cache depends linux-image-amd64 names no kernel package:\n${deps}`;
    const download = (): void => void execFileSync('apt-get', ['download', image, 'busybox-static'], { cwd: join(dir, 'debs'), stdio: ['ignore', 'ignore', 'pipe'] });
    try {
      download();
    } catch {
      try {
        if (process.getuid?.() !== 0) return 'apt-get download failed and apt-get update needs root';
        execFileSync('apt-get', ['update', '-qq'], { stdio: 'ignore' });
        download();
      } catch (e) {
        return `apt-get download ${image} busybox-static failed: ${e instanceof Error ? e.message : String(e)}`;
      }
    }
    for (const deb of readdirSync(join(dir, 'debs')).filter((f) => f.endsWith('.deb'))) execFileSync('dpkg', ['-x', join(dir, 'debs', deb), root]);
    kernel = kernelOf();
    if (kernel === undefined) return `no /boot/vmlinuz-* in ${image}`;
  }
  const busybox = new Uint8Array(execFileSync('cat', [join(root, 'bin', 'busybox')], { maxBuffer: 64 * MiB }));
  writeFileSync(
    initrd,
    cpio([
      { name: 'bin', mode: 0o040755 },
      { name: 'dev', mode: 0o040755 },
      // The kernel opens /dev/console for init before anything mounts devtmpfs.
      { name: 'dev/console', mode: 0o020600, rdev: [5, 1] },
      { name: 'proc', mode: 0o040755 },
      { name: 'bin/busybox', mode: 0o100755, data: busybox },
      { name: 'init', mode: 0o100755, data: new TextEncoder().encode(INIT) },
    ]),
  );
  return { kernel, initrd };
}

/** Boots the guest with `gib` GiB, waits for the fill, saves the stream to `file`. */
export async function buildGuestStream(file: string, gib: number, log: (line: string) => void = console.log): Promise<string | undefined> {
  if (existsSync(file)) return undefined;
  const qemu = process.env['BENCH_QEMU'] ?? 'qemu-system-x86_64';
  if (!hasCommand(qemu)) return `no ${qemu} (apt-get install qemu-system-x86)`;
  const dir = join(file, '..', 'guest');
  mkdirSync(dir, { recursive: true });
  const files = guestFiles(dir);
  if (typeof files === 'string') return files;
  const qmpPath = join(dir, `qmp-${process.pid}.sock`);
  const tmp = `${file}.part`;
  rmSync(tmp, { force: true });
  const t0 = performance.now();
  const vm = spawn(
    qemu,
    [
      '-machine', 'pc-q35-7.2', '-accel', 'tcg', '-m', `${gib}G`, '-smp', '1',
      '-kernel', files.kernel, '-initrd', files.initrd, '-append', 'console=ttyS0 panic=-1',
      '-display', 'none', '-monitor', 'none', '-serial', 'stdio', '-nic', 'none', '-no-reboot',
      '-qmp', `unix:${qmpPath},server=on,wait=off`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let console_ = '';
  let exited: string | undefined;
  vm.stdout.setEncoding('utf8').on('data', (s: string) => (console_ = (console_ + s).slice(-20_000)));
  vm.stderr.setEncoding('utf8').on('data', (s: string) => (console_ = (console_ + s).slice(-20_000)));
  vm.on('exit', (code, signal) => (exited = `QEMU exited (${code ?? signal}) before the stream was saved; console tail:\n${console_.slice(-3000)}`));
  // TCG fills roughly 100-200 MiB/s of guest RAM here; allow generous time per GiB.
  const fillDeadline = Date.now() + (120 + gib * 240) * 1000;
  try {
    while (!console_.includes('MIGSCOPE-FILLED')) {
      if (exited !== undefined) return exited;
      if (Date.now() > fillDeadline) return `the guest did not finish filling its RAM in time; console tail:\n${console_.slice(-3000)}`;
      await sleep(250);
    }
    log(`  guest ${gib} GiB booted and filled in ${((performance.now() - t0) / 1000).toFixed(0)} s (${/MemAvailable.*$/m.exec(console_)?.[0] ?? ''})`);
    const qmp = await QmpClient.connect(qmpPath, 10_000, () => exited === undefined);
    await qmp.execute('qmp_capabilities');
    await qmp.execute('stop');
    const m = await qmp.execute('migrate', { uri: `exec:cat > '${tmp.replaceAll("'", "'\\''")}'` });
    if (m.error !== undefined) return `migrate failed: ${m.error.desc}`;
    const migrateDeadline = Date.now() + (60 + gib * 120) * 1000;
    for (;;) {
      const r = (await qmp.execute('query-migrate', null, { record: false })).return as { status?: string; 'error-desc'?: string } | undefined;
      if (r?.status === 'completed') break;
      if (r?.status === 'failed' || r?.status === 'cancelled') return `migration ${r.status}: ${r['error-desc'] ?? ''}`;
      if (Date.now() > migrateDeadline) return `migration still ${r?.status ?? '?'} after the timeout`;
      await sleep(200);
    }
    await qmp.execute('quit').catch(() => undefined);
    qmp.close();
    renameSync(tmp, file);
    log(`  saved ${file} (${(statSync(file).size / MiB).toFixed(0)} MiB) in ${((performance.now() - t0) / 1000).toFixed(0)} s in all`);
    return undefined;
  } finally {
    if (exited === undefined) vm.kill('SIGKILL');
    rmSync(qmpPath, { force: true });
    rmSync(tmp, { force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, gib] = [process.argv[2], Number(process.argv[3] ?? '1')];
  if (file === undefined) throw new Error('usage: bench-guest.ts FILE GIB');
  const why = await buildGuestStream(file, gib);
  if (why !== undefined) {
    console.error(`not built: ${why}`);
    process.exitCode = 1;
  }
}
