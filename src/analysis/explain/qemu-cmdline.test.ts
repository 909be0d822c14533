import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from '../../format/test-support/fixtures.ts';
import { catalogVersion, closestMachine, parseMachineCatalog, resolveMachine } from './machines-list.ts';
import { parseQemuCommandLine, parseSize, shellSplit } from './qemu-cmdline.ts';
import { errorStyle, machineTypeVersion, parseQemuVersion } from './qemu-version.ts';

describe('parseQemuCommandLine', () => {
  it('reads a fixture .cmd file (comment lines, chroot prefix, quoted -trace patterns)', () => {
    const text = readFileSync(join(FIXTURES, 'streams', '5.2', 'pc-q35-5.2-virtio.cmd'), 'utf8');
    const c = parseQemuCommandLine(text);
    if (!c.ok) throw new Error(c.message);
    expect(c.value.program).toBe('qemu-system-x86_64');
    expect(c.value.machine).toBe('pc-q35-5.2');
    expect(c.value.memory).toBe(64 * 1024 * 1024);
    expect(c.value.nodefaults).toBe(true);
    expect(c.value.netOptionGiven).toBe(true);
    expect(c.value.devices.map((d) => d.driver)).toEqual(['virtio-net-pci', 'virtio-blk-pci', 'virtio-balloon-pci', 'virtio-serial-pci', 'virtio-gpu-pci', 'virtio-rng-pci']);
    expect(c.value.devices[0]?.props.get('netdev')).toBe('n0');
  });

  it('keyval forms, JSON -device, continuation lines, bare options', () => {
    const c = parseQemuCommandLine("qemu-system-x86_64 \\\n  -machine type=pc-q35-7.2,accel=kvm -m size=2G,slots=4,maxmem=8G \\\n  -device '{\"driver\":\"virtio-net-pci\",\"addr\":\"0x5\"}' -device e1000,romfile=,id=n1");
    if (!c.ok) throw new Error(c.message);
    expect(c.value.machine).toBe('pc-q35-7.2');
    expect(c.value.machineProps.get('accel')).toBe('kvm');
    expect(c.value.memory).toBe(2 * 1024 ** 3);
    expect(c.value.devices.map((d) => [d.driver, Object.fromEntries(d.props)])).toEqual([
      ['virtio-net-pci', { addr: '0x5' }],
      ['e1000', { romfile: '', id: 'n1' }],
    ]);
    expect(parseQemuCommandLine('-M q35 -nodefaults')).toMatchObject({ ok: true, value: { machine: 'q35', nodefaults: true, program: undefined } });
  });

  it("libvirt's command line at the head of a domain log (real, libvirt 9.0.0)", () => {
    const log = readFileSync(join(FIXTURES, 'libvirt', 'virtio-10.0-to-11.1', 'domain.log'), 'utf8');
    const command = log.split('\n').slice(1, 39).join('\n');
    const c = parseQemuCommandLine(command);
    if (!c.ok) throw new Error(c.message);
    // The emulator is a wrapper script (a chroot's 11.1): after the environment, whatever its name.
    expect(c.value.program).toBe('/tmp/mslv/bin/qemu-sid');
    expect(c.value.machine).toBe('pc-q35-10.0');
    expect(c.value.machineProps.get('memory-backend')).toBe('pc.ram');
    expect(c.value.memory).toBe(64 * 1024 * 1024);
    expect(c.value.nodefaults).toBe(true);
    expect(c.value.incoming).toBe('defer');
    expect(c.value.devices.map((d) => d.driver)).toEqual(['pcie-root-port', 'pcie-root-port', 'pcie-root-port', 'virtio-net-pci', 'isa-serial', 'virtio-balloon-pci']);
    expect(Object.fromEntries(c.value.devices[0]?.props ?? [])).toEqual({ port: '8', chassis: '1', id: 'pci.1', bus: 'pcie.0', multifunction: 'on', addr: '0x1' });
    expect(c.value.devices[3]?.props.get('bus')).toBe('pci.1');
  });

  it('RAM from the memory backend when there is no -m; -m size=...k; -blockdev JSON passes', () => {
    const c = parseQemuCommandLine(
      `LC_ALL=C /usr/bin/kvm -machine pc-q35-9.2,memory-backend=pc.ram -object '{"qom-type":"memory-backend-ram","id":"pc.ram","size":2147483648}' -blockdev '{"driver":"file","filename":"/d.qcow2","node-name":"f"}' -device '{"driver":"virtio-blk-pci","drive":"f"}'`,
    );
    if (!c.ok) throw new Error(c.message);
    expect(c.value.program).toBe('/usr/bin/kvm');
    expect(c.value.memory).toBe(2 * 1024 ** 3);
    expect(c.value.devices.map((d) => d.driver)).toEqual(['virtio-blk-pci']);
    const m = parseQemuCommandLine('/usr/libexec/qemu-kvm -m size=4194304k,slots=16,maxmem=8388608k');
    expect(m.ok && m.value.memory).toBe(4 * 1024 ** 3);
  });

  it('errors as values', () => {
    expect(parseQemuCommandLine('# nothing here\n')).toEqual({ ok: false, message: 'no QEMU command line found (expected a qemu-system-* program or options starting with -)' });
    expect(parseQemuCommandLine('qemu-system-x86_64 -m')).toEqual({ ok: false, message: 'option -m needs a value' });
    expect(parseQemuCommandLine('qemu-system-x86_64 -m lots')).toEqual({ ok: false, message: '-m lots: not a size' });
  });

  it('shell words and sizes', () => {
    expect(shellSplit(`a 'b c' "d \\"e\\"" f\\ g`)).toEqual(['a', 'b c', 'd "e"', 'f g']);
    expect(parseSize('64M', 1)).toBe(64 * 1024 * 1024);
    expect(parseSize('512', 1024 * 1024)).toBe(512 * 1024 * 1024);
    expect(parseSize('0x1000', 1)).toBe(4096);
  });
});

describe('machine lists and versions', () => {
  it('-machine help text: names, aliases, default, release', () => {
    const path = join(FIXTURES, 'versions', '5.2', 'machines.txt');
    const m = parseMachineCatalog(readFileSync(path, 'utf8'), path);
    if (!m.ok) throw new Error(m.error.message);
    expect(resolveMachine(m.value, 'pc')).toBe('pc-i440fx-5.2');
    expect(resolveMachine(m.value, 'pc-i440fx-11.1')).toBeUndefined();
    expect(m.value.defaultMachine).toBe('pc-i440fx-5.2');
    expect(catalogVersion(m.value)).toEqual({ major: 5, minor: 2 });
    expect(closestMachine(m.value, 'pc-q35-7.2')).toBe('pc-q35-5.2');
  });

  it('query-machines JSON gives the same answers', () => {
    const path = join(FIXTURES, 'versions', '11.1', 'qmp-query-machines.json');
    const m = parseMachineCatalog(readFileSync(path, 'utf8'), path);
    if (!m.ok) throw new Error(m.error.message);
    expect(resolveMachine(m.value, 'q35')).toBe('pc-q35-11.1');
    expect(catalogVersion(m.value)).toEqual({ major: 11, minor: 1 });
    expect(m.value.deprecated.has('pc-i440fx-5.2')).toBe(true);
  });

  it('versions', () => {
    expect(parseQemuVersion('QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)')).toEqual({ major: 7, minor: 2 });
    expect(parseQemuVersion('v10.0.13')).toEqual({ major: 10, minor: 0 });
    expect(parseQemuVersion('seven')).toBeUndefined();
    expect(machineTypeVersion('pc-q35-11.1')).toEqual({ major: 11, minor: 1 });
    expect(errorStyle({ major: 10, minor: 1 })).toBe('separate');
    expect(errorStyle({ major: 10, minor: 2 })).toBe('chained');
    expect(errorStyle(undefined)).toBe('separate');
  });
});
