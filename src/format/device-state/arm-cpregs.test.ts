import { describe, expect, it } from 'vitest';
import { armCpregByKey, armCpregKeyToId, armCpregName, armCpregs, decodeArmCpregId } from '../index.ts';
import { decodeFixture } from './test-support/decoded.ts';

describe('Arm system register ids (cpreg_to_kvm_id)', () => {
  it('AArch64 ids decode to op0, op1, CRn, CRm, op2, with the name where QEMU defines it', () => {
    expect(decodeArmCpregId(0x603000000013c080n)).toEqual({ kind: 'aarch64', op0: 3, op1: 0, crn: 1, crm: 0, op2: 0 });
    expect(armCpregName(0x603000000013c080n)).toBe('S3_0_C1_C0_0 SCTLR_EL1');
    expect(armCpregName(0x603000000013df1an)).toBe('S3_3_C14_C3_2 CNTV_CVAL_EL0');
    expect(armCpregName(0x6030000000138002n)).toBe('S2_0_C0_C0_2');
  });

  it('AArch32 ids: cp, opc1, CRn, CRm, opc2, the 64-bit (MRRC) form, and the non-secure bank bit', () => {
    expect(decodeArmCpregId(0x40200000200f0001n)).toEqual({ kind: 'aarch32', cp: 15, is64: false, ns: true, opc1: 0, crn: 0, crm: 0, opc2: 1 });
    expect(armCpregName(0x40200000000f6800n)).toBe('p15_0_c13_c0_0 (AArch32)');
    expect(armCpregName(0x40300000200e0080n)).toBe('p14_0_c1 (AArch32, non-secure)');
  });

  it('ids of other register classes are not guessed at', () => {
    // KVM_REG_ARM_CORE, and an AArch64 id with stray bits.
    expect(decodeArmCpregId(0x6030000000100000n)).toBeUndefined();
    expect(armCpregName(0x6030000000100000n)).toBe('0x6030000000100000');
    expect(decodeArmCpregId(0x603000010013c080n)).toBeUndefined();
  });
});

describe('the register list of the real aarch64 cpu sections', () => {
  for (const id of ['aarch64/11.1/virt-11.1-minimal', 'aarch64/11.1/virt-7.2-virtio-pci']) {
    it(id, async () => {
      const { result } = await decodeFixture(id);
      const cpu = result.sections.find((s) => s.idstr === 'cpu')!;
      const list = armCpregs(cpu.node)!;
      expect(list.arrayLen?.value).toBe(274);
      expect(list.regs).toHaveLength(274);
      const base = list.arrayLen!.offset + 4;
      list.regs.forEach((r, i) => {
        expect(r.index).toBe(i);
        expect(r.id.offset).toBe(base + 8 * i);
        expect(r.value?.offset).toBe(base + 8 * 274 + 8 * i);
        expect(r.reg).toBeDefined();
        expect(r.id.node.note).toBe(r.name);
        expect(r.value?.node.note).toBe(`value of ${r.name}`);
      });
      // QEMU keeps the list sorted by id: cpu_post_load's merge relies on it.
      for (let i = 1; i < list.regs.length; i++) expect(list.regs[i]!.id.value > list.regs[i - 1]!.id.value).toBe(true);
      const sctlr = list.regs.find((r) => r.name === 'S3_0_C1_C0_0 SCTLR_EL1');
      expect(sctlr?.value?.value).toBeDefined();
    });
  }
});

describe('the keys a TCG destination prints (kvm_to_cpreg_id) lead back to the ids', () => {
  it('AArch64: the key carries CP_REG_AA64_MASK instead of the KVM arch and size bits', () => {
    expect(armCpregKeyToId(0x1013c080)).toBe(0x603000000013c080n);
  });

  it('AArch32: 32- and 64-bit views; the non-secure bit the destination adds still matches', async () => {
    expect(armCpregKeyToId(0x200f0001)).toBe(0x40200000200f0001n);
    expect(armCpregKeyToId(0x200e8080)).toBe(0x40300000200e0080n);
    const { result } = await decodeFixture('aarch64/11.1/virt-11.1-minimal');
    const list = armCpregs(result.sections.find((s) => s.idstr === 'cpu')!.node)!;
    // 0x40200000200e0000 has no secure twin: found from the key with the NS bit.
    expect(armCpregByKey(list, 0x200e0000)?.name).toBe('p14_0_c0_c0_0 (AArch32, non-secure)');
    // 0x40200000000f6800 (secure bank) and 0x40200000200f6800 (non-secure) are both in the
    // stream, and the message prints both as 0x200f6800: it cannot say which one.
    expect(list.regs.filter((r) => (r.id.value & ~(1n << 29n)) === 0x40200000000f6800n)).toHaveLength(2);
    expect(armCpregByKey(list, 0x200f6800)).toBeUndefined();
    expect(armCpregByKey(list, 0x1013c080)?.name).toBe('S3_0_C1_C0_0 SCTLR_EL1');
    expect(armCpregByKey(list, 0x1013ffff)).toBeUndefined();
  });
});
