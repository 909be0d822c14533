import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from '../format/test-support/fixtures.ts';
import { looksLikeDevicePropertiesHelp, parseDevicePropertiesHelp } from './device-properties.ts';

function help(version: string): string {
  const json = JSON.parse(gunzipSync(readFileSync(join(FIXTURES, 'real-runs', 'versions', version, 'device-props.json.gz'))).toString('utf8')) as { devices: Record<string, { output: string }> };
  return Object.values(json.devices).map((d) => d.output).join('\n');
}

describe('-device NAME,help of the real builds', () => {
  it.each(['5.2', '7.2', '10.0', '11.1'])('%s: virtio-net-pci defaults, normalised', (v) => {
    const text = help(v);
    expect(looksLikeDevicePropertiesHelp(text)).toBe(true);
    const net = parseDevicePropertiesHelp(text).devices.get('virtio-net-pci')!;
    expect(net.get('rx_queue_size')).toEqual({ name: 'rx_queue_size', type: 'uint16', defaultValue: '256' });
    expect(net.get('ctrl_vq')?.defaultValue).toBe('on');
    // 7.2 prints "auto" quoted, 11.1 bare: one value either way.
    expect(net.get('disable-legacy')?.defaultValue).toBe('auto');
    expect(net.get('romfile')?.defaultValue).toBeUndefined();
  });

  it('skips lines it cannot read and absurd lines unread', () => {
    const parsed = parseDevicePropertiesHelp(`junk\nfoo options:\n  a=<bool> - on/off (default: true)\n  ${'x'.repeat(100_000)}=<str>\nnot a property\n`);
    expect([...parsed.devices.get('foo')!.keys()]).toEqual(['a']);
  });
});
