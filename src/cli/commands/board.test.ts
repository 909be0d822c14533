import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from '../../format/test-support/fixtures.ts';
import { buildFiles, X86_BUILDS } from '../../analysis/test-support/four-builds.ts';
import { runCli } from '../test-support/run-cli.ts';

/** Each build's manifests and replies, as a release manager passes them: no VERSION= needed. */
const boardFiles = X86_BUILDS.flatMap((v) => {
  const b = buildFiles('x86_64', v);
  return [...b.manifests.slice(0, 1), ...(b.compatProps !== undefined ? [b.compatProps] : b.queryMachines !== undefined ? [b.queryMachines] : [])];
});

interface BoardJson {
  builds: string[];
  pairs: { key: string; counts: { breaks: number } }[];
  machineTypes: { name: string; offeredBy: string[]; pairs: string[]; forward: { breaks: string[] } }[];
  cells: { qomType: string; source: string; dest: string; verdict: string; comparable: boolean; notComparable?: string }[];
  observed?: { counts: Record<string, number>; loads: { agreement: string; runtimeCheck?: { family: string } }[] };
}

describe('migscope matrix --all-machines', () => {
  it('judges every machine type of the four builds at once and marks the real loads', async () => {
    const r = await runCli(['matrix', ...boardFiles, '--all-machines', '--observed', join(FIXTURES, 'real-runs', 'results.csv'), '--json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const b = JSON.parse(r.out) as BoardJson;
    expect(b.builds).toEqual(['5.2', '7.2', '10.0', '11.1']);
    expect(b.machineTypes.find((m) => m.name === 'pc-i440fx-5.2')?.pairs).toHaveLength(12);
    expect(b.machineTypes.find((m) => m.name === 'pc-q35-9.0')?.forward.breaks).toEqual(['isa-vga']);
    const nvme = b.cells.find((c) => c.qomType === 'nvme' && c.source === '10.0' && c.dest === '11.1');
    expect(nvme).toMatchObject({ verdict: 'at-risk', comparable: false });
    expect(nvme?.notComparable).toContain('has no fields');
    // The aarch64 rows of the CSV are off this x86 board.
    expect(b.observed?.counts).toEqual({ agree: 148, 'observed fail, manifests said fine': 12, 'observed success, manifests said fail': 0, 'same build': 78, 'off the board': 12 });
    expect(b.observed?.loads.filter((l) => l.agreement === 'observed fail, manifests said fine').every((l) => l.runtimeCheck?.family === 'virtio-rings')).toBe(true);
  });

  it('prints the board, and one CSV line per machine type, pair and device not fine there', async () => {
    const text = await runCli(['matrix', ...boardFiles, '--all-machines']);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/^builds 5\.2, 7\.2, 10\.0, 11\.1; \d+ devices \(QOM types\), 12 pairs, \d+ machine types/);
    expect(text.out).toMatch(/^pc-q35-2\.4 +5\.2 7\.2 10\.0 +esp, am53c974, dc390, sysbus-esp \| am53c974, dc390, sysbus-esp \(deprecated in 10\.0\)$/m);
    expect(text.out).toMatch(/^ {2}isa-vga \(vga -> vga-isa\): 5\.2->11\.1 7\.2->11\.1 10\.0->11\.1 11\.1->5\.2 11\.1->7\.2 11\.1->10\.0$/m);
    const csv = await runCli(['matrix', ...boardFiles, '--all-machines', '--csv']);
    const lines = csv.out.trimEnd().split('\r\n');
    expect(lines[0]).toBe('machine type,qom type,section,source,destination,direction,verdict,comparable,breaking findings,at-risk findings,compat properties');
    expect(lines).toContain('pc-q35-10.0,isa-vga,vga -> vga-isa,10.0,11.1,forward,breaks,yes,1,0,');
    expect(lines.some((l) => l.startsWith('pc-q35-7.2,virtio-gpu-device,virtio-gpu,11.1,10.0,backward,at-risk,no,') && l.endsWith('10.0: virtio-gpu-device.x-scanout-vmstate-version=1; 11.1: virtio-gpu-device.x-scanout-vmstate-version=1'))).toBe(true);
  });

  it('refuses a stream or a machine type with --all-machines', async () => {
    const r = await runCli(['matrix', ...boardFiles, '--all-machines', '--machine', 'pc-q35-7.2']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--all-machines shows every machine type/);
  });
});

describe('migscope tiers with the four builds', () => {
  it('checks every promise: kept, broken (device and pair), ended, deprecated since', async () => {
    const files = X86_BUILDS.flatMap((v) => {
      const b = buildFiles('x86_64', v);
      return [...b.manifests.slice(0, 1), b.queryMachines ?? '', b.devices ?? ''];
    });
    const r = await runCli(['tiers', ...files, '--json']);
    expect(r.err).toBe('');
    const t = JSON.parse(r.out) as { checkedWith: string[]; machines: { name: string; standing: string; label: string; breaks: { qomType: string }[] }[]; devices: { qomType: string; standing: string }[] };
    expect(t.checkedWith).toEqual(['5.2', '7.2', '10.0', '11.1']);
    const row = (n: string) => t.machines.find((m) => m.name === n);
    expect(row('pc-q35-5.1')?.label).toBe('promise ended: removed in 11.1, deprecated since 10.0');
    expect(row('pc-q35-9.0')?.standing).toBe('broken');
    expect(row('pc-q35-9.0')?.breaks.map((b) => b.qomType)).toEqual(['isa-vga']);
    expect(t.devices.find((d) => d.qomType === 'isa-vga')?.standing).toBe('broken');
    const text = await runCli(['tiers', ...files]);
    expect(text.out).toMatch(/^pc-q35-9\.0 .* promised but broken$/m);
    expect(text.out).toMatch(/^ {2}pc-q35-9\.0: broken for VMs with isa-vga \(10\.0->11\.1\)$/m);
  });
});

describe('migscope compat-props', () => {
  const r10 = join(FIXTURES, 'real-runs', 'versions', '10.0', 'qmp-query-machines-compat-props.json.gz');
  const r11 = join(FIXTURES, 'versions-extra', '11.1', 'qmp-query-machines-compat-props.json.gz');

  it('--raw --all --csv: row for row what the 10.0 and 11.1 replies pin', async () => {
    const r = await runCli(['compat-props', r10, r11, '--all', '--raw', '--csv']);
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\r\n');
    const header = lines[0]?.split(',') ?? [];
    expect(header.slice(0, 2)).toEqual(['Driver', 'Property']);
    expect(header).toContain('10.0 pc-q35-7.2');
    expect(header).toContain('11.1 pc-q35-11.1');
    const gpu = lines.find((l) => l.startsWith('virtio-gpu-device,x-scanout-vmstate-version,'))?.split(',') ?? [];
    expect(gpu[header.indexOf('11.1 pc-q35-7.2')]).toBe('1');
    expect(gpu[header.indexOf('11.1 pc-q35-9.0')]).toBe('');
  });

  it('by default only the rows that differ, values normalised, migration-relevant ones marked', async () => {
    const r = await runCli(['compat-props', r10, r11, '--machine', 'pc-q35-7.2', '--machine', 'pc-q35-10.0']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^e1000e +migrate-timadj \[device state\] +off +off *$/m);
    expect(r.out).toMatch(/^70 rows$/m);
  });

  it('says a 7.2 reply has no compat properties', async () => {
    const r = await runCli(['compat-props', join(FIXTURES, 'versions', '7.2', 'qmp-query-machines.json'), r11, '--machine', 'pc-q35-7.2', '--json']);
    expect(r.err).toMatch(/^note: 7\.2: .* has no compat properties/m);
    const t = JSON.parse(r.out) as { columns: { key: string }[] };
    expect(t.columns.map((c) => c.key)).toEqual(['11.1 pc-q35-7.2']);
  });
});

describe('migscope device-manifest, then hosts', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'migscope-devman-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('exports a host manifest per build that the host chooser reads back', async () => {
    const m10 = join(FIXTURES, 'real-runs', 'versions', '10.0', 'vmstate-pc-q35-10.0.json.gz');
    const q10 = join(FIXTURES, 'real-runs', 'versions', '10.0', 'qmp-query-machines-compat-props.json.gz');
    const m11 = join(FIXTURES, 'versions', '11.1', 'vmstate-pc-q35-11.1.json.gz');
    const q11 = join(FIXTURES, 'versions-extra', '11.1', 'qmp-query-machines-compat-props.json.gz');
    const host10 = await runCli(['device-manifest', m10, '--compat-props', q10, '--json']);
    const host11 = await runCli(['device-manifest', m11, '--compat-props', q11, '--json']);
    const vm = await runCli(['device-manifest', m11, '--vm', '--devices', 'nvme,VGA,e1000e', '--json']);
    for (const r of [host10, host11, vm]) expect(r.code, r.err).toBe(0);
    writeFileSync(join(dir, 'host10.json'), host10.out);
    writeFileSync(join(dir, 'host11.json'), host11.out);
    writeFileSync(join(dir, 'vm.json'), vm.out);
    const gpu = (JSON.parse(host11.out) as { model: string; machines: Record<string, Record<string, string>> }[]).find((m) => m.model === 'qemu:device/virtio-gpu-device');
    expect(gpu?.machines['pc-q35-7.2']).toEqual({ 'x-scanout-vmstate-version': '1' });

    const hosts = await runCli(['hosts', '--src-manifest', m11, '--machine', 'pc-q35-10.0', '--models', join(dir, 'vm.json'), '--host', `10.0:${m10},${q10},${join(dir, 'host10.json')}`, '--host', `11.1:${m11},${q11},${join(dir, 'host11.json')}`, '--json']);
    expect(hosts.code).toBe(0);
    const h = JSON.parse(hosts.out) as { hosts: { host: string; decision: string; reasons: { kind: string; message: string }[] }[] };
    const ten = h.hosts.find((x) => x.host === '10.0');
    expect(ten?.decision).toBe('reject');
    expect(ten?.reasons.filter((x) => x.kind === 'model-params-missing').map((x) => x.message)).toEqual(['Device model qemu:device/nvme on 10.0: version nvme:1 unknown on the host.']);
    expect(h.hosts.find((x) => x.host === '11.1')?.decision).toBe('accept');
  });
});
