/**
 * The system register list of an Arm `cpu` section (target/arm/machine.c vmstate_arm_cpu:
 * `cpreg_vmstate_array_len`, then `cpreg_vmstate_indexes[]` and `cpreg_vmstate_values[]`, be64
 * each; the vmdesc describes them, so body.ts already gives every element its node).
 *
 * The indexes are KVM register ids, built by cpreg_to_kvm_id() (target/arm/cpregs.h, the same
 * in 5.2 - 11.1) from QEMU's hashtable keys:
 *   AArch64: CP_REG_ARM64 | CP_REG_SIZE_U64 | CP_REG_ARM64_SYSREG (0x13 << 16)
 *            | op0 << 14 | op1 << 11 | CRn << 7 | CRm << 3 | op2        (0x603000000013xxxx)
 *   AArch32: CP_REG_ARM | CP_REG_SIZE_U32 or _U64 (MRRC/MCRR) | cp << 16
 *            | CRn << 11 | CRm << 7 | opc1 << 3 | opc2, plus bit 29 (CP_REG_NS_SHIFT) kept from
 *            the key for a non-secure bank                               (0x4020..., 0x4030...)
 * An id therefore names its register by encoding (`S3_0_C1_C0_0`, `p15_0_c1_c0_0`); the
 * architectural name is added from WELL_KNOWN, a short table copied from QEMU's ARMCPRegInfo
 * definitions (target/arm/helper.c and friends: `.name`, `.opc0`, `.opc1`, `.crn`, `.crm`,
 * `.opc2`), and is left out for registers not in it.
 */
import type { DecodedNode } from '../model.ts';
import { located, type Located } from './located.ts';

export type ArmCpregId =
  | { readonly kind: 'aarch64'; readonly op0: number; readonly op1: number; readonly crn: number; readonly crm: number; readonly op2: number }
  | { readonly kind: 'aarch32'; readonly cp: number; readonly is64: boolean; readonly ns: boolean; readonly opc1: number; readonly crn: number; readonly crm: number; readonly opc2: number };

const CP_REG_ARCH_MASK = 0xff00_0000_0000_0000n;
const CP_REG_SIZE_MASK = 0x00f0_0000_0000_0000n;
const CP_REG_ARM64 = 0x6000_0000_0000_0000n;
const CP_REG_ARM = 0x4000_0000_0000_0000n;
const CP_REG_SIZE_U32 = 0x0020_0000_0000_0000n;
const CP_REG_SIZE_U64 = 0x0030_0000_0000_0000n;
const CP_REG_ARM64_SYSREG_CP = 0x13;
const CP_REG_NS_MASK = 1n << 29n;
/** Bits of the hashtable key only (cpregs.h CP_REG_AA64_MASK, CP_REG_AA32_64BIT_MASK). */
const CP_REG_AA64_MASK = 1n << 28n;
const CP_REG_AA32_64BIT_MASK = 1n << 15n;

/** Decodes an id from `cpreg_vmstate_indexes`; undefined for ids that are neither form. */
export function decodeArmCpregId(id: bigint): ArmCpregId | undefined {
  const arch = id & CP_REG_ARCH_MASK;
  const size = id & CP_REG_SIZE_MASK;
  const low = Number(id & 0xffff_ffffn);
  const middle = (id >> 32n) & 0x000f_ffffn;
  if (middle !== 0n) return undefined;
  if (arch === CP_REG_ARM64 && size === CP_REG_SIZE_U64) {
    if (low >>> 16 !== CP_REG_ARM64_SYSREG_CP) return undefined;
    return { kind: 'aarch64', op0: (low >> 14) & 3, op1: (low >> 11) & 7, crn: (low >> 7) & 15, crm: (low >> 3) & 15, op2: low & 7 };
  }
  if (arch === CP_REG_ARM && (size === CP_REG_SIZE_U32 || size === CP_REG_SIZE_U64)) {
    const ns = (id & CP_REG_NS_MASK) !== 0n;
    const rest = low & ~Number(CP_REG_NS_MASK) & 0x0fff_ffff;
    // Bit 15 is the key's is64 flag, which cpreg_to_kvm_id() moves into the size field.
    if ((rest & 0x8000) !== 0) return undefined;
    return { kind: 'aarch32', cp: rest >>> 16, is64: size === CP_REG_SIZE_U64, ns, opc1: (rest >> 3) & 15, crn: (rest >> 11) & 15, crm: (rest >> 7) & 15, opc2: rest & 7 };
  }
  return undefined;
}

/**
 * cpreg_to_kvm_id(): QEMU's 32-bit hashtable key (what TCG prints in `system register 0x%x`,
 * via kvm_to_cpreg_id) back to the 64-bit id the stream carries.
 */
export function armCpregKeyToId(key: number): bigint {
  const k = BigInt(key >>> 0);
  if ((k & CP_REG_AA64_MASK) !== 0n) return (k & ~CP_REG_AA64_MASK) | CP_REG_SIZE_U64 | CP_REG_ARM64;
  const id = k & ~CP_REG_AA32_64BIT_MASK;
  return id | ((k & CP_REG_AA32_64BIT_MASK) !== 0n ? CP_REG_SIZE_U64 : CP_REG_SIZE_U32) | CP_REG_ARM;
}

/** `S3_0_C1_C0_0` (the assembler's generic name), or `p15_0_c13_c0_0` / `p15_0_c2` (MRRC). */
export function armCpregEncoding(reg: ArmCpregId): string {
  if (reg.kind === 'aarch64') return `S${reg.op0}_${reg.op1}_C${reg.crn}_C${reg.crm}_${reg.op2}`;
  return reg.is64 ? `p${reg.cp}_${reg.opc1}_c${reg.crm}` : `p${reg.cp}_${reg.opc1}_c${reg.crn}_c${reg.crm}_${reg.opc2}`;
}

/**
 * AArch64 registers by (op0, op1, CRn, CRm, op2), from QEMU 11.1's ARMCPRegInfo tables
 * (target/arm/helper.c, debug_helper.c, ...); the encodings are architectural, so they hold for
 * every version.
 */
const WELL_KNOWN: Readonly<Record<string, string>> = {
  S3_0_C0_C0_0: 'MIDR_EL1',
  S3_0_C0_C0_5: 'MPIDR_EL1',
  S3_0_C0_C0_6: 'REVIDR_EL1',
  S3_0_C0_C4_0: 'ID_AA64PFR0_EL1',
  S3_0_C0_C6_0: 'ID_AA64ISAR0_EL1',
  S3_0_C0_C7_0: 'ID_AA64MMFR0_EL1',
  S3_0_C1_C0_0: 'SCTLR_EL1',
  S3_0_C1_C0_1: 'ACTLR_EL1',
  S3_0_C1_C0_2: 'CPACR_EL1',
  S3_0_C1_C0_6: 'GCR_EL1',
  S3_0_C1_C2_0: 'ZCR_EL1',
  S3_0_C1_C2_6: 'SMCR_EL1',
  S3_0_C2_C0_0: 'TTBR0_EL1',
  S3_0_C2_C0_1: 'TTBR1_EL1',
  S3_0_C2_C0_2: 'TCR_EL1',
  S3_0_C4_C0_0: 'SPSR_EL1',
  S3_0_C4_C0_1: 'ELR_EL1',
  S3_0_C4_C1_0: 'SP_EL0',
  S3_0_C5_C1_0: 'AFSR0_EL1',
  S3_0_C5_C1_1: 'AFSR1_EL1',
  S3_0_C5_C2_0: 'ESR_EL1',
  S3_0_C5_C6_0: 'TFSR_EL1',
  S3_0_C6_C0_0: 'FAR_EL1',
  S3_0_C7_C4_0: 'PAR_EL1',
  S3_0_C9_C14_1: 'PMINTENSET_EL1',
  S3_0_C10_C2_0: 'MAIR_EL1',
  S3_0_C10_C3_0: 'AMAIR_EL1',
  S3_0_C12_C0_0: 'VBAR_EL1',
  S3_0_C13_C0_1: 'CONTEXTIDR_EL1',
  S3_0_C13_C0_4: 'TPIDR_EL1',
  S3_0_C14_C1_0: 'CNTKCTL_EL1',
  S3_3_C0_C0_1: 'CTR_EL0',
  S3_3_C0_C0_7: 'DCZID_EL0',
  S3_3_C9_C12_0: 'PMCR_EL0',
  S3_3_C9_C12_1: 'PMCNTENSET_EL0',
  S3_3_C9_C12_3: 'PMOVSCLR_EL0',
  S3_3_C9_C12_5: 'PMSELR_EL0',
  S3_3_C9_C13_0: 'PMCCNTR_EL0',
  S3_3_C9_C14_0: 'PMUSERENR_EL0',
  S3_3_C13_C0_2: 'TPIDR_EL0',
  S3_3_C13_C0_3: 'TPIDRRO_EL0',
  S3_3_C14_C0_0: 'CNTFRQ_EL0',
  S3_3_C14_C2_1: 'CNTP_CTL_EL0',
  S3_3_C14_C2_2: 'CNTP_CVAL_EL0',
  S3_3_C14_C3_1: 'CNTV_CTL_EL0',
  S3_3_C14_C3_2: 'CNTV_CVAL_EL0',
  S3_3_C14_C15_7: 'PMCCFILTR_EL0',
  S3_4_C1_C0_0: 'SCTLR_EL2',
  S3_4_C1_C1_0: 'HCR_EL2',
  S3_4_C14_C0_3: 'CNTVOFF_EL2',
  S3_6_C1_C1_0: 'SCR_EL3',
  S2_0_C0_C2_0: 'MDCCINT_EL1',
  S2_0_C0_C2_2: 'MDSCR_EL1',
  S2_0_C0_C6_2: 'OSECCR_EL1',
  S2_0_C1_C1_4: 'OSLSR_EL1',
  S2_0_C1_C3_4: 'OSDLR_EL1',
};

/** `S3_0_C1_C0_0 SCTLR_EL1`, `S3_0_C0_C0_0` when the name is not in the table, or the id in hex. */
export function armCpregName(id: bigint): string {
  const reg = decodeArmCpregId(id);
  if (reg === undefined) return `0x${id.toString(16)}`;
  const enc = armCpregEncoding(reg);
  const known = reg.kind === 'aarch64' ? WELL_KNOWN[enc] : undefined;
  return `${enc}${known !== undefined ? ` ${known}` : ''}${reg.kind === 'aarch32' ? ` (AArch32${reg.ns ? ', non-secure' : ''})` : ''}`;
}

export interface ArmCpreg {
  readonly index: number;
  readonly id: Located<bigint>;
  readonly value?: Located<bigint> | undefined;
  readonly reg: ArmCpregId | undefined;
  readonly name: string;
}

export interface ArmCpregList {
  readonly arrayLen: Located<number> | undefined;
  readonly regs: readonly ArmCpreg[];
}

const INDEX = /^cpreg_vmstate_indexes\[(\d+)\]$/;
const VALUE = /^cpreg_vmstate_values\[(\d+)\]$/;

/**
 * The entry of `list` a TCG destination's message names by key (`system register 0x%x`,
 * handle_cpreg_only_in_incoming_stream in 11.1). kvm_to_cpreg_id() sets the non-secure bit on
 * every AArch32 key, so an AArch32 id matches with or without it; when the stream holds both
 * banks of that register the message cannot tell which, and the answer is undefined.
 */
export function armCpregByKey(list: ArmCpregList, key: number): ArmCpreg | undefined {
  const id = armCpregKeyToId(key);
  const aarch32 = (id & CP_REG_ARCH_MASK) === CP_REG_ARM;
  const found = list.regs.filter((r) => r.id.value === id || (aarch32 && (r.id.value | CP_REG_NS_MASK) === id));
  return found.length === 1 ? found[0] : undefined;
}

/** The register list of an Arm `cpu` section node; undefined when it has none. */
export function armCpregs(section: DecodedNode): ArmCpregList | undefined {
  const kids = section.children ?? [];
  const values = new Map<number, DecodedNode>();
  for (const k of kids) {
    const m = VALUE.exec(k.name);
    if (m !== null) values.set(Number(m[1]), k);
  }
  const regs: ArmCpreg[] = [];
  let arrayLen: Located<number> | undefined;
  for (const k of kids) {
    if (k.name === 'cpreg_vmstate_array_len' && typeof k.value === 'number') arrayLen = located(k, k.value);
    const m = INDEX.exec(k.name);
    if (m === null || typeof k.value !== 'bigint') continue;
    const index = Number(m[1]);
    const v = values.get(index);
    regs.push({ index, id: located(k, k.value), value: v !== undefined && typeof v.value === 'bigint' ? located(v, v.value) : undefined, reg: decodeArmCpregId(k.value), name: armCpregName(k.value) });
  }
  return regs.length > 0 || arrayLen !== undefined ? { arrayLen, regs } : undefined;
}

/** Notes on the list's elements naming each register, for the Stream view and the JSON. */
export function annotateArmCpregs(children: readonly DecodedNode[]): void {
  const names = new Map<number, string>();
  for (const k of children) {
    const m = INDEX.exec(k.name);
    if (m === null || typeof k.value !== 'bigint') continue;
    const name = armCpregName(k.value);
    names.set(Number(m[1]), name);
    k.note = name;
  }
  for (const k of children) {
    const m = VALUE.exec(k.name);
    const name = m !== null ? names.get(Number(m[1])) : undefined;
    if (name !== undefined) k.note = `value of ${name}`;
  }
}
