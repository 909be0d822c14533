import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from '../../format/test-support/fixtures.ts';
import { readDestInput } from './dest-log-input.ts';
import { parseDestLog } from './dest-log.ts';

/** Real output of libvirt 9.0.0 and QEMU 7.2 / 10.0 / 11.1 (fixtures/libvirt/README in fixtures/README.md). */
const lv = (...parts: string[]) => readFileSync(join(FIXTURES, 'libvirt', ...parts), 'utf8');

describe('libvirt domain logs (real, libvirt 9.0.0)', () => {
  it('the 11.1 destination of a restore: header, command line, QEMU lines, libvirt lines', () => {
    const input = readDestInput(lv('virtio-10.0-to-11.1', 'domain.log'));
    expect(input.origin).toMatchObject({ format: 'libvirt-log', runs: 1, refusedByLibvirt: false });
    expect(input.origin.run).toMatchObject({
      line: 1,
      time: '2026-12-06 12:22:15.035+0000',
      libvirtVersion: '9.0.0',
      qemuVersion: '11.1.3',
      qemuPackage: 'Debian 1:11.1.3+ds-1',
      commandLines: { first: 2, last: 39 },
      incoming: true,
      shutdownReason: 'failed',
      tainted: ['high-privileges'],
    });
    expect(input.origin.run?.commandLine?.split('\n')[0]).toBe('LC_ALL=C \\');
    // Only QEMU's own lines are left: neither the command nor libvirt's stamped lines.
    expect(input.qemuLines.map((l) => l.line)).toEqual([41, 42, 43, 44]);
    const log = parseDestLog(lv('virtio-10.0-to-11.1', 'domain.log'));
    expect(log.errors).toEqual([
      'VQ 2 vring.num 1024 exceeds allocated max 64',
      "load of migration failed: Invalid argument: error while loading state for instance 0x0 of device '0000:00:01.0:00.0/virtio-net': Failed to load element of type virtio for virtio",
    ]);
    expect(log.failure).toMatchObject({ family: 'virtio-check', idstr: '0000:00:01.0:00.0/virtio-net', strerror: 'Invalid argument' });
    expect(log.style).toBe('chained');
    expect(log.warnings).toHaveLength(1);
  });

  it('a log of five starts: the last one started for an incoming migration is read', () => {
    const log = parseDestLog(lv('unknown-section-7.2', 'domain.log'));
    expect(log.origin.runs).toBe(5);
    expect(log.origin.run).toMatchObject({ line: 160, incoming: true, qemuVersion: '7.2.22', shutdownReason: 'failed' });
    expect(log.failure).toMatchObject({ family: 'unknown-section', idstr: '0000:00:03.0/virtio-rng', instance: 0 });
    // The bad-bus start before it (`Bus 'pci.2' not found`) is another run, not this failure.
    expect(log.errors.join('\n')).not.toContain("Bus 'pci.2'");
  });

  it('a machine type mismatch, and a load that succeeded', () => {
    expect(parseDestLog(lv('machine-edited-7.2', 'domain.log')).failure).toMatchObject({ family: 'machine-type-mismatch', receivedMachine: 'pc-q35-7.2', localMachine: 'pc-q35-7.1' });
    const ok = parseDestLog(lv('loads-10.0-to-7.2', 'domain.log'));
    expect(ok.failure).toBeUndefined();
    expect(ok.loaded).toBe(true);
    // Copied after `virsh destroy`.
    expect(ok.origin.run).toMatchObject({ qemuVersion: '7.2.22', incoming: true, shutdownReason: 'destroyed' });
  });

  it('QEMU killed by libvirt is not a QEMU error', () => {
    const log = parseDestLog(lv('virtio-10.0-to-11.1', 'fd', 'domain.log'));
    expect(log.failure).toBeUndefined();
    expect(log.terminated).toBe('terminating on signal 15 from pid 3762 (libvirtd)');
    expect(log.origin.run?.shutdownReason).toBe('failed');
  });

  it('an older libvirt: the whole command on one line, after the header', () => {
    // libvirt < 6.x wrote `virCommandToString(cmd, false)`: no continuations.
    const text = [
      '2019-03-01 10:00:00.123+0000: starting up libvirt version: 4.5.0, package: 10.el7 (CentOS BuildSystem <http://bugs.centos.org>, 2019-01-29-17:31:22, x86-01.bsys.centos.org), qemu version: 2.12.0qemu-kvm-ev-2.12.0-18.el7_6.3.1, kernel: 3.10.0-957.el7.x86_64, hostname: h1',
      'LC_ALL=C PATH=/usr/local/sbin:/usr/bin QEMU_AUDIO_DRV=none /usr/libexec/qemu-kvm -name guest=vm1,debug-threads=on -S -machine pc-i440fx-rhel7.6.0,accel=kvm,usb=off -m 1024 -incoming defer -device virtio-balloon-pci,id=balloon0,bus=pci.0,addr=0x5',
      '2019-03-01T10:00:01.000000Z qemu-kvm: Unknown savevm section or instance \'kvm-tpr-opt\' 0',
      '2019-03-01T10:00:01.000100Z qemu-kvm: load of migration failed: Invalid argument',
      '2019-03-01 10:00:01.200+0000: shutting down, reason=failed',
    ].join('\n');
    const log = parseDestLog(text);
    expect(log.origin.run).toMatchObject({ libvirtVersion: '4.5.0', qemuVersion: '2.12.0', qemuPackage: 'qemu-kvm-ev-2.12.0-18.el7_6.3.1', commandLines: { first: 2, last: 2 }, incoming: true });
    expect(log.failure).toMatchObject({ family: 'unknown-section', idstr: 'kvm-tpr-opt' });
  });
});

describe('virsh error output', () => {
  it('restore, libvirt 9.0: "qemu unexpectedly closed the monitor" quoting the log (real)', () => {
    const input = readDestInput(lv('unknown-section-7.2', 'virsh-restore.txt'));
    expect(input.origin.format).toBe('virsh');
    expect(input.origin.libvirtErrors[0]).toBe('Failed to restore domain from rng.save');
    const log = parseDestLog(lv('unknown-section-7.2', 'virsh-restore.txt'));
    expect(log.failure).toMatchObject({ family: 'unknown-section', idstr: '0000:00:03.0/virtio-rng', strerror: 'Invalid argument' });
    expect(parseDestLog(lv('virtio-10.0-to-11.1', 'virsh-restore.txt')).failure).toMatchObject({ family: 'virtio-check', idstr: '0000:00:01.0:00.0/virtio-net' });
    expect(parseDestLog(lv('machine-edited-7.2', 'virsh-restore.txt')).failure).toMatchObject({ family: 'machine-type-mismatch', localMachine: 'pc-q35-7.1' });
  });

  it("libvirt's own refusals, before any QEMU ran (real)", () => {
    const a = parseDestLog(lv('refused', 'emulator-machine.virsh.txt'));
    expect(a.origin.refusedByLibvirt).toBe(true);
    expect(a.failure).toMatchObject({ family: 'unsupported-machine-type', localMachine: 'pc-q35-10.0', message: "Emulator '/usr/bin/qemu-system-x86_64' does not support machine type 'pc-q35-10.0'" });
    expect(parseDestLog(lv('refused', 'abi-machine.virsh.txt')).failure).toMatchObject({ family: 'machine-type-mismatch', localMachine: 'pc-q35-7.1', receivedMachine: 'pc-q35-7.2' });
  });

  it('a QMP command QEMU refused stands for the failure when nothing else does (real)', () => {
    const log = parseDestLog(lv('virtio-10.0-to-11.1', 'fd', 'virsh-restore.txt'));
    expect(log.failure).toMatchObject({ family: 'unknown', message: "unable to execute QEMU command 'migrate-incoming': fd: migration to a file is not supported. Use file: instead." });
    expect(log.origin.refusedByLibvirt).toBe(false);
  });

  // The wordings of libvirt 11.3 (src/qemu/qemu_monitor.c, qemu_migration.c), which this host's
  // libvirt 9.0 does not print: built from the format strings with the real QEMU lines above.
  it('libvirt 11.x: "QEMU unexpectedly closed the monitor (vm=...)" and "job ... failed: <error-desc>"', () => {
    const closed = parseDestLog(
      "error: Failed to restore domain from /var/lib/libvirt/qemu/save/mslv-small.save\nerror: internal error: QEMU unexpectedly closed the monitor (vm='mslv-small'): 2026-12-06T12:20:27.882176Z qemu-system-x86_64: Unknown savevm section or instance '0000:00:03.0/virtio-rng' 0. Make sure that your current VM setup matches your saved VM setup, including any hotplugged devices\n2026-12-06T12:20:27.882247Z qemu-system-x86_64: load of migration failed: Invalid argument\n",
    );
    expect(closed.failure).toMatchObject({ family: 'unknown-section', idstr: '0000:00:03.0/virtio-rng' });
    const job = parseDestLog(
      "Migration: [ 97 %]error: operation failed: job 'migration in' failed: load of migration failed: Invalid argument: error while loading state for instance 0x0 of device '0000:00:01.0:00.0/virtio-net': Failed to load element of type virtio for virtio\n",
    );
    expect(job.origin.format).toBe('virsh');
    expect(job.failure).toMatchObject({ idstr: '0000:00:01.0:00.0/virtio-net', strerror: 'Invalid argument' });
    const exited = parseDestLog("error: internal error: process exited while connecting to monitor: 2026-12-06T12:20:40.910318Z qemu-system-x86_64: Machine type received is 'pc-q35-7.2' and local is 'pc-q35-7.1'\n");
    expect(exited.failure).toMatchObject({ family: 'machine-type-mismatch' });
  });

  it('virsh domjobinfo --completed: "Error message:"', () => {
    const log = parseDestLog('Job type:         Failed\nOperation:        Incoming migration\nError message:    load of migration failed: Invalid argument: Machine type received is \'pc-q35-7.2\' and local is \'pc-q35-7.1\'\n');
    expect(log.failure).toMatchObject({ family: 'machine-type-mismatch', receivedMachine: 'pc-q35-7.2' });
  });
});

describe('QMP query-migrate replies', () => {
  it('a real transcript of QEMU 11.1 (migrate-incoming with exit-on-error false)', () => {
    const text = lv('virtio-10.0-to-11.1', 'query-migrate.qmp.txt');
    const input = readDestInput(text);
    expect(input.origin).toMatchObject({ format: 'qmp', migrationStatus: 'failed' });
    // query-status's `inmigrate` is not a migration status.
    expect(input.bareErrors).toHaveLength(1);
    // The `VQ 2 vring.num ...` line went to stderr (query-migrate.stderr.txt), not into error-desc.
    expect(parseDestLog(text).failure).toMatchObject({ family: 'field-load-failed', idstr: '0000:00:01.0:00.0/virtio-net', strerror: 'Invalid argument' });
  });

  it('pretty-printed, with a virsh qemu-monitor-command id, or after a libvirt debug prefix', () => {
    const desc = "load of migration failed: Invalid argument: Unknown savevm section or instance '0000:00:03.0/virtio-rng' 0";
    const pretty = JSON.stringify({ return: { status: 'failed', 'error-desc': desc }, id: 'libvirt-23' }, undefined, 2);
    expect(parseDestLog(pretty).failure).toMatchObject({ family: 'unknown-section', idstr: '0000:00:03.0/virtio-rng' });
    const debug = `2026-12-06 12:20:27.900+0000: 3762: info : qemuMonitorJSONIOProcessLine:209 : QEMU_MONITOR_RECV_REPLY: mon=0x7f0 reply=${JSON.stringify({ return: { status: 'failed', 'error-desc': desc }, id: 'libvirt-23' })}`;
    expect(readDestInput(debug).origin.format).toBe('libvirt-log');
    expect(parseDestLog(debug).failure).toMatchObject({ family: 'unknown-section' });
    const event = readDestInput('{"timestamp": {"seconds": 1, "microseconds": 2}, "event": "MIGRATION", "data": {"status": "failed"}}\n');
    expect(event.origin).toMatchObject({ format: 'qmp', migrationStatus: 'failed' });
  });
});

describe('hostile input stays linear (issue 18)', () => {
  const time = (f: () => void): number => {
    const t = performance.now();
    f();
    return performance.now() - t;
  };

  it('long lines of every kind the reader looks at', () => {
    const a = 'A'.repeat(100_000);
    const shapes = [
      Array.from({ length: 5 }, () => `qemu-system-x86_64: ${a}`).join('\n'),
      Array.from({ length: 5 }, () => `qemu-system-x86_64: ${'x'.repeat(100_000)}: incoming version_id 9 is too new for local version_id 1`).join('\n'),
      `error: internal error: qemu unexpectedly closed the monitor: ${a}`,
      `error: operation failed: job '${a}`,
      `2026-12-06 12:22:15.035+0000: starting up ${a}\n${'-device x \\\n'.repeat(20_000)}-S`,
      `{"status": ${'['.repeat(50_000)}`,
      `Migration: [${'['.repeat(100_000)}`,
      `qemu-system-x86_64: ${'post load hook failed for: '.repeat(4000)}`,
    ];
    for (const s of shapes) expect(time(() => parseDestLog(s))).toBeLessThan(1500);
  });
});
