import { describe, expect, it } from 'vitest';
import { pciConfigFacts, pciConfigRegisterAt } from '../index.ts';
import { streamFixtures } from '../test-support/fixtures.ts';
import { decodeDeviceState } from './index.ts';
import { msixVectorsForLength } from './pci-config.ts';
import { child, decodeFixture, expectTiled, fieldsOfType } from './test-support/decoded.ts';

describe('PCI state in every stream of fixtures/', () => {
  for (const fx of streamFixtures()) {
    it(fx.id, async () => {
      const { result } = await decodeFixture(fx.id);
      for (const type of ['pci config', 'pci irq state', 'msix state']) {
        for (const { idstr, node } of fieldsOfType(result, type)) {
          expect(node.children, `${idstr} ${node.path.join('/')}: ${node.note ?? ''}`).toBeDefined();
          expectTiled(node);
          if (type === 'pci config') expect(pciConfigFacts(node), idstr).toBeDefined();
        }
      }
    });
  }
});

describe('PCI config spaces of real devices', () => {
  it('11.1 e1000e: a PCI Express function, 4096 bytes, MSI-X with 5 vectors in its msix state', async () => {
    const { result } = await decodeFixture('11.1/pc-q35-11.1-default');
    const config = fieldsOfType(result, 'pci config').find((f) => f.idstr === '0000:00:02.0/e1000e')!.node;
    const f = pciConfigFacts(config)!;
    expect(f.size).toBe(4096);
    expect([f.vendorId.value, f.deviceId.value, f.headerType.value, f.classDevice.value]).toEqual([0x8086, 0x10d3, 0, 0x0200]);
    expect(f.vendorId).toMatchObject({ offset: config.start, length: 2 });
    expect(f.deviceId.offset).toBe(config.start + 2);
    expect(f.capabilities.map((c) => [c.name, c.configOffset])).toEqual([
      ['MSIX', 0xa0],
      ['PM', 0xc8],
      ['MSI', 0xd0],
      ['EXP', 0xe0],
    ]);
    expect(f.msixVectors?.value).toBe(5);
    expect(child(config, 'extended').note).toBe('extended capabilities: 0x100 ERR v2, 0x140 DSN v1');
    // `Bad config data: i=0xa2` names the MSI-X message control register.
    expect(pciConfigRegisterAt(config, 0xa2)?.name).toBe('msix_flags');
    expect(pciConfigRegisterAt(config, 0x3d)?.name).toBe('interrupt_pin');
    expect(pciConfigRegisterAt(config, 0x1000)).toBeUndefined();

    const msix = fieldsOfType(result, 'msix state').find((x) => x.idstr === '0000:00:02.0/e1000e')!.node;
    expect(child(msix, 'msix_table').children).toHaveLength(5);
    expect(child(msix, 'msix_table', 'entry[4]', 'ctrl').end).toBe(child(msix, 'msix_pba').start);

    const irq = fieldsOfType(result, 'pci irq state').find((x) => x.idstr === '0000:00:02.0/e1000e')!.node;
    expect(irq.children!.map((c) => [c.name, c.value])).toEqual([
      ['INTA', 0],
      ['INTB', 0],
      ['INTC', 0],
      ['INTD', 0],
    ]);
  });

  it('aarch64 virt: the gpex root has no capability list', async () => {
    const { result } = await decodeFixture('aarch64/11.1/virt-11.1-minimal');
    const config = fieldsOfType(result, 'pci config').find((f) => f.idstr === '0000:00:00.0/gpex_root')!.node;
    const f = pciConfigFacts(config)!;
    expect([f.vendorId.value, f.deviceId.value, f.classDevice.value]).toEqual([0x1b36, 0x0008, 0x0600]);
    expect(f.capabilities).toEqual([]);
    expect(child(config, 'device_specific').note).toBe('no capability list');
  });
});

describe('layouts the fixtures do not show', () => {
  it('a type 1 header (PCI-to-PCI bridge) gets the bridge registers', () => {
    const bytes = new Uint8Array(256);
    bytes.set([0x36, 0x1b, 0x0c, 0x00], 0); // 1b36:000c, QEMU's pcie-root-port
    bytes[0x0e] = 0x01;
    bytes[0x19] = 0x01; // secondary bus
    const d = decodeDeviceState({ type: 'pci config', idstr: '0000:00:01.0/pcie-root-port', bytes, base: 0, path: ['x', 'config'] });
    if (!d.ok) throw new Error(d.reason);
    const names = d.children.map((c) => c.name);
    expect(names.slice(11, 20)).toEqual(['base_address_0', 'base_address_1', 'primary_bus', 'secondary_bus', 'subordinate_bus', 'sec_latency_timer', 'io_base', 'io_limit', 'sec_status']);
    expect(names.slice(-4)).toEqual(['interrupt_line', 'interrupt_pin', 'bridge_control', 'device_specific']);
    expect(d.children.find((c) => c.name === 'secondary_bus')).toMatchObject({ start: 0x19, end: 0x1a, value: 1 });
  });

  it('a capability chain that loops stops instead of spinning', () => {
    const bytes = new Uint8Array(256);
    bytes[0x06] = 0x10; // PCI_STATUS_CAP_LIST
    bytes[0x34] = 0x40;
    bytes.set([0x05, 0x50], 0x40);
    bytes.set([0x01, 0x40], 0x50); // next points back
    const d = decodeDeviceState({ type: 'pci config', idstr: 'x', bytes, base: 0, path: ['x', 'config'] });
    if (!d.ok) throw new Error(d.reason);
    const ds = d.children.find((c) => c.name === 'device_specific')!;
    expect(ds.note).toBe('capabilities: 0x40 MSI, 0x50 PM');
    expect(ds.children!.map((c) => c.name)).toEqual(['cap@0x40', 'cap@0x50']);
  });

  it('sizes QEMU never writes stay opaque', () => {
    expect(decodeDeviceState({ type: 'pci config', idstr: 'x', bytes: new Uint8Array(128), base: 7, path: [] })).toEqual({ ok: false, offset: 7, reason: 'PCI config space of 128 bytes (QEMU writes 256 or 4096)' });
    expect(decodeDeviceState({ type: 'msix state', idstr: 'x', bytes: new Uint8Array(80), base: 0, path: [] }).ok).toBe(false);
    expect(decodeDeviceState({ type: 'pci irq state', idstr: 'x', bytes: new Uint8Array(8), base: 0, path: [] }).ok).toBe(false);
  });

  it('msix state lengths: 16 bytes per vector plus one pending bit each, rounded up to bytes', () => {
    expect([17, 33, 81, 16 * 8 + 1, 16 * 9 + 2, 1024 * 16 + 128, 2048 * 16 + 256].map(msixVectorsForLength)).toEqual([1, 2, 5, 8, 9, 1024, 2048]);
    expect([0, 16, 80, 18].map(msixVectorsForLength)).toEqual([undefined, undefined, undefined, undefined]);
  });
});
