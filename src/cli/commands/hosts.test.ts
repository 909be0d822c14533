import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../test-support/run-cli.ts';
import { parseHostsArgs } from './hosts.ts';

const FIXTURES = fileURLToPath(new URL('../../../fixtures/', import.meta.url));
const V = `${FIXTURES}versions`;
const host = (name: string, version: string, machine: string, ...extra: string[]) =>
  ['--host', `${name}:${[`${V}/${version}/vmstate-${machine}.json.gz`, `${V}/${version}/qmp-query-machines.json`, ...extra].join(',')}`];

const run = runCli;

interface HostsJson {
  vm: { from: string; machineType: string };
  hosts: { host: string; decision: string; reasons: { kind: string; verdict: string; message: string }[] }[];
}

describe('migscope hosts', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'migscope-hosts-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('rejects a 7.2 host for an 11.1 pc-q35-11.1 stream and accepts an 11.1 host (exit 0)', async () => {
    const result = await run(['hosts', '--stream', `${FIXTURES}streams/11.1/pc-q35-11.1-default.mig.gz`, ...host('old', '7.2', 'pc-q35-7.2'), ...host('new', '11.1', 'pc-q35-11.1'), '--json']);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    const h = JSON.parse(result.out) as HostsJson;
    expect(h.vm).toMatchObject({ from: 'stream', machineType: 'pc-q35-11.1' });
    expect(h.hosts.map((x) => `${x.host}:${x.decision}`)).toEqual(['old:reject', 'new:accept']);
    expect(h.hosts[0]?.reasons[0]?.kind).toBe('machine-type-missing');
  });

  it('exits 1 when every host rejects, and says why in text', async () => {
    const result = await run(['hosts', '--stream', `${FIXTURES}streams/11.1/pc-q35-11.1-default.mig.gz`, ...host('old', '7.2', 'pc-q35-7.2')]);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/^old: reject$/m);
    expect(result.out).toMatch(/^ {2}reject {2}old does not offer machine type pc-q35-11\.1/m);
  });

  it('works from a source manifest and machine type, with device models', async () => {
    const need = join(dir, 'need.json');
    const offer = join(dir, 'offer.json');
    writeFileSync(need, JSON.stringify([{ model: 'https://example.org/nic', versions: [{ name: '2' }] }]));
    writeFileSync(offer, JSON.stringify([{ model: 'https://example.org/nic', versions: [{ name: '2', params: ['mq'] }] }]));
    const result = await run([
      'hosts',
      '--src-manifest',
      `${V}/7.2/vmstate-pc-q35-7.2.json.gz`,
      '--machine',
      'pc-q35-7.2',
      '--models',
      need,
      ...host('with', '11.1', 'pc-q35-7.2', offer),
      ...host('without', '11.1', 'pc-q35-7.2'),
      '--json',
    ]);
    expect(result.code).toBe(0);
    const h = JSON.parse(result.out) as HostsJson;
    expect(h.hosts.map((x) => `${x.host}:${x.decision}`)).toEqual(['with:accept', 'without:reject']);
    expect(h.hosts[1]?.reasons.find((r) => r.verdict === 'breaks')?.kind).toBe('models-unchecked');
  });

  it('exits 2 on bad input with one line naming file and JSON path', async () => {
    const bad = join(dir, 'bad-models.json');
    writeFileSync(bad, '[{"model": "x", "params": "mq"}]');
    const result = await run(['hosts', '--stream', `${FIXTURES}streams/11.1/pc-q35-11.1-default.mig.gz`, ...host('h', '11.1', 'pc-q35-11.1', bad)]);
    expect(result.code).toBe(2);
    expect(result.out).toBe('');
    expect(result.err).toBe(`error: ${bad}: $[0].params: expected an array, got a string\n`);
    const twice = await run(['hosts', '--stream', `${FIXTURES}streams/11.1/pc-q35-11.1-default.mig.gz`, '--host', `h:${V}/11.1/qmp-query-machines.json,${V}/7.2/qmp-query-machines.json`]);
    expect(twice.code).toBe(2);
    expect(twice.err).toMatch(/already has a query-machines reply\n$/);
  });

  describe("the hosts' load checks (fixtures/real-runs)", () => {
    const RR = `${FIXTURES}real-runs/`;
    interface RuntimeHostsJson {
      hosts: {
        host: string;
        release: string | null;
        releaseFrom: string | null;
        sample: string | null;
        decision: string;
        reasons: { kind: string; verdict: string; message: string; device?: string; runtime?: { family: string; offset?: number; field?: string; message?: string; missing: string[] } }[];
      }[];
    }

    it('rejects an 11.1 host for a 10.0.13 virtio VM (its rings exceed what 11.1 allocates) and accepts a 10.0 host', async () => {
      const result = await run([
        'hosts',
        '--stream', `${RR}streams/x86_64/10.0/pc-q35-7.2-virtio.mig.gz`,
        '--host', `trixie:${RR}versions/10.0/vmstate-pc-q35-7.2.json.gz,${RR}versions/10.0/qmp-query-machines.json`,
        ...host('sid', '11.1', 'pc-q35-7.2'),
        '--json',
      ]);
      expect(result.err).toBe('');
      expect(result.code).toBe(0);
      const h = JSON.parse(result.out) as RuntimeHostsJson;
      expect(h.hosts.map((x) => [x.host, x.release, x.releaseFrom, x.decision])).toEqual([
        ['trixie', '10.0', 'path', 'accept'],
        ['sid', '11.1', 'path', 'reject'],
      ]);
      const refused = h.hosts[1]?.reasons.filter((r) => r.kind === 'runtime-check-fails') ?? [];
      expect(refused.map((r) => r.device)).toEqual(['virtio-net', 'virtio-balloon', 'virtio-console', 'virtio-gpu', 'virtio-rng']);
      expect(refused[0]).toMatchObject({ verdict: 'breaks', runtime: { family: 'virtio-rings', field: 'virtio/queues[0]/vring.num', offset: 0x174795 } });
      expect(refused[0]?.message).toContain('"VQ 0 vring.num 1024 exceeds allocated max 256"');
      expect(h.hosts[0]?.reasons.filter((r) => r.kind.startsWith('runtime-check'))).toEqual([]);

      const text = await run(['hosts', '--stream', `${RR}streams/x86_64/10.0/pc-q35-7.2-virtio.mig.gz`, ...host('sid', '11.1', 'pc-q35-7.2')]);
      expect(text.code).toBe(1);
      expect(text.out).toMatch(/^sid: reject\n {2}QEMU 11\.1 \(from its files' folder or name\)\n/m);
      expect(text.out).toMatch(/^ {2}reject {2}virtio-net: QEMU 11\.1's device load code refuses section '0000:00:01\.0\/virtio-net' instance 0 at 0x174795/m);
    });

    it("judges an Arm VM's register list by the host's sample, and warns what is missing without one", async () => {
      const manifest = `${FIXTURES}versions-extra/aarch64-11.1/vmstate-virt-7.2.json.gz`;
      const result = await run([
        'hosts',
        '--stream', `${RR}streams/aarch64/7.2/virt-7.2-minimal.mig.gz`,
        '--host', `with:${manifest},${RR}streams/aarch64/11.1/virt-7.2-minimal.mig.gz`,
        '--host', `without:11.1=${manifest}`,
        '--host', `own:${RR}versions/aarch64-7.2/vmstate-virt-7.2.json.gz,7.2=${RR}streams/aarch64/7.2/virt-7.2-minimal.mig.gz`,
        '--json',
      ]);
      expect(result.err).toBe('');
      const h = JSON.parse(result.out) as RuntimeHostsJson;
      expect(h.hosts.map((x) => [x.host, x.release, x.releaseFrom, x.sample !== null, x.decision])).toEqual([
        ['with', '11.1', 'path', true, 'reject'],
        ['without', '11.1', 'label', false, 'accept'],
        ['own', '7.2', 'label', true, 'accept'],
      ]);
      const refused = h.hosts[0]?.reasons.find((r) => r.kind === 'runtime-check-fails');
      expect(refused?.runtime).toMatchObject({ family: 'arm-cpregs', field: 'cpreg_vmstate_indexes[86]', offset: 0x96851 });
      expect(refused?.runtime?.message?.split('\n')[0]).toBe('handle_cpreg_only_in_incoming_stream: system register 0x200f3a00 in the incoming stream but unknown on the destination: fail migration');
      const warning = h.hosts[1]?.reasons.find((r) => r.kind === 'runtime-check-at-risk');
      expect(warning).toMatchObject({ verdict: 'at-risk', device: 'cpu', runtime: { family: 'arm-cpregs', missing: ['--dest-sample'] } });
      expect(warning?.message).toContain("For without, give a stream the host's build saved with the VM's configuration (among the host's files).");
      expect(h.hosts[2]?.reasons.filter((r) => r.kind.startsWith('runtime-check'))).toEqual([]);
    });

    it('refuses a host whose files name two releases, a bad label, and a sample that does not decode', async () => {
      const stream = `${RR}streams/x86_64/10.0/pc-q35-7.2-virtio.mig.gz`;
      const two = await run(['hosts', '--stream', stream, '--host', `h:7.2=${V}/7.2/vmstate-pc-q35-7.2.json.gz,11.1=${V}/11.1/qmp-query-machines.json`]);
      expect(two.code).toBe(2);
      expect(two.err).toMatch(/^error: hosts: host h: its files name releases 7\.2 and 11\.1 .*; label them alike\n$/);
      const bad = await run(['hosts', '--stream', stream, '--host', `h:seven=${V}/7.2/vmstate-pc-q35-7.2.json.gz`]);
      expect(bad.err).toMatch(/^error: hosts: host h: 'seven' in seven=.* is not a QEMU version/);
      const cut = join(dir, 'cut.mig');
      writeFileSync(cut, gunzipSync(readFileSync(stream)).subarray(0, 5000));
      const damaged = await run(['hosts', '--stream', stream, '--host', `h:${V}/11.1/vmstate-pc-q35-7.2.json.gz,${cut}`]);
      expect(damaged.code).toBe(2);
      expect(damaged.err).toMatch(/^error: hosts: host h: .*cut\.mig: the stream does not decode \(UNEXPECTED_EOF at 0x/);
    });
  });

  it.each([
    [[], 'give at least one --host'],
    [['--host', 'h:a'], 'give --stream, or --src-manifest with --machine'],
    [['--stream', 's', '--host', 'nofiles'], "--host takes NAME:FILE[,FILE...], got 'nofiles'"],
    [['--stream', 's', '--host', 'h:a', '--devices', 'nvme'], '--devices is for --src-manifest without --stream (a stream lists its devices)'],
    [['--stream', 's', '--host', 'h:a', '--bogus'], "unknown option '--bogus'"],
  ])('usage error for %j', async (args, message) => {
    expect(parseHostsArgs(args)).toBe(message);
    const result = await run(['hosts', ...args]);
    expect(result.code).toBe(2);
    expect(result.err.split('\n')[0]).toBe(`error: hosts: ${message}`);
  });
});

describe('migscope hosts with assigned devices', () => {
  it('rejects hosts without the mdev type or a free instance, with the reason; a match by compatible_type traits only warns', async () => {
    const F = fileURLToPath(new URL('../../../fixtures/', import.meta.url));
    const M = `${F}mdev/`;
    const H = `${F}versions/7.2/vmstate-pc-q35-7.2.json.gz,${F}versions/7.2/qmp-query-machines.json`;
    const r = await runCli([
      'hosts', '--src-manifest', `${F}versions/7.2/vmstate-pc-q35-7.2.json.gz`, '--machine', 'pc-q35-7.2',
      '--assigned', `${M}vm-domain.xml`, '--vm-mdev', `${M}mdevctl.d/0000:00:02.0/4b20d080-1b54-4048-85b3-a6a62d165c01`, '--src-mdev-types', `${M}source-host.mdevctl-types.json`,
      '--host', `same:${H},${M}host-same-type.mdevctl-types.json`, '--host', `full:${H},${M}host-full.sysfs.txt`, '--host', `other:${H},${M}host-other-vendor.sysfs.txt`, '--host', `traits:${H},${M}host-traits.mdevctl-types.json`,
      '--json',
    ]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { hosts: { host: string; decision: string; reasons: { kind: string; verdict: string }[] }[] };
    expect(j.hosts.map((h) => [h.host, h.decision])).toEqual([['same', 'accept'], ['full', 'reject'], ['other', 'reject'], ['traits', 'accept']]);
    expect(j.hosts[1]?.reasons[0]).toMatchObject({ kind: 'mdev-no-instance', verdict: 'breaks' });
    expect(j.hosts[3]?.reasons.map((x) => x.kind)).toContain('mdev-compatible-by-traits');
    expect(j.hosts.every((h) => h.reasons.some((x) => x.kind === 'pci-assigned-unchecked'))).toBe(true);
  });
});
