import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bytesSource, decodeStream } from '../../format/index.ts';
import { readGunzipped, streamFixtures } from '../../format/test-support/fixtures.ts';
import { machineFamily, mmioPath, placeDevices, virtioInnerType, vmsdNamesOf } from './device-placement.ts';
import { rootPciSlot, splitIdstr } from './idstr.ts';
import { parseQemuCommandLine, withDevice, withoutDevice } from './qemu-cmdline.ts';
import { destManifestPath, loadManifest } from './test-support/cases.ts';

function cmdOf(path: string) {
  const parsed = parseQemuCommandLine(readFileSync(path.replace(/\.mig\.gz$/, '.cmd'), 'utf8'));
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}

describe('placing the devices of each fixture command line', () => {
  for (const fx of streamFixtures()) {
    it(`${fx.id}: the device paths of its sections and RAM blocks are the predicted ones`, async () => {
      const r = await decodeStream(bytesSource(readGunzipped(fx.path), fx.id));
      const p = placeDevices(r.configuration?.machineType, cmdOf(fx.path), undefined);
      expect(p.unplaced).toEqual([]);
      const inStream = new Set<string>();
      for (const s of r.sections) {
        const path = splitIdstr(s.idstr).path;
        if (path !== undefined) inStream.add(path);
      }
      for (const b of r.ram?.blocks ?? []) {
        const path = splitIdstr(b.name).path;
        if (path !== undefined) inStream.add(path);
      }
      const machine = [...inStream].filter((path) => {
        const slot = rootPciSlot(path);
        return slot !== undefined && p.machineSlots.has(slot);
      });
      const placed = p.devices.map((d) => d.path).sort();
      expect(placed).toEqual([...inStream].filter((x) => !machine.includes(x)).sort());
    });
  }
});

describe('placement rules', () => {
  const q35virtio = cmdOf(streamFixtures().find((f) => f.id === '7.2/pc-q35-7.2-virtio')!.path);
  const manifest = loadManifest(destManifestPath('7.2', 'pc-q35-7.2'));

  it('q35 -nodefaults: -device options take slots 1, 2, ... in order; virtio proxies save their virtio child', () => {
    const p = placeDevices('pc-q35-7.2', q35virtio, manifest);
    expect(p.family).toBe('q35');
    expect(p.devices.map((d) => [d.path, d.qomType, d.vmsdNames])).toEqual([
      ['0000:00:01.0', 'virtio-net-pci', ['virtio-net']],
      ['0000:00:02.0', 'virtio-blk-pci', ['virtio-blk']],
      ['0000:00:03.0', 'virtio-balloon-pci', ['virtio-balloon']],
      ['0000:00:04.0', 'virtio-serial-pci', ['virtio-console']],
      ['0000:00:05.0', 'virtio-gpu-pci', ['virtio-gpu']],
      ['0000:00:06.0', 'virtio-rng-pci', ['virtio-rng']],
    ]);
  });

  it('a device inserted first shifts every later one (mismatch case c-first)', () => {
    const p = placeDevices('pc-q35-7.2', withDevice(q35virtio, 'virtio-keyboard-pci', 'first'), manifest);
    expect(p.byPath.get('0000:00:01.0')?.qomType).toBe('virtio-keyboard-pci');
    expect(p.byPath.get('0000:00:02.0')?.qomType).toBe('virtio-net-pci');
    expect(p.byPath.get('0000:00:07.0')?.qomType).toBe('virtio-rng-pci');
  });

  it('a device removed lets the next one move up (mismatch case b)', () => {
    const p = placeDevices('pc-q35-7.2', withoutDevice(q35virtio, 'virtio-gpu-pci'), manifest);
    expect(p.byPath.get('0000:00:05.0')?.qomType).toBe('virtio-rng-pci');
    expect(p.byPath.has('0000:00:06.0')).toBe(false);
  });

  it('defaults: VGA then the NIC, unless -nodefaults / -vga none / a -netdev', () => {
    const parse = (t: string) => {
      const c = parseQemuCommandLine(t);
      if (!c.ok) throw new Error(c.message);
      return c.value;
    };
    expect(placeDevices('pc-i440fx-7.2', parse('qemu-system-x86_64 -M pc-i440fx-7.2'), undefined).devices.map((d) => [d.path, d.qomType])).toEqual([
      ['0000:00:02.0', 'VGA'],
      ['0000:00:03.0', 'e1000'],
    ]);
    expect(placeDevices('pc-q35-7.2', parse('qemu-system-x86_64 -vga none -netdev user,id=n -device e1000,netdev=n,addr=0x7'), undefined).devices.map((d) => [d.path, d.qomType])).toEqual([
      ['0000:00:07.0', 'e1000'],
    ]);
    expect(placeDevices('pc-q35-7.2', parse('qemu-system-x86_64 -nodefaults -device pci-bridge,chassis_nr=1,id=b -device e1000,bus=b'), undefined).unplaced).toEqual([
      { driver: 'e1000', reason: "on bus 'b' (only the root bus is modelled)", mayTakeRootSlot: false },
    ]);
  });

  it('aarch64 virt: virtio-mmio transports from the top address down', () => {
    expect(mmioPath(0)).toBe('virtio-mmio@000000000a003e00');
    expect(mmioPath(1)).toBe('virtio-mmio@000000000a003c00');
    expect(machineFamily('virt-7.2')).toBe('virt');
    expect(machineFamily('pc')).toBe('i440fx');
    expect(machineFamily('microvm')).toBe('unknown');
  });

  it('virtio proxy names', () => {
    expect(virtioInnerType('virtio-serial-pci')).toBe('virtio-serial-device');
    expect(virtioInnerType('virtio-blk-pci-non-transitional')).toBe('virtio-blk-device');
    expect(virtioInnerType('e1000')).toBeUndefined();
    expect(vmsdNamesOf(manifest, 'VGA')).toEqual(['vga']);
    expect(vmsdNamesOf(manifest, 'no-such-device')).toEqual([]);
  });
});
