/**
 * The ring-size check on real streams (fixtures/real-runs): what 11.1's virtio_load() refuses
 * from a 10.0.13 source, where the destination's sizes come from, and what it lets through.
 */
import { describe, expect, it } from 'vitest';
import { predictLoad, type DestinationKnowledge } from '../explain/predict.ts';
import { parseQemuCommandLine } from '../explain/qemu-cmdline.ts';
import { join } from 'node:path';
import { readCsv } from '../explain/test-support/cases.ts';
import { decodeRealStream, REAL_RUNS, realCommandLine, realDestination, realRuns, type RealRun } from '../test-support/real-runs.ts';

function run(arch: string, src: string, dst: string, machine: string, config: string): RealRun {
  const r = realRuns().find((x) => x.arch === arch && x.src === src && x.dst === dst && x.machine === machine && x.config === config);
  if (r === undefined) throw new Error(`no real run ${src} -> ${dst} ${machine} ${config}`);
  return r;
}

async function predictWith(r: RealRun, change: (d: DestinationKnowledge) => DestinationKnowledge = (d) => d) {
  return predictLoad(await decodeRealStream(r.streamFile), change(await realDestination(r)));
}

function withArgs(r: RealRun, extra: string): DestinationKnowledge['cmdline'] {
  const base = realCommandLine(r);
  const parsed = parseQemuCommandLine(`qemu-system-x86_64 ${base.args.map((a) => `'${a}'`).join(' ')} ${extra}`);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}

describe('10.0.13 virtio streams into 11.1', () => {
  const q35 = run('x86_64', '10.0', '11.1', 'pc-q35-10.0', 'virtio');

  it("fails on virtio-net's rx queue: 1024 saved, 256 allocated (rx_queue_size's default)", async () => {
    const p = await predictWith(q35);
    expect(p.verdict).toBe('fails');
    const f = p.failure!;
    expect(f.cause).toBe('DEVICE_CHECK_FAILED');
    expect(f.section?.idstr).toBe('0000:00:01.0/virtio-net');
    expect(f.field).toBe('virtio/queues[0]/vring.num');
    expect(f.message.split('\n')).toEqual([
      'VQ 0 vring.num 1024 exceeds allocated max 256',
      "load of migration failed: Invalid argument: error while loading state for instance 0x0 of device '0000:00:01.0/virtio-net': Failed to load element of type virtio for virtio",
    ]);
    const num = f.values.find((v) => v.name === 'queue 0 vring.num')!;
    expect(num).toMatchObject({ value: '1024', length: 4, offset: f.offset });
    expect(f.explanation).toContain("rx_queue_size=256, virtio-net-pci's default");
    expect(f.explanation).toContain('QEMU 10.0.13');
    expect(f.explanation).toContain('QEMU 11.1');
    // tx and ctrl are fixed too: no property makes this device fit.
    expect(f.fix).toContain('No destination setting makes this device');
    expect(f.fix).toContain('cold migration');
  });

  it('with rx_queue_size=1024 on the destination, the next queue (tx, at most 256) fails', async () => {
    const raised = await predictWith(q35, (d) => {
      const c = realCommandLine(q35);
      return { ...d, cmdline: { ...c, devices: c.devices.map((x) => (x.driver === 'virtio-net-pci' ? { ...x, props: new Map([...x.props, ['rx_queue_size', '1024']]) } : x)) } };
    });
    expect(raised.failure?.message.split('\n')[0]).toBe('VQ 1 vring.num 1024 exceeds allocated max 256');
    const global = await predictWith(q35, (d) => ({ ...d, cmdline: withArgs(q35, '-global virtio-net-pci.rx_queue_size=1024') }));
    expect(global.failure?.message.split('\n')[0]).toBe('VQ 1 vring.num 1024 exceeds allocated max 256');
    expect(global.failure?.explanation).toContain('tx_queue_size=256');
  });

  it('fails on every machine type, i440fx and q35, and in the extra configuration (virtio-scsi)', async () => {
    for (const machine of ['pc-i440fx-5.2', 'pc-i440fx-7.2', 'pc-i440fx-10.0', 'pc-q35-5.2', 'pc-q35-7.2', 'pc-q35-10.0']) {
      const virtio = await predictWith(run('x86_64', '10.0', '11.1', machine, 'virtio'));
      expect(virtio.failure?.message.split('\n')[0]).toBe('VQ 0 vring.num 1024 exceeds allocated max 256');
      const extra = await predictWith(run('x86_64', '10.0', '11.1', machine, 'extra'));
      expect(extra.failure?.section?.idstr).toMatch(/\/virtio-scsi$/);
      expect(extra.failure?.explanation).toContain("virtqueue_size=256, virtio-scsi-pci's default");
    }
  });

  it('is at risk, naming the release, when the destination release is not given', async () => {
    const p = await predictWith(q35, (d) => ({ ...d, version: undefined, machines: undefined }));
    expect(p.verdict).toBe('at-risk');
    const note = p.notes.find((n) => n.code === 'RING_SIZE_UNKNOWN')!;
    expect(note.text).toContain('--dest-version');
    expect(note.text).toContain('vring.num 1024');
  });
});

describe('what the ring check lets through', () => {
  it('11.1 -> 10.0, 7.2 -> 11.1 and 5.2 -> 11.1 virtio streams load', async () => {
    for (const [src, dst] of [
      ['11.1', '10.0'],
      ['7.2', '11.1'],
      ['5.2', '11.1'],
      ['10.0', '10.0'],
      ['11.1', '11.1'],
    ] as const) {
      const p = await predictWith(run('x86_64', src, dst, 'pc-q35-5.2', 'virtio'));
      expect(p.verdict, `${src} -> ${dst}`).toBe('loads');
    }
  });

  it('virtio-mmio on virt-7.2: 11.1 allocates 1024 (hw_compat_11_0 x-override-queue-size), so the 10.0 rings pass and the CPU decides', async () => {
    const r = run('aarch64', '10.0', '11.1', 'virt-7.2', 'virtio-mmio');
    const p = predictLoad(await decodeRealStream(r.streamFile), await realDestination(r, { sample: true }));
    expect(p.notes.some((n) => n.code === 'RING_SIZE_UNKNOWN')).toBe(false);
    expect(p.failure?.section?.idstr).toBe('cpu');
  });
});

describe('the fixes it proposes, tried with QEMU 11.1.3 (fixtures/real-runs/fixes)', () => {
  const fixes = readCsv(join(REAL_RUNS, 'fixes', 'fixes.csv'));

  it('are the two real loads of fixes.csv', () => {
    expect(fixes.map((f) => [f.config, f.property, f.outcome])).toEqual([
      ['virtio', 'rx_queue_size', 'FAILED'],
      ['extra', 'virtqueue_size', 'SUCCEEDED'],
    ]);
  });

  it.each(fixes.map((f) => [`${f.device},${f.property}=${f.value}`, f] as const))('%s: predicted as QEMU did', async (_n, f) => {
    const r = run('x86_64', '10.0', '11.1', f.machine ?? '', f.config ?? '');
    const p = await predictWith(r, (d) => ({ ...d, cmdline: withProp(r, f.device ?? '', f.property ?? '', f.value ?? '') }));
    if (f.outcome === 'SUCCEEDED') expect(p.verdict).toBe('loads');
    else expect(p.failure?.message.split('\n')[0]).toBe((f.first_error_line ?? '').replace(/^\S+Z qemu-system-\w+: /, ''));
  });

  it('the proposed fix says whether it is enough', async () => {
    const extra = await predictWith(run('x86_64', '10.0', '11.1', 'pc-q35-10.0', 'extra'));
    expect(extra.failure?.fix).toContain('Start the destination with virtqueue_size=1024');
    expect(extra.failure?.fix).toContain('Checked: with virtqueue_size=1024 on the virtio-scsi-pci at 0000:00:04.0 the rest of the stream loads too.');
    const virtio = await predictWith(run('x86_64', '10.0', '11.1', 'pc-q35-10.0', 'virtio'));
    expect(virtio.failure?.fix).toContain('only rx_queue_size can be raised');
  });
});

function withProp(r: RealRun, driver: string, prop: string, value: string) {
  const c = realCommandLine(r);
  return { ...c, devices: c.devices.map((x) => (x.driver === driver ? { ...x, props: new Map([...x.props, [prop, value]]) } : x)) };
}
