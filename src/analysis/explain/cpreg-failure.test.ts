import { describe, expect, it } from 'vitest';
import { armCpregs, bytesSource, decodeStream } from '../../format/index.ts';
import { readGunzipped, streamFixtures } from '../../format/test-support/fixtures.ts';
import { explainLoad } from './explain.ts';

const ID = 'aarch64/11.1/virt-7.2-minimal';

async function stream() {
  return decodeStream(bytesSource(readGunzipped(streamFixtures().find((f) => f.id === ID)!.path), ID));
}

/** 11.1 under TCG: the register line, then the chained failure of the cpu section. */
function log(register: string): string {
  return [
    `qemu-system-aarch64: handle_cpreg_only_in_incoming_stream: system register ${register} in the incoming stream but unknown on the destination: fail migration`,
    "qemu-system-aarch64: load of migration failed: Operation not permitted: error while loading state for instance 0x0 of device 'cpu': post load hook failed for: cpu, version_id: 22, minimum_version: 22, ret: -1",
  ].join('\n');
}

describe('a system register only the stream has points at its id in cpreg_vmstate_indexes', () => {
  it('TCG key of SCTLR_EL1', async () => {
    const s = await stream();
    const reg = armCpregs(s.sections.find((x) => x.idstr === 'cpu')!.node)!.regs.find((r) => r.name.endsWith('SCTLR_EL1'))!;
    const f = explainLoad({ stream: s, log: log('0x1013c080') }).failure!;
    expect(f.section?.idstr).toBe('cpu');
    expect(f.field).toBe(`cpreg_vmstate_indexes[${reg.index}]`);
    expect([f.offset, f.length]).toEqual([reg.id.offset, 8]);
    expect(f.values).toEqual([
      { name: `cpreg_vmstate_indexes[${reg.index}]`, offset: reg.id.offset, length: 8, value: '0x603000000013c080 (S3_0_C1_C0_0 SCTLR_EL1)' },
      { name: `cpreg_vmstate_values[${reg.index}]`, offset: reg.value!.offset, length: 8, value: `0x${reg.value!.value.toString(16)}` },
    ]);
  });

  it('every register the destination lists is quoted, the first is the place', async () => {
    const s = await stream();
    const text = log('0x200e0000').replace('\n', `\nqemu-system-aarch64: handle_cpreg_only_in_incoming_stream: system register 0x1013c080 in the incoming stream but unknown on the destination: fail migration\n`);
    const f = explainLoad({ stream: s, log: text }).failure!;
    expect(f.values.filter((v) => v.name.startsWith('cpreg_vmstate_indexes')).map((v) => v.value)).toEqual(['0x40200000200e0000 (p14_0_c0_c0_0 (AArch32, non-secure))', '0x603000000013c080 (S3_0_C1_C0_0 SCTLR_EL1)']);
    expect(f.offset).toBe(f.values[0]?.offset);
  });

  it('KVM names the fields instead', async () => {
    const s = await stream();
    const f = explainLoad({ stream: s, log: log('op0:3 op1:0 crn:1 crm:0 op2:0') }).failure!;
    expect(f.values[0]?.value).toBe('0x603000000013c080 (S3_0_C1_C0_0 SCTLR_EL1)');
  });

  it('a register the stream does not hold leaves the section as the place', async () => {
    const s = await stream();
    const f = explainLoad({ stream: s, log: log('0x1013ffff') }).failure!;
    expect(f.field === undefined || !f.field.startsWith('cpreg_vmstate_indexes')).toBe(true);
  });
});
