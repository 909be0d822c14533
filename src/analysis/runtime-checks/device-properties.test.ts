import { describe, expect, it } from 'vitest';
import { parseDevicePropertiesHelp } from '../../manifest/device-properties.ts';
import { parseQemuCommandLine } from '../explain/qemu-cmdline.ts';
import { effectiveProperty, type PropertySources } from './device-properties.ts';

const defaults = parseDevicePropertiesHelp('virtio-net-pci options:\n  rx_queue_size=<uint16> -  (default: 256)\n');
const types = ['virtio-net-pci', 'virtio-net-device', 'virtio-device'];

function cmd(text: string) {
  const c = parseQemuCommandLine(text);
  if (!c.ok) throw new Error(c.message);
  return c.value;
}

describe('effective device properties: default < machine compat < -global < -device', () => {
  const base: PropertySources = { defaults, compat: [], globals: [] };

  it('the build default', () => {
    expect(effectiveProperty(base, types, 'rx_queue_size', undefined)).toMatchObject({ known: true, value: '256', origin: 'default' });
  });

  it('a compat property of the machine type on any type in the chain', () => {
    const s = { ...base, compat: [{ qomType: 'virtio-net-device', property: 'rx_queue_size', value: '512' }] };
    expect(effectiveProperty(s, types, 'rx_queue_size', undefined)).toMatchObject({ value: '512', origin: 'machine compat property' });
  });

  it('-global over compat, the -device option over both', () => {
    const c = cmd('qemu-system-x86_64 -global virtio-net-pci.rx_queue_size=1024 -device virtio-net-pci,rx_queue_size=512 -global driver=virtio-net-device,property=tx_queue_size,value=512');
    const s = { ...base, compat: [{ qomType: 'virtio-net-device', property: 'rx_queue_size', value: '128' }], globals: c.globals };
    expect(effectiveProperty(s, types, 'rx_queue_size', undefined)).toMatchObject({ value: '1024', origin: '-global' });
    expect(effectiveProperty(s, types, 'rx_queue_size', c.devices[0])).toMatchObject({ value: '512', origin: 'device option' });
    expect(c.globals).toEqual([
      { driver: 'virtio-net-pci', property: 'rx_queue_size', value: '1024' },
      { driver: 'virtio-net-device', property: 'tx_queue_size', value: '512' },
    ]);
  });

  it('unknown compat properties make the value unknown unless the sources settle it', () => {
    const s = { ...base, compat: undefined, compatUnknownWhy: 'no query-machines' };
    expect(effectiveProperty(s, types, 'rx_queue_size', undefined)).toMatchObject({ known: false, why: 'no query-machines' });
    expect(effectiveProperty(s, types, 'rx_queue_size', undefined, { value: undefined, why: 'no hw_compat sets it' })).toMatchObject({ known: true, value: '256' });
    expect(effectiveProperty(s, types, 'rx_queue_size', undefined, { value: '128', why: 'hw_compat_4_2' })).toMatchObject({ value: '128', origin: 'machine compat property' });
  });
});
