/**
 * `check --stream` with the destination's load checks, against every real load: fixtures/real-runs
 * (Debian's 5.2, 7.2, 10.0.13 and 11.1.3; x86_64 and aarch64) and fixtures/loads. The reports come
 * from the call the CLI makes (test-support/real-checks.ts).
 */
import { describe, expect, it } from 'vitest';
import { allRealLoads, checkRealLoad, type RealLoad } from './test-support/real-checks.ts';
import { runtimeFindings } from './runtime-findings.ts';
import { decodeRealStream, realCommandLine, realRuns } from './test-support/real-runs.ts';
import type { JudgeFinding } from './verdict.ts';

const loads = allRealLoads();

/** The first line QEMU printed, without its timestamp and program name. */
function qemuLine(load: RealLoad): string {
  return load.firstError.replace(/^\S+Z /, '').replace(/^qemu-system-\w+: /, '');
}

const breaking = (findings: readonly JudgeFinding[]): string[] => findings.filter((f) => f.verdict === 'breaks').map((f) => `${f.path}: ${f.reason}`);

describe('the real loads', () => {
  it('are 294: 250 of fixtures/real-runs (24 failed from a runtime check) and 44 of fixtures/loads (all succeeded)', () => {
    expect(loads.length).toBe(294);
    expect(loads.filter((l) => l.outcome === 'FAILED').length).toBe(24);
    // Every load has the destination build's own stream of its configuration.
    expect(loads.filter((l) => l.sample === undefined)).toEqual([]);
  });
});

describe.each(loads.map((l) => [l.id, l] as const))('%s', (_id, load) => {
  if (load.sample !== undefined) {
    it(`with the destination's release, command line and sample: ${load.outcome === 'FAILED' ? 'breaks, with the line QEMU printed' : 'no breaking finding'}`, async () => {
      const report = await checkRealLoad(load, 'release+cmdline+sample');
      if (load.outcome === 'SUCCEEDED') {
        expect(breaking(report.findings)).toEqual([]);
        return;
      }
      expect(report.verdict).toBe('breaks');
      // Only runtime checks break, and the first (in stream order) is where QEMU stopped.
      const breaks = report.findings.filter((f) => f.verdict === 'breaks');
      expect(breaks.every((f) => f.kind === 'runtime-check')).toBe(true);
      const first = breaks[0]?.runtime;
      expect(first?.message?.split('\n')[0]).toBe(qemuLine(load));
      expect(first?.offset).toBeGreaterThan(first?.section?.offset ?? Infinity);
      expect(first?.field).toBeDefined();
    });
  }

  it(`without a sample: ${load.outcome === 'FAILED' ? 'breaks or at-risk naming the missing input' : 'no breaking finding'}`, async () => {
    const report = await checkRealLoad(load, 'release+cmdline');
    if (load.outcome === 'SUCCEEDED') {
      expect(breaking(report.findings)).toEqual([]);
      return;
    }
    expect(report.verdict).not.toBe('fine');
    if (report.verdict === 'at-risk') {
      const risks = report.findings.filter((f) => f.verdict === 'at-risk' && f.kind === 'runtime-check');
      expect(risks.flatMap((f) => f.runtime?.missing ?? [])).toContain('--dest-sample');
      expect(risks.some((f) => f.reason.includes('--dest-sample'))).toBe(true);
    }
  });
});

describe('runtime findings', () => {
  const x86 = loads.find((l) => l.id === 'real-runs x86_64 10.0__11.1__pc-q35-7.2-virtio') as RealLoad;
  const arm = loads.find((l) => l.id === 'real-runs aarch64 7.2__11.1__virt-7.2-minimal') as RealLoad;

  it("a ring 11.1 refuses: QEMU's message, the section, the field and its byte offset", async () => {
    const report = await checkRealLoad(x86, 'release+cmdline');
    const net = report.findings.find((f) => f.kind === 'runtime-check' && f.device === 'virtio-net');
    expect(net).toMatchObject({
      verdict: 'breaks',
      qomTypes: ['virtio-net-pci'],
      path: 'virtio-net > virtio/queues[0]/vring.num',
      runtime: {
        family: 'virtio-rings',
        section: { idstr: '0000:00:01.0/virtio-net', instance: 0 },
        field: 'virtio/queues[0]/vring.num',
        offset: 0x174795,
        length: 4,
        missing: [],
      },
    });
    expect(net?.reason).toBe(
      `QEMU 11.1's device load code refuses section '0000:00:01.0/virtio-net' instance 0 at 0x174795 (virtio/queues[0]/vring.num): it fails with "VQ 0 vring.num 1024 exceeds allocated max 256" (hw/virtio/virtio.c virtio_load()).`,
    );
    expect(net?.runtime?.explanation).toContain("rx_queue_size=256, virtio-net-pci's default");
    // The device's verdict counts it.
    expect(report.devices.find((d) => d.device === 'virtio-net')?.verdict).toBe('breaks');
  });

  it('without the release, the ring check is at risk and names --dest-version', async () => {
    const stream = await decodeRealStream('streams/x86_64/10.0/pc-q35-7.2-virtio.mig.gz');
    const { findings } = runtimeFindings(stream, {});
    const rings = findings.filter((f) => f.runtime?.family === 'virtio-rings');
    expect(rings.filter((f) => f.verdict === 'breaks')).toEqual([]);
    // virtio-blk's queue 0 was resized by the firmware: it fits whatever the release.
    const risks = rings.filter((f) => f.verdict === 'at-risk');
    expect(risks.map((f) => f.device)).toEqual(['virtio-net', 'virtio-balloon', 'virtio-console', 'virtio-gpu', 'virtio-rng']);
    expect(risks.every((f) => f.runtime?.missing.includes('--dest-version') === true && f.reason.includes('give --dest-version'))).toBe(true);
  });

  it('a 10.0 destination makes no ring check: the same rings raise nothing there', async () => {
    const stream = await decodeRealStream('streams/x86_64/10.0/pc-q35-7.2-virtio.mig.gz');
    const { findings } = runtimeFindings(stream, { version: { major: 10, minor: 0 } });
    expect(findings.filter((f) => f.runtime?.family === 'virtio-rings')).toEqual([]);
  });

  it('RAM block sizes: guest RAM against the destination -m, one finding per block', async () => {
    const run = realRuns().find((r) => r.id === 'x86_64 7.2__11.1__pc-q35-7.2-virtio');
    if (run === undefined) throw new Error('no such run');
    const stream = await decodeRealStream(run.streamFile);
    const cmdline = realCommandLine(run);
    const same = runtimeFindings(stream, { version: { major: 11, minor: 1 }, cmdline });
    expect(same.findings.filter((f) => f.runtime?.family === 'ram-blocks')).toEqual([]);
    const bigger = runtimeFindings(stream, { version: { major: 11, minor: 1 }, cmdline: { ...cmdline, memory: 2 * (cmdline.memory ?? 0) } });
    const ram = bigger.findings.filter((f) => f.runtime?.family === 'ram-blocks');
    expect(ram.map((f) => [f.device, f.verdict, f.path])).toEqual([['ram', 'breaks', 'ram > ram/pc.ram']]);
    expect(ram[0]?.runtime?.message?.split('\n')[0]).toMatch(/^Size mismatch: pc\.ram: 0x[0-9a-f]+ != 0x[0-9a-f]+: Invalid argument$/);
    expect(ram[0]?.runtime?.offset).toBeGreaterThan(0);
  });

  it("Arm register lists: at risk without the destination's sample, breaking with it", async () => {
    const without = await checkRealLoad(arm, 'release+cmdline');
    const risk = without.findings.filter((f) => f.kind === 'runtime-check' && f.verdict === 'at-risk');
    expect(risk.map((f) => [f.device, f.runtime?.family, f.runtime?.missing])).toEqual([['cpu', 'arm-cpregs', ['--dest-sample']]]);
    const withSample = await checkRealLoad(arm, 'release+cmdline+sample');
    const cpu = withSample.findings.find((f) => f.verdict === 'breaks');
    expect(cpu).toMatchObject({ kind: 'runtime-check', device: 'cpu', path: 'cpu > cpreg_vmstate_indexes[86]', runtime: { family: 'arm-cpregs', offset: 0x96851 } });
    expect(cpu?.runtime?.message?.split('\n')[0]).toBe('handle_cpreg_only_in_incoming_stream: system register 0x200f3a00 in the incoming stream but unknown on the destination: fail migration');
  });
});
