import { describe, expect, it } from 'vitest';
import { majorMinor, newestMachineVersion, parseTypedVersion, splitLabel, versionFromName } from './release-label.ts';

describe('versionFromName', () => {
  it('reads the sample names and a version folder, not the machine type in a manifest name', () => {
    expect(versionFromName('qemu-7.2.vmstate-pc-i440fx-7.2.json.gz')).toEqual({ version: '7.2', source: 'file name' });
    expect(versionFromName('qemu-11.1.3-devices.txt')).toEqual({ version: '11.1', source: 'file name' });
    expect(versionFromName('7.2__pc-i440fx-7.2-default.flip-footer.mig.gz')).toEqual({ version: '7.2', source: 'file name' });
    expect(versionFromName('vmstate-pc-q35-5.2.json.gz', 'versions/11.1/vmstate-pc-q35-5.2.json.gz')).toEqual({ version: '11.1', source: 'folder' });
    expect(versionFromName('vmstate-pc-q35-5.2.json.gz')).toBeUndefined();
    expect(versionFromName('pc-q35-11.1-minimal.mig.gz')).toBeUndefined();
  });

  it('normalises typed versions to major.minor and refuses other text', () => {
    expect(parseTypedVersion(' v10.0.13 ')).toBe('10.0');
    expect(parseTypedVersion('7.2')).toBe('7.2');
    expect(parseTypedVersion('seven')).toBeUndefined();
    expect(majorMinor('11')).toBe('11.0');
  });

  it("splits VERSION=FILE labels, and reads a build's release from its newest versioned machine type", () => {
    expect(splitLabel('11.1=a/b.json')).toEqual({ label: '11.1', file: 'a/b.json' });
    expect(splitLabel('dir/a=b.json')).toEqual({ label: undefined, file: 'dir/a=b.json' });
    expect(newestMachineVersion({ file: 'q', commandLine: undefined, machines: [{ name: 'pc-q35-10.1' }, { name: 'pc-q35-9.2' }, { name: 'microvm' }].map((m) => ({ ...m, alias: undefined, isDefault: false, cpuMax: undefined, hotpluggableCpus: undefined, numaMemSupported: undefined, deprecated: undefined, defaultCpuType: undefined, defaultRamId: undefined, acpi: undefined, compatProps: undefined, jsonPath: '$' })) })).toBe('10.1');
  });
});
