/**
 * An Arm destination refuses a system register that only the stream has (cpu_post_load,
 * target/arm/machine.c; 11.1 names it: `handle_cpreg_only_in_incoming_stream: system register
 * 0x... in the incoming stream but unknown on the destination: fail migration`, the key in
 * hex under TCG, `op0:.. op1:.. crn:.. crm:.. op2:..` under KVM). This finds that register's
 * id in the stream's `cpreg_vmstate_indexes`, so the failing bytes are its 8 bytes.
 */
import { armCpregByKey, armCpregs, type ArmCpreg, type ArmCpregList } from '../../format/index.ts';
import type { DecodedNode } from '../../format/model.ts';
import type { FailureValue } from './model.ts';

const TCG = /system register 0x([0-9a-f]+) in the incoming stream but unknown/;
const KVM = /system register op0:(\d+) op1:(\d+) crn:(\d+) crm:(\d+) op2:(\d+) in the incoming stream but unknown/;

export function locateCpregFailure(section: DecodedNode, lines: readonly string[]): { readonly node: DecodedNode; readonly values: readonly FailureValue[] } | undefined {
  const list = armCpregs(section);
  if (list === undefined) return undefined;
  // 11.1 prints one line per such register before failing: quote each, point at the first.
  const regs = lines.map((line) => registerNamed(list, line)).filter((r): r is ArmCpreg => r !== undefined);
  const first = regs[0];
  if (first === undefined) return undefined;
  const values: FailureValue[] = [];
  for (const reg of regs) {
    values.push({ name: `cpreg_vmstate_indexes[${reg.index}]`, offset: reg.id.offset, length: reg.id.length, value: `0x${reg.id.value.toString(16)} (${reg.name})` });
    if (reg.value !== undefined) values.push({ name: `cpreg_vmstate_values[${reg.index}]`, offset: reg.value.offset, length: reg.value.length, value: `0x${reg.value.value.toString(16)}` });
  }
  return { node: first.id.node, values };
}

/** The registers an 11.1 destination's lines name, in the order it printed them. */
export function registersNamed(section: DecodedNode, lines: readonly string[]): ArmCpreg[] {
  const list = armCpregs(section);
  if (list === undefined) return [];
  return lines.map((line) => registerNamed(list, line)).filter((r): r is ArmCpreg => r !== undefined);
}

function registerNamed(list: ArmCpregList, line: string): ArmCpreg | undefined {
  const tcg = TCG.exec(line);
  if (tcg !== null) return armCpregByKey(list, parseInt(tcg[1] as string, 16));
  const kvm = KVM.exec(line);
  if (kvm === null) return undefined;
  const [op0, op1, crn, crm, op2] = kvm.slice(1).map(Number);
  return list.regs.find((r) => r.reg?.kind === 'aarch64' && r.reg.op0 === op0 && r.reg.op1 === op1 && r.reg.crn === crn && r.reg.crm === crm && r.reg.op2 === op2);
}
