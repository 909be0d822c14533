import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from '../format/test-support/fixtures.ts';
import { markLoads, parseLoadOutcomes, runtimeCheckOf, type ObservedLoad } from './observed-loads.ts';
import { fourBuildBoard } from './test-support/four-builds.ts';

function loads(file: string): readonly ObservedLoad[] {
  const parsed = parseLoadOutcomes(readFileSync(join(FIXTURES, file), 'utf8'));
  if (!parsed.ok) throw new Error(parsed.error.message);
  expect(parsed.skipped).toEqual([]);
  return parsed.loads;
}

describe('predicted against observed, on the real loads', () => {
  const x86 = fourBuildBoard('x86_64');
  const arm = fourBuildBoard('aarch64');

  it('real-runs: every x86 load between builds agrees except the 12 ring-size failures, which the virtio runtime check explains', () => {
    const all = loads('real-runs/results.csv');
    expect(all).toHaveLength(250);
    const s = markLoads(x86, all.filter((l) => l.arch === 'x86_64'));
    expect(s.counts).toEqual({ agree: 148, 'observed fail, manifests said fine': 12, 'observed success, manifests said fail': 0, 'same build': 72, 'off the board': 0 });
    const disagree = s.marks.filter((m) => m.agreement !== 'agree' && m.agreement !== 'same build');
    expect(new Set(disagree.map((m) => m.pair))).toEqual(new Set(['10.0->11.1']));
    expect(new Set(disagree.map((m) => m.load.config))).toEqual(new Set(['virtio', 'extra']));
    expect(disagree.every((m) => m.runtimeCheck?.family === 'virtio-rings')).toBe(true);
    expect(disagree[0]?.why).toContain('VQ 0 vring.num 1024 exceeds allocated max 256');
    // Every load the board predicts to load and that failed is on a VM with virtio devices, which the board marks at risk.
    expect(disagree.every((m) => m.atRiskDevices > 0)).toBe(true);
  });

  it('real-runs, aarch64: every failure is a runtime check the manifests cannot see (register lists, a pointer subsection)', () => {
    const s = markLoads(arm, loads('real-runs/results.csv').filter((l) => l.arch === 'aarch64'));
    expect(s.counts).toEqual({ agree: 0, 'observed fail, manifests said fine': 12, 'observed success, manifests said fail': 0, 'same build': 6, 'off the board': 0 });
    const families = s.marks.filter((m) => m.agreement !== 'same build').map((m) => `${m.pair} ${m.runtimeCheck?.family ?? '-'}`);
    expect(new Set(families)).toEqual(new Set(['7.2->10.0 arm-cpregs', '7.2->11.1 arm-cpregs', '10.0->7.2 arm-cpregs', '10.0->11.1 arm-cpregs', '11.1->7.2 arm-cpregs', '11.1->10.0 subsection-state']));
  });

  it('loads/results.csv (5.2, 7.2, 11.1): all agree', () => {
    const s = markLoads(x86, loads('loads/results.csv'));
    expect(s.counts.agree).toBe(23);
    expect(s.counts['same build']).toBe(21);
    expect(s.marks.filter((m) => m.agreement !== 'agree' && m.agreement !== 'same build')).toEqual([]);
  });

  it('the devices the board says break a forward promise, loaded for real (scripts/real-runs/board-breaks.ts): each failure predicted', () => {
    const s = markLoads(x86, loads('real-runs/board-breaks.csv'));
    expect(s.marks.map((m) => `${m.load.devices?.join(' ')} ${m.pair} ${m.prediction} ${m.agreement}`)).toEqual([
      'isa-vga 10.0->11.1 fails agree',
      'am53c974 7.2->10.0 fails agree',
      'dc390 7.2->11.1 fails agree',
    ]);
    // The judge named the message QEMU printed.
    expect(s.marks[0]?.why).toContain("Unknown savevm section or instance 'vga'");
    expect(s.marks[1]?.why).toContain('Missing section footer for pciespscsi');
    expect(s.marks[1]?.load.firstError).toContain('Missing section footer for 0000:00:01.0/pciespscsi');
  });

  it('a load into a build without the machine type is predicted to fail', () => {
    const s = markLoads(x86, [{ line: 2, source: '10.0', dest: '11.1', machine: 'pc-q35-2.4', config: 'x', outcome: 'FAILED', firstError: "qemu-system-x86_64: unsupported machine type 'pc-q35-2.4'", arch: undefined, devices: undefined }]);
    expect(s.marks[0]).toMatchObject({ prediction: 'fails', agreement: 'agree' });
  });
});

describe('the load CSV', () => {
  it('reads quoted fields and refuses a file without the needed columns', () => {
    const ok = parseLoadOutcomes('src_version,dst_version,machine,config,outcome,first_error_line\n7.2,11.1,pc-q35-7.2,x,FAILED,"a, ""quoted"" line"\n');
    expect(ok.ok && ok.loads[0]?.firstError).toBe('a, "quoted" line');
    const bad = parseLoadOutcomes('a,b\n1,2\n');
    expect(bad.ok).toBe(false);
  });

  it('names the runtime check of an error line by its message', () => {
    expect(runtimeCheckOf({ firstError: '2026-12-06T12:21:45.859104Z qemu-system-aarch64: Invalid value 275 expecting positive value <= 258', arch: 'aarch64' })?.family).toBe('arm-cpregs');
    expect(runtimeCheckOf({ firstError: 'qemu-system-x86_64: Machine type received is pc-q35-7.2 and local is pc-q35-10.0', arch: 'x86_64' })).toBeUndefined();
  });
});
