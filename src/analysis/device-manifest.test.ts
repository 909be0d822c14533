import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseDeviceModels, type DeviceModelManifest } from '../manifest/device-models.ts';
import { deviceManifest, modelId, vmDeviceManifest } from './device-manifest.ts';
import { chooseHosts } from './host-chooser.ts';
import { loadBuild, X86_BUILDS } from './test-support/four-builds.ts';
import { REAL_RUNS, realRuns } from './test-support/real-runs.ts';

const builds = new Map<string, ReturnType<typeof loadBuild>>(X86_BUILDS.map((v) => [v, loadBuild('x86_64', v)]));
const build = (v: string) => {

  const b = builds.get(v);
  if (b === undefined) throw new Error(v);
  return b;
};

/** Through JSON and back, as a file would go: the host chooser reads what was written. */
function reread(models: unknown, file: string): DeviceModelManifest {
  const parsed = parseDeviceModels(JSON.stringify(models), file);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}

describe('device version manifests of the Debian builds', () => {
  const host11 = deviceManifest(build('11.1').manifest, build('11.1').machines);

  it('lists every state version a device loads, named by its section, and who pins which property', () => {
    const nvme = host11.find((m) => m.model === modelId('nvme'));
    expect(nvme?.versions.map((v) => v.name)).toEqual(['nvme:1']);
    const gpu = host11.find((m) => m.model === modelId('virtio-gpu-device'));
    expect(gpu?.params).toContain('x-scanout-vmstate-version');
    expect(gpu?.machines['pc-q35-7.2']).toMatchObject({ 'x-scanout-vmstate-version': '1' });
    expect(gpu?.machines['pc-q35-11.1']).toBeUndefined();
    const isaVga = host11.find((m) => m.model === modelId('isa-vga'));
    expect(isaVga?.section).toBe('vga-isa');
    const rtc = deviceManifest(build('7.2').manifest).find((m) => m.model === modelId('mc146818rtc'));
    expect(rtc?.versions.map((v) => v.name)).toEqual(['mc146818rtc:3', 'mc146818rtc:2', 'mc146818rtc:1']);
    expect(rtc?.params).toEqual([]);
  });

  it('a host is judged from its exported manifest: 10.0 lacks the nvme state and the isa-vga section 11.1 sends', () => {
    const vm = reread(vmDeviceManifest(build('11.1').manifest, { devices: ['nvme', 'isa-vga', 'mc146818rtc'] }), 'vm.json');
    const hosts = ['10.0', '11.1'].map((v) => ({ name: v, models: reread(deviceManifest(build(v).manifest, build(v).machines), `${v}.json`) }));
    const choices = chooseHosts({ kind: 'manifest', manifest: build('11.1').manifest, machine: 'pc-q35-7.2', devices: [] }, hosts, { requirements: vm });
    const by = new Map(choices.map((c) => [c.host, c]));
    expect(by.get('10.0')?.decision).toBe('reject');
    expect(by.get('10.0')?.reasons.filter((r) => r.kind === 'model-params-missing').map((r) => r.message)).toEqual([
      'Device model qemu:device/nvme on 10.0: version nvme:1 unknown on the host.',
      'Device model qemu:device/isa-vga on 10.0: version vga-isa:1 unknown on the host.',
    ]);
    expect(by.get('11.1')?.reasons.filter((r) => r.kind.startsWith('model'))).toEqual([]);
  });

  it('agrees with every real load into 10.0 and 11.1; older hosts lack entries for state they register by hand', () => {
    const tally = new Map<string, number>();
    const hostModels = new Map(X86_BUILDS.map((v) => [v as string, reread(deviceManifest(build(v).manifest, build(v).machines), `${v}.json`)]));
    for (const run of realRuns()) {
      if (run.arch !== 'x86_64' || run.src === run.dst) continue;
      const qtree = gunzipSync(readFileSync(join(REAL_RUNS, run.streamFile.replace(/\.mig\.gz$/, '.qtree.txt.gz')))).toString('utf8');
      const devices = [...qtree.matchAll(/dev: ([^,\s]+)/g)].map((m) => m[1] ?? '');
      const src = build(run.src);
      const vm = reread(vmDeviceManifest(src.manifest, { devices }), 'vm.json');
      const host = hostModels.get(run.dst);
      const [c] = chooseHosts({ kind: 'manifest', manifest: src.manifest, machine: run.machine, devices: [] }, [{ name: run.dst, models: host }], { requirements: vm });
      const missing = (c?.reasons ?? []).filter((r) => r.kind.startsWith('model'));
      const key = `${run.dst === '10.0' || run.dst === '11.1' ? 'new host' : 'old host'} ${run.outcome} ${missing.length > 0 ? 'reject' : 'accept'}`;
      tally.set(key, (tally.get(key) ?? 0) + 1);
      // What the older hosts lack: devices whose state 5.2 / 7.2 register with vmstate_register()
      // (ps2, piix3-ide, ICH9 SMBus), which -dump-vmstate does not list.
      for (const r of missing) expect(r.message).toMatch(/does not offer device model qemu:device\/(piix3-ide|ps2-kbd|ps2-mouse|ICH9-SMB)\.$/);
    }
    // The 12 failures into 11.1 are the virtio ring-size runtime check, which no version shows.
    expect(Object.fromEntries(tally)).toEqual({ 'new host SUCCEEDED accept': 84, 'new host FAILED accept': 12, 'old host SUCCEEDED accept': 24, 'old host SUCCEEDED reject': 40 });
  });
});
