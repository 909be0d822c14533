import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from '../format/test-support/fixtures.ts';
import { parseDeviceHelp } from './device-help.ts';
import { machineTiers, type MachineTiers } from './machine-tiers.ts';
import { compareVersions, parseMachineName } from './machine-names.ts';
import { manifestFor, queryMachinesFor } from './test-support/real-loads.ts';
import { fourBuildBoard, loadBuild, X86_BUILDS } from './test-support/four-builds.ts';
import { REAL_RUNS, realRuns } from './test-support/real-runs.ts';
import { gunzipSync } from 'node:zlib';

const devices = (version: string) => parseDeviceHelp(readFileSync(join(FIXTURES, 'versions', version, 'devices.txt'), 'utf8'));

function tiers(withDevices = false): MachineTiers {
  return machineTiers(
    ['11.1', '5.2', '7.2'].map((version) => ({
      version,
      machines: queryMachinesFor(version),
      manifest: withDevices ? manifestFor(version, `pc-q35-${version}`).manifest : undefined,
      devices: withDevices ? devices(version) : undefined,
    })),
  );
}

const row = (t: MachineTiers, name: string) => t.machines.find((m) => m.name === name);
const statuses = (t: MachineTiers, name: string) => row(t, name)?.cells.map((c) => `${c.version}:${c.status}`);

describe('machine names', () => {
  it('tells versioned from unversioned names', () => {
    expect(parseMachineName('pc-q35-7.2')).toEqual({ name: 'pc-q35-7.2', family: 'pc-q35', version: '7.2' });
    expect(parseMachineName('pc-q35-4.0.1').version).toBe('4.0.1');
    expect(parseMachineName('pc-1.3').family).toBe('pc');
    expect(parseMachineName('microvm').version).toBeUndefined();
    expect(['11.1', '5.2', '7.2', '10.0'].sort(compareVersions)).toEqual(['5.2', '7.2', '10.0', '11.1']);
  });
});

describe('machineTiers from the real query-machines of 5.2, 7.2 and 11.1', () => {
  const t = tiers();

  it('orders versions numerically', () => {
    expect(t.versions).toEqual(['5.2', '7.2', '11.1']);
  });

  it('11.1 lists pc-i440fx-5.2 as deprecated; 5.2 and 7.2 offer it', () => {
    expect(statuses(t, 'pc-i440fx-5.2')).toEqual(['5.2:present', '7.2:present', '11.1:deprecated']);
    expect(row(t, 'pc-i440fx-5.2')?.tier).toBe('forward migration promised');
    expect(row(t, 'pc-i440fx-5.2')?.reason).toContain('Deprecated in 11.1');
  });

  it('5.2 lacks pc-q35-7.2', () => {
    expect(statuses(t, 'pc-q35-7.2')).toEqual(['5.2:absent', '7.2:present', '11.1:deprecated']);
    expect(row(t, 'pc-q35-7.2')?.reason).toContain('Not offered by 5.2');
  });

  it('unversioned types and aliases promise a clean error at most; aliases resolve per version', () => {
    for (const name of ['microvm', 'isapc', 'none']) {
      expect(row(t, name)?.kind).toBe('unversioned');
      expect(row(t, name)?.tier).toBe('a clean error at most');
    }
    const q35 = row(t, 'q35');
    expect(q35?.kind).toBe('alias');
    expect(q35?.tier).toBe('a clean error at most');
    expect(q35?.cells.map((c) => c.resolvesTo)).toEqual(['pc-q35-5.2', 'pc-q35-7.2', 'pc-q35-11.1']);
  });

  it('says which versioned types each version keeps', () => {
    const keeps = new Map(t.keeps.map((k) => [k.version, k]));
    expect(keeps.get('11.1')?.families.find((f) => f.family === 'pc-q35')).toEqual({ family: 'pc-q35', oldest: '5.2', newest: '11.1', count: 18 });
    expect(keeps.get('11.1')?.deprecated).toContain('pc-i440fx-7.2');
    expect(keeps.get('11.1')?.versioned).not.toContain('pc-i440fx-5.1');
    expect(keeps.get('7.2')?.versioned).toContain('pc-i440fx-1.4');
  });

  it('has no device list without manifests and -device help', () => {
    expect(t.noVmstate).toEqual([]);
  });
});

describe('device types without migration state', () => {
  const t = tiers(true);

  it('lists -device help names the manifest lacks, minus those saved elsewhere', () => {
    const v11 = t.noVmstate.find((n) => n.version === '11.1');
    expect(v11?.tier).toBe('cannot migrate');
    const listed = v11?.devices.map((d) => d.name) ?? [];
    expect(listed).toContain('edu');
    expect(listed).toContain('pvpanic');
    // Their state travels elsewhere.
    for (const saved of ['virtio-net-pci', 'ide-hd', 'floppy', 'qemu64-x86_64-cpu', 'virtserialport', 'i82559er']) {
      expect(listed).not.toContain(saved);
      expect(v11?.excluded.map((e) => e.name)).toContain(saved);
    }
    // Devices with a vmsd are in neither list.
    expect(listed).not.toContain('e1000e');
    expect(v11?.excluded.map((e) => e.name)).not.toContain('e1000e');
    expect(t.heuristic).toContain('Limits');
  });
});

describe('parseDeviceHelp', () => {
  it('reads names, buses, aliases, descriptions and categories', () => {
    const parsed = parseDeviceHelp('Storage devices:\nname "virtio-blk-pci", bus PCI, alias "virtio-blk", desc "Virtio block device"\nname "nvdimm", desc "DIMM memory module"\n\nCPU devices:\nname "max-x86_64-cpu"\n');
    expect(parsed.map((d) => [d.name, d.bus, d.alias, d.desc, d.category])).toEqual([
      ['virtio-blk-pci', 'PCI', 'virtio-blk', 'Virtio block device', 'Storage devices'],
      ['nvdimm', undefined, undefined, 'DIMM memory module', 'Storage devices'],
      ['max-x86_64-cpu', undefined, undefined, undefined, 'CPU devices'],
    ]);
  });

  it('reads every entry of the real lists', () => {
    for (const version of ['5.2', '7.2', '11.1']) {
      const text = readFileSync(join(FIXTURES, 'versions', version, 'devices.txt'), 'utf8');
      expect(devices(version)).toHaveLength(text.split('\n').filter((l) => l.startsWith('name "')).length);
    }
  });
});

describe('tiers that hold: checked against the board of the four builds', () => {
  const inputs = X86_BUILDS.map((v) => {
    const b = loadBuild('x86_64', v);
    return { version: v, machines: b.machines, manifest: b.manifest, devices: b.devices };
  });
  const t = machineTiers(inputs, fourBuildBoard('x86_64'));
  const r = (name: string) => row(t, name);

  it('a type a later build dropped: promise ended, with the last build that offers it', () => {
    expect(r('pc-q35-2.4')).toMatchObject({ standing: 'ended', removedIn: '11.1', lastOffered: '10.0', deprecatedSince: '10.0' });
    expect(r('pc-q35-2.4')?.label).toBe('promise ended: removed in 11.1, deprecated since 10.0');
    expect(r('pc-1.0')).toMatchObject({ standing: 'ended', removedIn: '7.2', lastOffered: '5.2' });
    expect(r('pc-q35-2.4')?.reason).toContain('the last build that does is 10.0');
  });

  it('a promise the manifests see broken names the device and the pair', () => {
    const q35 = r('pc-q35-10.0');
    expect(q35?.standing).toBe('broken');
    expect(q35?.breaks.map((b) => `${b.qomType} ${b.source}->${b.dest}`)).toEqual(['isa-vga 10.0->11.1']);
    expect(q35?.reason).toContain('Broken for VMs with isa-vga (10.0 → 11.1)');
    expect(r('pc-q35-7.2')?.label).toBe('promised but broken, deprecated since 11.1');
    // sysbus-esp breaks too, but no -device help list or compat property puts it in a pc VM.
    expect(r('pc-q35-7.2')?.breaks.map((b) => b.qomType).sort()).toEqual(['am53c974', 'am53c974', 'dc390', 'dc390', 'isa-vga', 'isa-vga']);
    expect([...new Set(r('pc-q35-7.2')?.unsureBreaks.map((b) => b.qomType))]).toEqual(['sysbus-esp']);
    expect(r('pc-q35-7.2')?.reason).toContain('sysbus-esp also breaks, but no -device help list or compat property says a VM of this type can have it');
  });

  it('types only the newest build offers are promised but not checked; unversioned ones promise nothing', () => {
    expect(r('pc-q35-11.1')).toMatchObject({ standing: 'unchecked', label: 'forward promised' });
    expect(r('microvm')).toMatchObject({ standing: 'none', label: 'unversioned: a clean error at most' });
    expect(r('q35')?.standing).toBe('none');
  });

  it('no real forward load contradicts a tier: no VM of the real runs has a device its tier names broken', () => {
    const broken = new Map(t.machines.map((m) => [m.name, m.breaks]));
    let checked = 0;
    const seen = new Set<string>();
    for (const run of realRuns()) {
      if (run.arch !== 'x86_64' || compareVersions(run.src, run.dst) >= 0) continue;
      const vmTypes = qtreeTypes(run.streamFile);
      for (const q of vmTypes) seen.add(q);
      const hits = (broken.get(run.machine) ?? []).filter((b) => b.source === run.src && b.dest === run.dst && vmTypes.has(b.qomType));
      expect(hits, run.id).toEqual([]);
      checked++;
    }
    expect(checked).toBe(80);
    // The VMs had PCI VGA, IDE, e1000(e), virtio: what the check looks at is really there.
    for (const q of ['VGA', 'e1000e', 'virtio-net-pci', 'piix3-ide', 'ich9-ahci']) expect(seen.has(q), q).toBe(true);
  });

  it('per device: the strictest promise of the machine types that use it', () => {
    const dev = (q: string) => t.devices.find((d) => d.qomType === q);
    expect(dev('isa-vga')).toMatchObject({ promise: 'forward migration promised', usedVia: 'user-creatable', standing: 'broken', brokenPairs: ['5.2->11.1', '7.2->11.1', '10.0->11.1'] });
    expect(dev('mc146818rtc')).toMatchObject({ promise: 'forward migration promised', standing: 'kept' });
    // virtio-gpu-device's scanout layout is pinned by the compat properties of <= 8.2 types.
    expect(dev('virtio-gpu-device')?.usedBy.find((u) => u.build === '11.1')?.named).toContain('pc-q35-7.2');
    expect(t.checkedWith).toEqual(['5.2', '7.2', '10.0', '11.1']);
  });
});

/** QOM types of every device in the VM the stream was saved from (`info qtree` just before). */
function qtreeTypes(streamFile: string): Set<string> {
  const text = gunzipSync(readFileSync(join(REAL_RUNS, streamFile.replace(/\.mig\.gz$/, '.qtree.txt.gz')))).toString('utf8');
  return new Set([...text.matchAll(/dev: ([^,\s]+)/g)].map((m) => m[1] ?? ''));
}
