import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from '../format/test-support/fixtures.ts';
import { parseDeviceModels, type DeviceModelManifest } from '../manifest/device-models.ts';
import { chooseHosts, type HostCandidate } from './host-chooser.ts';
import { streamFacts } from './stream-facts.ts';
import { factsOf, manifestFor, queryMachinesFor } from './test-support/real-loads.ts';
import { decodeRealStream } from './test-support/real-runs.ts';

const host = (name: string, version: string, machine: string, models?: DeviceModelManifest): HostCandidate => ({
  name,
  manifest: manifestFor(version, machine).manifest,
  machines: queryMachinesFor(version),
  models,
});

function models(json: unknown): DeviceModelManifest {
  const parsed = parseDeviceModels(JSON.stringify(json), 'models.json');
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}

describe("chooseHosts with the hosts' load checks", () => {
  it('judges the decoded stream by each host release and sample, one reason per device and check', async () => {
    const stream = await decodeRealStream('streams/x86_64/10.0/pc-q35-7.2-virtio.mig.gz');
    const vm = { kind: 'stream', facts: streamFacts(stream), stream } as const;
    const sample = await decodeRealStream('streams/x86_64/11.1/pc-q35-7.2-virtio.mig.gz');
    const [withRelease, withSample, bare, factsOnly] = [
      ...chooseHosts(vm, [
        { ...host('r', '11.1', 'pc-q35-7.2'), release: '11.1' },
        // No manifest: the devices' layout is unchecked, their load checks still run.
        { name: 's', release: '11.1', sample },
        host('n', '11.1', 'pc-q35-7.2'),
      ]),
      ...chooseHosts({ kind: 'stream', facts: vm.facts }, [{ ...host('f', '11.1', 'pc-q35-7.2'), release: '11.1' }]),
    ];
    const refused = (c: typeof bare) => c?.reasons.filter((r) => r.kind === 'runtime-check-fails').map((r) => r.device);
    expect(withRelease?.decision).toBe('reject');
    expect(refused(withRelease)).toEqual(['virtio-net', 'virtio-balloon', 'virtio-console', 'virtio-gpu', 'virtio-rng']);
    expect(withSample?.decision).toBe('reject');
    expect(refused(withSample)).toEqual(refused(withRelease));
    expect(withSample?.reasons.map((r) => r.kind)).toContain('devices-unchecked');
    // Without the release, the same rings are only a warning that names it.
    expect(bare?.decision).toBe('accept');
    const warnings = bare?.reasons.filter((r) => r.kind === 'runtime-check-at-risk') ?? [];
    expect(warnings.map((r) => r.device)).toEqual(['ram', 'virtio-net', 'virtio-balloon', 'virtio-console', 'virtio-gpu', 'virtio-rng']);
    // Firmware sizes come from a sample (or a known build's release); the rings need the release.
    expect(warnings[0]?.message).toMatch(/RAM block 'pc\.bios' .* \(and 2 more ram-blocks findings of ram like it\) For n, give a stream the host's build saved/);
    expect(warnings.slice(1).every((r) => r.message.includes("For n, give the host's release (write VERSION=FILE for one of its files)."))).toBe(true);
    // A VM known only by its facts has no values to check.
    expect(factsOnly?.reasons.filter((r) => r.kind.startsWith('runtime-check'))).toEqual([]);
  });
});

describe('chooseHosts for a stream', () => {
  it('rejects a 7.2 host for an 11.1 stream of machine pc-q35-11.1 (machine type missing) and accepts an 11.1 host', async () => {
    const facts = await factsOf(join(FIXTURES, 'streams', '11.1', 'pc-q35-11.1-default.mig.gz'));
    const [old, same] = chooseHosts({ kind: 'stream', facts }, [host('qemu-7.2', '7.2', 'pc-q35-7.2'), host('qemu-11.1', '11.1', 'pc-q35-11.1')]);
    expect(old?.decision).toBe('reject');
    expect(old?.reasons[0]?.kind).toBe('machine-type-missing');
    expect(old?.reasons[0]?.message).toContain('does not offer machine type pc-q35-11.1');
    expect(same?.decision).toBe('accept');
    expect(same?.reasons.filter((r) => r.verdict === 'breaks')).toEqual([]);
  });

  it('names the devices that break on an older host that does offer the machine type', async () => {
    // 7.2 stream of pc-q35-7.2 into 5.2: no such machine type, and two subsections 5.2 does not know.
    const facts = await factsOf(join(FIXTURES, 'streams', '7.2', 'pc-q35-7.2-virtio.mig.gz'));
    const [h52, h72, h11] = chooseHosts({ kind: 'stream', facts }, [host('a', '5.2', 'pc-q35-5.2'), host('b', '7.2', 'pc-q35-7.2'), host('c', '11.1', 'pc-q35-7.2')]);
    expect(h52?.decision).toBe('reject');
    expect(h52?.reasons.filter((r) => r.kind === 'device-breaks').map((r) => r.device).sort()).toEqual(['ICH9LPC', 'pckbd']);
    expect(h72?.decision).toBe('accept');
    expect(h11?.decision).toBe('accept');
    expect(h11?.reasons.map((r) => r.kind)).toContain('machine-type-deprecated');
  });

  it('checks device models: missing model, params not covered, versions expanded', async () => {
    const facts = await factsOf(join(FIXTURES, 'streams', '11.1', 'pc-q35-11.1-minimal.mig.gz'));
    const need = models([{ model: 'https://example.org/nic', versions: [{ name: '2' }] }]);
    const full = models([{ model: 'https://example.org/nic', params: ['mq'], versions: [{ name: '1', params: ['mq'] }, { name: '2', params: ['mq', 'rss'] }] }]);
    const partial = models([{ model: 'https://example.org/nic', params: ['mq'], versions: [{ name: '1', params: ['mq'] }] }]);
    const other = models([{ model: 'https://example.org/disk', params: [] }]);
    const choices = chooseHosts(
      { kind: 'stream', facts },
      [host('full', '11.1', 'pc-q35-11.1', full), host('partial', '11.1', 'pc-q35-11.1', partial), host('other', '11.1', 'pc-q35-11.1', other), host('none', '11.1', 'pc-q35-11.1')],
      { requirements: need },
    );
    expect(choices.map((c) => `${c.host}:${c.decision}`)).toEqual(['full:accept', 'partial:reject', 'other:reject', 'none:reject']);
    expect(choices[1]?.reasons[0]?.message).toContain('version 2 unknown on the host');
    expect(choices[2]?.reasons[0]?.kind).toBe('model-missing');
    expect(choices[3]?.reasons[0]?.kind).toBe('models-unchecked');

    const explicit = models([{ model: 'https://example.org/nic', params: ['rss'] }]);
    const [p] = chooseHosts({ kind: 'stream', facts }, [host('partial', '11.1', 'pc-q35-11.1', partial)], { requirements: explicit });
    expect(p?.reasons[0]?.message).toContain('params rss not covered');
  });
});

describe('chooseHosts from a source manifest and machine type', () => {
  const src = manifestFor('11.1', 'pc-q35-7.2').manifest;

  it('rejects on the machine type; device breaks only warn unless the VM\'s devices are listed', () => {
    const hosts = [host('h72', '7.2', 'pc-q35-7.2'), host('h52', '5.2', 'pc-q35-5.2')];
    const [h72, h52] = chooseHosts({ kind: 'manifest', manifest: src, machine: 'pc-q35-7.2' }, hosts);
    expect(h72?.decision).toBe('accept');
    expect(h72?.reasons.some((r) => r.kind === 'device-at-risk' && r.message.includes('breaks only for VMs with'))).toBe(true);
    expect(h52?.decision).toBe('reject');
    expect(h52?.reasons[0]?.kind).toBe('machine-type-missing');

    // nvme 11.1 (v1) cannot load into 7.2 (v0): a VM with an nvme is rejected there.
    const [withNvme] = chooseHosts({ kind: 'manifest', manifest: src, machine: 'pc-q35-7.2', devices: ['nvme', 'e1000e'] }, [host('h72', '7.2', 'pc-q35-7.2')]);
    expect(withNvme?.decision).toBe('reject');
    expect(withNvme?.reasons.filter((r) => r.verdict === 'breaks').map((r) => r.device)).toEqual(['nvme']);
    const [without] = chooseHosts({ kind: 'manifest', manifest: src, machine: 'pc-q35-7.2', devices: ['e1000e'] }, [host('h72', '7.2', 'pc-q35-7.2')]);
    expect(without?.decision).toBe('accept');
  });

  it('warns when a host gives no manifest or no query-machines', () => {
    const [bare] = chooseHosts({ kind: 'manifest', manifest: src, machine: 'pc-q35-7.2' }, [{ name: 'bare' }]);
    expect(bare?.decision).toBe('accept');
    expect(bare?.reasons.map((r) => r.kind).sort()).toEqual(['devices-unchecked', 'machine-type-unchecked']);
  });
});
