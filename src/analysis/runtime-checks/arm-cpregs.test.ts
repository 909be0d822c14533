/**
 * Arm register lists on real streams (fixtures/real-runs, virt-7.2 with cortex-a57 under TCG:
 * 258 registers in 7.2, 275 in 10.0, 274 in 11.1), judged with the destination build's own
 * stream of the same configuration (--dest-sample).
 */
import { describe, expect, it } from 'vitest';
import { predictLoad } from '../explain/predict.ts';
import { decodeRealStream, realDestination, realRuns, type RealRun } from '../test-support/real-runs.ts';
import { cpregKey32 } from './arm-cpregs.ts';

function run(src: string, dst: string, config = 'minimal'): RealRun {
  const r = realRuns().find((x) => x.arch === 'aarch64' && x.src === src && x.dst === dst && x.config === config);
  if (r === undefined) throw new Error(`no real run ${src} -> ${dst}`);
  return r;
}

async function withSample(r: RealRun) {
  return predictLoad(await decodeRealStream(r.streamFile), await realDestination(r, { sample: true }));
}

describe('the 32-bit key 11.1 prints', () => {
  it('is the id without its 64-bit arch and size fields', () => {
    expect(cpregKey32(0x603000000013c030n).toString(16)).toBe('1013c030');
    expect(cpregKey32(0x40200000200f3a00n).toString(16)).toBe('200f3a00');
  });
});

describe('older -> newer', () => {
  it('7.2 -> 11.1: the two registers only 7.2 lists are named, one line each', async () => {
    const p = await withSample(run('7.2', '11.1'));
    expect(p.verdict).toBe('fails');
    const lines = p.failure!.message.split('\n');
    expect(lines.slice(0, 2)).toEqual([
      'handle_cpreg_only_in_incoming_stream: system register 0x200f3a00 in the incoming stream but unknown on the destination: fail migration',
      'handle_cpreg_only_in_incoming_stream: system register 0x1013c030 in the incoming stream but unknown on the destination: fail migration',
    ]);
    expect(lines[2]).toBe("load of migration failed: Invalid argument: error while loading state for instance 0x0 of device 'cpu': post load hook failed for: cpu, version_id: 22, minimum_version: 22, ret: -1");
    expect(p.failure!.field).toBe('cpreg_vmstate_indexes[86]');
    expect(p.failure!.values.map((v) => v.name)).toEqual(['cpreg p15_0_c7_c4_0 (AArch32, non-secure)', 'cpreg S3_0_C0_C6_0 ID_AA64ISAR0_EL1']);
    expect(p.failure!.explanation).toContain('258 system registers');
    expect(p.failure!.explanation).toContain('274 for the same CPU model');
  });

  it('7.2 -> 10.0: the walk fails without a message of its own', async () => {
    const p = await withSample(run('7.2', '10.0'));
    expect(p.failure!.message.split('\n')).toEqual(["error while loading state for instance 0x0 of device 'cpu'", 'load of migration failed: Operation not permitted']);
    expect(p.failure!.field).toBe('cpreg_vmstate_indexes[86]');
  });
});

describe('newer -> older', () => {
  it('10.0 -> 7.2 and 11.1 -> 7.2: the longer list is refused at its length', async () => {
    for (const [src, len] of [
      ['10.0', 275],
      ['11.1', 274],
    ] as const) {
      const p = await withSample(run(src, '7.2', 'virtio-mmio'));
      expect(p.failure!.message.split('\n').slice(0, 2)).toEqual([`Invalid value ${len} expecting positive value <= 258`, 'Failed to load cpu:cpreg_vmstate_array_len']);
      expect(p.failure!.field).toBe('cpreg_vmstate_array_len');
      expect(p.failure!.values[0]).toMatchObject({ name: 'cpreg_vmstate_array_len', value: String(len), length: 4 });
    }
  });
});

describe('same release', () => {
  it('loads on 7.2, 10.0 and 11.1', async () => {
    for (const v of ['7.2', '10.0', '11.1']) expect((await withSample(run(v, v))).verdict).toBe('loads');
  });
});

describe('without the destination list', () => {
  it('is at risk, naming --dest-sample', async () => {
    const r = run('7.2', '11.1');
    const p = predictLoad(await decodeRealStream(r.streamFile), await realDestination(r));
    expect(p.verdict).toBe('at-risk');
    expect(p.notes.find((n) => n.code === 'CPREG_LIST_UNKNOWN')?.text).toContain('--dest-sample');
  });
});
