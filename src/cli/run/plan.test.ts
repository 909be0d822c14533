import { describe, expect, it } from 'vitest';
import type { DeviceProperty } from '../../manifest/device-properties.ts';
import { parseBuildCommand } from './builds.ts';
import { backendNeeds, configurations, deviceArgs, machineTypes, parseDeviceSpec, type DeviceSpec } from './plan.ts';

const props = (...names: string[]): Map<string, DeviceProperty> => new Map(names.map((n) => [n, { name: n, type: 'str', defaultValue: undefined }]));
const spec = (text: string): DeviceSpec => {
  const s = parseDeviceSpec(text);
  if (s === undefined) throw new Error(text);
  return s;
};

describe('builds as written', () => {
  it('finds the binary after a prefix, and a label before it', () => {
    expect(parseBuildCommand('chroot /work/roots/trixie qemu-system-x86_64')).toEqual({
      label: undefined,
      prefix: ['chroot', '/work/roots/trixie'],
      binary: 'qemu-system-x86_64',
      extraArgs: [],
      text: 'chroot /work/roots/trixie qemu-system-x86_64',
    });
    expect(parseBuildCommand("11.1=chroot '/srv/my root' /usr/bin/qemu-system-aarch64 -L /fw")).toMatchObject({ label: '11.1', prefix: ['chroot', '/srv/my root'], binary: '/usr/bin/qemu-system-aarch64', extraArgs: ['-L', '/fw'] });
    // A site's wrapper with another name: the last word.
    expect(parseBuildCommand('sudo -u qemu my-qemu')).toMatchObject({ prefix: ['sudo', '-u', 'qemu'], binary: 'my-qemu' });
    expect(parseBuildCommand('  ')).toBeUndefined();
  });
});

describe('configurations', () => {
  it('adds the backends a device has properties for, unless the spec sets them', () => {
    const net = spec('virtio-net-pci');
    const needs = backendNeeds(net, [props('netdev', 'mac'), props('netdev', 'mac', 'rx_queue_size')]);
    expect(needs).toEqual({ netdev: true, drive: false, audiodev: false });
    expect(deviceArgs(net, needs, 0, '/d/disk.raw')).toEqual(['-netdev', 'user,id=net0', '-device', 'virtio-net-pci,netdev=net0']);
    const blk = spec('virtio-blk-pci,queue-size=128');
    expect(deviceArgs(blk, backendNeeds(blk, [props('drive'), props('drive')]), 3, '/d/disk.raw')).toEqual([
      '-drive',
      'if=none,id=drive3,file=/d/disk.raw,format=raw',
      '-device',
      'virtio-blk-pci,queue-size=128,drive=drive3',
    ]);
    // Set by the spec, or missing on one build: left alone (QEMU says what it thinks of it).
    expect(backendNeeds(spec('virtio-net-pci,netdev=mine'), [props('netdev'), props('netdev')]).netdev).toBe(false);
    expect(backendNeeds(spec('hda-duplex'), [props('audiodev'), undefined]).audiodev).toBe(false);
  });

  it('takes QEMU arguments as written, named after their -device drivers', () => {
    const raw = spec("-netdev user,id=n0 -device 'virtio-net-pci,netdev=n0' -device virtio-rng-pci");
    expect(raw).toMatchObject({ name: 'virtio-net-pci+virtio-rng-pci', driver: undefined });
    expect(deviceArgs(raw, { netdev: true, drive: true, audiodev: true }, 0, '/d')).toEqual(['-netdev', 'user,id=n0', '-device', 'virtio-net-pci,netdev=n0', '-device', 'virtio-rng-pci']);
  });

  it('the whole list, then each device alone, all on -nodefaults', () => {
    const specs = [spec('virtio-rng-pci'), spec('virtio-scsi-pci'), spec('virtio-rng-pci,max-bytes=1024')];
    const cs = configurations(specs, (s, n) => ['-device', `${s.text},id=d${n}`]);
    expect(cs.map((c) => [c.name, c.slug])).toEqual([
      ['all', 'all'],
      ['virtio-rng-pci', 'virtio-rng-pci'],
      ['virtio-scsi-pci', 'virtio-scsi-pci'],
      ['virtio-rng-pci,max-bytes=1024', 'virtio-rng-pci_max-bytes_1024'],
    ]);
    expect(cs[0]?.args).toEqual(['-nodefaults', '-device', 'virtio-rng-pci,id=d0', '-device', 'virtio-scsi-pci,id=d1', '-device', 'virtio-rng-pci,max-bytes=1024,id=d2']);
    expect(cs[2]?.args).toEqual(['-nodefaults', '-device', 'virtio-scsi-pci,id=d1']);
    // One device: the whole list is that device alone. None: -nodefaults alone.
    expect(configurations([spec('virtio-rng-pci')], () => []).map((c) => c.name)).toEqual(['virtio-rng-pci']);
    expect(configurations([], () => [])).toEqual([{ name: 'minimal', slug: 'minimal', devices: [], args: ['-nodefaults'] }]);
    // The same device twice is told apart.
    expect(configurations([spec('virtio-rng-pci'), spec('virtio-rng-pci')], () => []).map((c) => [c.name, c.slug])).toEqual([
      ['all', 'all'],
      ['virtio-rng-pci', 'virtio-rng-pci'],
      ['virtio-rng-pci #2', 'virtio-rng-pci-2'],
    ]);
  });

  it('all machine types = those both builds offer, in version order', () => {
    const a = new Set(['pc-q35-10.0', 'pc-q35-5.2', 'pc-q35-9.2', 'microvm', 'none']);
    const b = new Set(['pc-q35-11.1', 'pc-q35-10.0', 'pc-q35-9.2', 'pc-q35-5.2', 'microvm']);
    expect(machineTypes(['all'], [a, b])).toEqual(['microvm', 'pc-q35-5.2', 'pc-q35-9.2', 'pc-q35-10.0']);
    expect(machineTypes(['pc-q35-11.1', 'pc-q35-11.1'], [a, b])).toEqual(['pc-q35-11.1']);
  });
});
