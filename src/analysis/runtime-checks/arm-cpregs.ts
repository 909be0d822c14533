/**
 * Arm system register lists (target/arm/machine.c, docs/runtime-checks-sources.md §4). The `cpu`
 * section carries the source's sorted list of register ids (`cpreg_vmstate_indexes`, length
 * `cpreg_vmstate_array_len`); the destination has its own list for the same CPU model, which a
 * stream it saved shows (`--dest-sample`).
 *
 * Up to 10.x `cpreg_vmstate_array_len` is `VMSTATE_INT32_POSITIVE_LE`: a list longer than the
 * destination's fails at once (`Invalid value %d expecting positive value <= %d`). Then
 * `cpu_post_load()` walks both lists: an id only in the stream, below the destination's largest
 * id, fails the load without a message of its own; ids above the destination's largest are
 * never reached and are ignored. From 11.1 the length is unbounded and every id only in the
 * stream fails with `handle_cpreg_only_in_incoming_stream: system register 0x%x in the incoming
 * stream but unknown on the destination: fail migration` (the 32-bit internal key), except the
 * bogus AArch32 DBGDTRTX id that 11.1 tolerates under TCG.
 */
import { armCpregs, type ArmCpreg, type ArmCpregList } from '../../format/index.ts';
import type { ExplainFailure } from '../explain/model.ts';
import { compareVersions, formatQemuVersion, type QemuVersion } from '../explain/qemu-version.ts';
import { makeFailure } from '../explain/stories.ts';
import { hex, toFailureSection } from '../explain/stream-locate.ts';
import { sampleSection, type RuntimeDestination, type RuntimeSection } from './context.ts';
import { positiveLeLines, postLoadLines } from './messages.ts';
import type { CheckOutcome, RuntimeCheckSpec } from './model.ts';

export const ARM_CPREG_CHECK: RuntimeCheckSpec = {
  family: 'arm-cpregs',
  message: 'Invalid value %d expecting positive value <= %d (<= 10.x) / handle_cpreg_only_in_incoming_stream: system register 0x%x in the incoming stream but unknown on the destination: fail migration (11.1)',
  source: 'target/arm/machine.c vmstate_arm_cpu, cpu_post_load()',
  releases: 'all; the length bound up to 10.x, the per-register message from 11.1',
  inputs: ['--dest-version', '--dest-sample'],
};

/** cpreg_to_kvm_id(ENCODE_CP_REG(14, 0, 1, 0, 5, 3, 0)): tolerated by 11.1 under TCG. */
const TOLERATED_11_1 = 0x40200000200e0298n;

/** The 32-bit key QEMU 11.1 prints (kvm_to_cpreg_id). */
export function cpregKey32(id: bigint): number {
  const low = Number(id & 0xffffn);
  if ((id >> 56n) === 0x60n) return (0x10130000 | low) >>> 0;
  const low32 = Number(id & 0xffff_ffffn);
  const is64 = ((id >> 52n) & 0xfn) === 3n;
  return (low32 | (1 << 29) | (is64 ? 1 << 15 : 0)) >>> 0;
}

type Rules = 'bounded' | 'unbounded';

function rulesOf(v: QemuVersion): Rules {
  return compareVersions(v, { major: 11, minor: 1 }) >= 0 ? 'unbounded' : 'bounded';
}

export function checkArmCpregs(section: RuntimeSection, dest: RuntimeDestination): CheckOutcome | undefined {
  const node = section.located.node;
  if (node === undefined || section.record.idstr !== 'cpu') return undefined;
  const stream = armCpregs(node);
  if (stream === undefined) return undefined;
  const spec = ARM_CPREG_CHECK;
  const sample = sampleSection(dest, section);
  const destList = sample !== undefined ? armCpregs(sample.node) : undefined;
  if (destList === undefined) {
    return {
      verdict: 'at-risk',
      spec,
      missing: ['--dest-sample'],
      note: {
        severity: 'at-risk',
        code: 'CPREG_LIST_UNKNOWN',
        text: `cpu ${section.record.instanceId}: the stream carries ${stream.regs.length} system registers; the destination's list for this CPU model is not known (it grows with each release: cortex-a57 under TCG has 258 in 7.2 and 274 in 11.1), and a register only the stream has fails the load; give --dest-sample (a stream the destination build saved with the same -cpu) to settle it`,
        section: toFailureSection(section.located),
        offset: stream.arrayLen?.offset,
        cause: 'DEVICE_CHECK_FAILED',
        message: 'handle_cpreg_only_in_incoming_stream: system register 0x... in the incoming stream but unknown on the destination: fail migration',
        fix: 'Give a stream the destination build saved with the same -cpu (--dest-sample).',
      },
    };
  }
  if (dest.version === undefined) {
    const failsEither = bounded(stream, destList) !== undefined || unbounded(stream, destList).length > 0;
    if (!failsEither) return { verdict: 'passes', spec };
    return {
      verdict: 'at-risk',
      spec,
      missing: ['--dest-version'],
      note: {
        severity: 'at-risk',
        code: 'CPREG_RULES_UNKNOWN',
        text: `cpu ${section.record.instanceId}: the stream's register list (${stream.regs.length}) differs from the destination sample's (${destList.regs.length}); whether QEMU refuses it depends on the destination release (the rules changed in 11.1); give --dest-version`,
        section: toFailureSection(section.located),
        offset: stream.arrayLen?.offset,
        cause: 'DEVICE_CHECK_FAILED',
        fix: 'Give the destination release (--dest-version).',
      },
    };
  }
  const failure = rulesOf(dest.version) === 'bounded' ? boundedFailure(section, dest, stream, destList) : unboundedFailure(section, dest, stream, destList);
  return failure !== undefined ? { verdict: 'fails', spec, failure } : { verdict: 'passes', spec };
}

interface BoundedProblem {
  readonly kind: 'too-long' | 'only-in-stream';
  readonly reg?: ArmCpreg | undefined;
}

/** ≤ 10.x: the length bound, then the walk that stops at the destination's last id. */
function bounded(stream: ArmCpregList, dest: ArmCpregList): BoundedProblem | undefined {
  if (stream.regs.length > dest.regs.length) return { kind: 'too-long' };
  let v = 0;
  for (let i = 0; i < dest.regs.length && v < stream.regs.length; i++) {
    const s = (stream.regs[v] as ArmCpreg).id.value;
    const d = (dest.regs[i] as ArmCpreg).id.value;
    if (s > d) continue;
    if (s < d) return { kind: 'only-in-stream', reg: stream.regs[v] };
    v++;
  }
  return undefined;
}

/** 11.1: every id only in the stream, in stream order, except the tolerated one. */
function unbounded(stream: ArmCpregList, dest: ArmCpregList): ArmCpreg[] {
  const have = new Set(dest.regs.map((r) => r.id.value));
  return stream.regs.filter((r) => !have.has(r.id.value) && r.id.value !== TOLERATED_11_1);
}

function releaseText(v: QemuVersion | undefined): string {
  return v !== undefined ? `QEMU ${formatQemuVersion(v)}` : 'the destination QEMU';
}

function boundedFailure(section: RuntimeSection, dest: RuntimeDestination, stream: ArmCpregList, destList: ArmCpregList): ExplainFailure | undefined {
  const p = bounded(stream, destList);
  if (p === undefined) return undefined;
  const { instanceId } = section.record;
  const qemu = releaseText(dest.version);
  const onlyStream = unbounded(stream, destList);
  const onlyDest = destList.regs.length - (stream.regs.length - onlyStream.length);
  if (p.kind === 'too-long') {
    const len = stream.arrayLen;
    return makeFailure({
      cause: 'DEVICE_CHECK_FAILED',
      section: toFailureSection(section.located),
      field: 'cpreg_vmstate_array_len',
      offset: len?.offset,
      length: len?.length,
      message: positiveLeLines(stream.regs.length, destList.regs.length, 'cpu', instanceId, 'cpu', 'cpreg_vmstate_array_len'),
      explanation:
        `The source's CPU has ${stream.regs.length} system registers (cpreg_vmstate_array_len${len !== undefined ? ` at ${hex(len.offset)}` : ''}); ${qemu} has ${destList.regs.length} for the same CPU model (from ${dest.sampleName ?? 'the destination sample'}), and up to 10.x the field is VMSTATE_INT32_POSITIVE_LE: a longer list is refused before any register is read. ` +
        `${onlyStream.length} register(s) exist only in the stream${onlyStream[0] !== undefined ? `, first ${onlyStream[0].name} (id 0x${onlyStream[0].id.value.toString(16)} at ${hex(onlyStream[0].id.offset)})` : ''}; ${Math.max(0, onlyDest)} only on the destination. A newer release defines more registers for the same CPU model, so new → old fails.`,
      fix: 'Migrate to a release at least as new as the source, or cold-boot the guest on the destination. No CPU property of these releases hides the extra registers.',
      values: len !== undefined ? [{ name: 'cpreg_vmstate_array_len', offset: len.offset, length: len.length, value: String(len.value) }] : [],
    });
  }
  const reg = p.reg as ArmCpreg;
  return makeFailure({
    cause: 'DEVICE_CHECK_FAILED',
    section: toFailureSection(section.located),
    field: `cpreg_vmstate_indexes[${reg.index}]`,
    offset: reg.id.offset,
    length: reg.id.length,
    message: postLoadLines([], 'cpu', instanceId, 'cpu', section.record.versionId, section.record.versionId, dest.version),
    explanation:
      `The stream's register list holds ${reg.name} (id 0x${reg.id.value.toString(16)}, cpreg_vmstate_indexes[${reg.index}] at ${hex(reg.id.offset)}), which ${qemu} does not have for this CPU model; cpu_post_load() walks both sorted lists and fails on the first register only the stream has (it prints no message of its own). ` +
      `${onlyStream.length} register(s) exist only in the stream; the stream has ${stream.regs.length}, the destination ${destList.regs.length}.`,
    fix: 'Migrate between releases that define the same registers for this CPU model, or cold-boot the guest on the destination.',
    values: [{ name: `cpreg ${reg.name}`, offset: reg.id.offset, length: reg.id.length, value: `0x${reg.id.value.toString(16)}` }],
  });
}

function unboundedFailure(section: RuntimeSection, dest: RuntimeDestination, stream: ArmCpregList, destList: ArmCpregList): ExplainFailure | undefined {
  const only = unbounded(stream, destList);
  const first = only[0];
  if (first === undefined) return undefined;
  const { instanceId } = section.record;
  const qemu = releaseText(dest.version);
  const lines = only.map((r) => `handle_cpreg_only_in_incoming_stream: system register 0x${cpregKey32(r.id.value).toString(16)} in the incoming stream but unknown on the destination: fail migration`);
  const names = only.slice(0, 8).map((r) => `${r.name} (0x${r.id.value.toString(16)} at ${hex(r.id.offset)})`);
  return makeFailure({
    cause: 'DEVICE_CHECK_FAILED',
    section: toFailureSection(section.located),
    field: `cpreg_vmstate_indexes[${first.index}]`,
    offset: first.id.offset,
    length: first.id.length,
    message: postLoadLines(lines, 'cpu', instanceId, 'cpu', section.record.versionId, section.record.versionId, dest.version),
    explanation:
      `The stream's CPU carries ${stream.regs.length} system registers, ${qemu} has ${destList.regs.length} for the same CPU model (from ${dest.sampleName ?? 'the destination sample'}). ` +
      `${only.length} register(s) exist only in the stream: ${names.join(', ')}${only.length > names.length ? ', ...' : ''}. From 11.1 cpu_post_load() names each one and fails the load; registers only the destination has just keep their reset values.`,
    fix: 'Migrate to a release that defines these registers for this CPU model (the same or a newer one), or cold-boot the guest on the destination.',
    values: only.slice(0, 8).map((r) => ({ name: `cpreg ${r.name}`, offset: r.id.offset, length: r.id.length, value: `0x${r.id.value.toString(16)}` })),
  });
}

const POSITIVE_LE = /Invalid value (-?\d+) expecting positive value <= (\d+)/;
const ONLY_IN_STREAM = /handle_cpreg_only_in_incoming_stream: system register (0x[0-9a-f]+|op0:\d+ op1:\d+ crn:\d+ crm:\d+ op2:\d+) in the incoming stream/;

/**
 * The story of a register-list failure a destination log reports, without the destination's own
 * list: the log's numbers (`Invalid value 274 expecting positive value <= 258`), the registers
 * 11.1 names, or, for a `cpu` section that failed without a message of its own up to 10.x, the
 * silent merge walk.
 */
export function cpregFailureFromLog(section: RuntimeSection, dest: RuntimeDestination, lines: readonly string[], named: readonly ArmCpreg[]): ExplainFailure | undefined {
  const node = section.located.node;
  if (node === undefined || section.record.idstr !== 'cpu') return undefined;
  const stream = armCpregs(node);
  if (stream === undefined) return undefined;
  const qemu = releaseText(dest.version);
  const base = { cause: 'DEVICE_CHECK_FAILED' as const, section: toFailureSection(section.located), message: lines };
  const bound = lines.map((l) => POSITIVE_LE.exec(l)).find((m) => m !== null);
  if (bound !== undefined && bound !== null) {
    const len = stream.arrayLen;
    return makeFailure({
      ...base,
      field: 'cpreg_vmstate_array_len',
      offset: len?.offset,
      length: len?.length,
      explanation:
        `The source's CPU has ${bound[1] ?? '?'} system registers (cpreg_vmstate_array_len${len !== undefined ? ` at ${hex(len.offset)}` : ''}); ${qemu} has ${bound[2] ?? '?'} for the same CPU model, and up to 10.x the field is VMSTATE_INT32_POSITIVE_LE: a longer list is refused before any register is read. ` +
        'A newer release defines more registers for the same CPU model (cortex-a57 under TCG: 258 in 7.2, 275 in 10.0, 274 in 11.1), so new → old fails.',
      fix: 'Migrate to a release at least as new as the source, or cold-boot the guest on the destination. No CPU property of these releases hides the extra registers.',
      values: len !== undefined ? [{ name: 'cpreg_vmstate_array_len', offset: len.offset, length: len.length, value: String(len.value) }] : [],
    });
  }
  if (named.length > 0 || lines.some((l) => ONLY_IN_STREAM.test(l))) {
    const first = named[0];
    return makeFailure({
      ...base,
      field: first !== undefined ? `cpreg_vmstate_indexes[${first.index}]` : undefined,
      offset: first?.id.offset ?? section.located.start,
      length: first?.id.length,
      explanation:
        `The stream's CPU carries ${stream.regs.length} system registers; ${qemu} does not define ${named.length > 0 ? named.map((r) => `${r.name} (0x${r.id.value.toString(16)} at ${hex(r.id.offset)})`).join(', ') : 'the register(s) it names'} for this CPU model. ` +
        'From 11.1 cpu_post_load() names each register only the stream has and fails the load; registers only the destination has keep their reset values. The lists differ between releases for the same CPU model (cortex-a57 under TCG: 258 in 7.2, 275 in 10.0, 274 in 11.1).',
      fix: 'Migrate to a release that defines these registers for this CPU model, or cold-boot the guest on the destination.',
      values: named.map((r) => ({ name: `cpreg ${r.name}`, offset: r.id.offset, length: r.id.length, value: `0x${r.id.value.toString(16)}` })),
    });
  }
  const silent = lines.every((l) => /^error while loading state for instance 0x[0-9a-f]+ of device 'cpu'$|^load of migration failed: /.test(l));
  if (!silent) return undefined;
  return makeFailure({
    ...base,
    field: 'cpreg_vmstate_indexes',
    offset: stream.regs[0]?.id.offset,
    length: stream.regs.length * 8,
    explanation:
      `The destination refused the Arm cpu section without a message of its own. Up to 10.x that is what cpu_post_load() does when its walk over both sorted register lists meets a register only the stream has (or a register whose value does not read back). ` +
      `The stream carries ${stream.regs.length} registers; the destination's list for this CPU model differs between releases (cortex-a57 under TCG: 258 in 7.2, 275 in 10.0, 274 in 11.1). Give --dest-sample (a stream the destination build saved with the same -cpu) to name the register.`,
    fix: 'Migrate between releases that define the same registers for this CPU model, or cold-boot the guest on the destination.',
    values: stream.arrayLen !== undefined ? [{ name: 'cpreg_vmstate_array_len', offset: stream.arrayLen.offset, length: stream.arrayLen.length, value: String(stream.arrayLen.value) }] : [],
  });
}
