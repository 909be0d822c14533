/**
 * Subsections whose state the destination may not have. A destination loads any subsection it
 * knows, whatever its own `needed()` would say; but some subsections carry a pointer the
 * destination only allocates when the feature behind it exists there, and loading into a NULL
 * pointer aborts QEMU.
 *
 * The one such case in the real runs: `cpu/wfxt-timer` (target/arm/machine.c, a
 * VMSTATE_TIMER_PTR). 11.1 creates the Arm CPU's wfxt_timer for every TCG CPU from V6K on and so
 * always sends the subsection; 10.0.13 and 10.2.2 create it only with FEAT_WFxT (not cortex-a57)
 * and then abort in vmstate_load_state() (`Assertion 'first_elem || !n_elems || !size'
 * failed`, fixtures/real-runs 11.1 -> 10.0). The destination's own stream of the same
 * configuration shows whether it has the timer: it sends the subsection exactly when it does.
 *
 * Any other subsection the stream carries and the destination's sample does not is only noted:
 * most are sent when a device's state differs from its default, which says nothing about the
 * destination.
 */
import type { DecodedNode } from '../../format/model.ts';
import type { ExplainFailure } from '../explain/model.ts';
import { compareVersions, formatQemuVersion, type QemuVersion } from '../explain/qemu-version.ts';
import { makeFailure } from '../explain/stories.ts';
import { hex, toFailureSection } from '../explain/stream-locate.ts';
import { sampleSection, type RuntimeDestination, type RuntimeSection } from './context.ts';
import type { CheckOutcome, RuntimeCheckSpec } from './model.ts';

export const POINTER_SUBSECTION_CHECK: RuntimeCheckSpec = {
  family: 'subsection-state',
  message: "migration/vmstate.c:%d: vmstate_load_state: Assertion `first_elem || !n_elems || !size' failed.",
  source: 'migration/vmstate.c vmstate_load_state(); target/arm/machine.c vmstate_wfxt_timer',
  releases: '10.0.13 and 10.2.2 (wfxt_timer only with FEAT_WFxT); 11.1 always has it; 7.2 has no such subsection',
  inputs: ['--dest-sample', '--dest-version'],
};

interface PointerSubsection {
  readonly vmsd: string;
  readonly subsection: string;
  readonly field: string;
  /** The destination releases read whose pointer may be NULL, with the assert's line there. */
  readonly releases: readonly { readonly version: QemuVersion; readonly line: number }[];
  readonly why: string;
}

const POINTER_SUBSECTIONS: readonly PointerSubsection[] = [
  {
    vmsd: 'cpu',
    subsection: 'cpu/wfxt-timer',
    field: 'wfxt_timer',
    releases: [
      { version: { major: 10, minor: 0 }, line: 172 },
      { version: { major: 10, minor: 2 }, line: 185 },
    ],
    why: "the destination creates the Arm CPU's wfxt_timer only when the CPU model has FEAT_WFxT (target/arm/cpu.c arm_cpu_realizefn), while 11.1 creates it for every TCG CPU from V6K on",
  },
];

function subsectionsOf(section: DecodedNode): DecodedNode[] {
  return (section.children ?? []).filter((c) => c.kind === 'subsection');
}

export function checkPointerSubsections(section: RuntimeSection, dest: RuntimeDestination): CheckOutcome | undefined {
  const node = section.located.node;
  if (node === undefined) return undefined;
  const { idstr } = section.record;
  const rules = POINTER_SUBSECTIONS.filter((r) => r.vmsd === idstr);
  if (rules.length === 0) return undefined;
  const spec = POINTER_SUBSECTION_CHECK;
  const sample = sampleSection(dest, section);
  const sampleNames = sample !== undefined ? new Set(subsectionsOf(sample.node).map((s) => s.name)) : undefined;
  for (const sub of subsectionsOf(node)) {
    const rule = rules.find((r) => r.subsection === sub.name);
    if (rule === undefined) continue;
    const v = dest.version;
    const release = v !== undefined ? rule.releases.find((r) => compareVersions(r.version, v) === 0) : undefined;
    const later = v !== undefined && compareVersions(v, { major: 11, minor: 1 }) >= 0;
    if (later) continue;
    if (sampleNames === undefined) {
      if (v !== undefined && release === undefined && compareVersions(v, { major: 10, minor: 0 }) < 0) continue;
      return risk(spec, section, sub, rule, `give --dest-sample (a stream the destination build saved with the same -cpu) to see whether it has the ${rule.field} behind '${rule.subsection}'`, ['--dest-sample']);
    }
    if (sampleNames.has(sub.name)) continue;
    if (v === undefined || release === undefined) {
      return risk(spec, section, sub, rule, `the destination's own stream does not carry '${rule.subsection}', so it has no ${rule.field}; whether its release aborts on it is known for 10.0 and 10.2${v === undefined ? ' (give --dest-version)' : ''}`, v === undefined ? ['--dest-version'] : []);
    }
    return { verdict: 'fails', spec, failure: crashFailure(section, dest, sub, rule, release.line) };
  }
  return { verdict: 'passes', spec };
}

function risk(spec: RuntimeCheckSpec, section: RuntimeSection, sub: DecodedNode, rule: PointerSubsection, text: string, missing: RuntimeCheckSpec['inputs']): CheckOutcome {
  return {
    verdict: 'at-risk',
    spec,
    missing,
    note: {
      severity: 'at-risk',
      code: 'POINTER_SUBSECTION',
      text: `${section.record.idstr}: the stream carries subsection '${rule.subsection}' (at ${hex(sub.start)}); a destination without the ${rule.field} it loads into aborts (${rule.why}); ${text}`,
      section: toFailureSection(section.located),
      offset: sub.start,
      cause: 'DEVICE_CHECK_FAILED',
      message: spec.message,
      fix: 'Give a stream the destination build saved with the same configuration (--dest-sample).',
    },
  };
}

function crashFailure(section: RuntimeSection, dest: RuntimeDestination, sub: DecodedNode, rule: PointerSubsection, line: number): ExplainFailure {
  const qemu = dest.version !== undefined ? `QEMU ${formatQemuVersion(dest.version)}` : 'the destination QEMU';
  return makeFailure({
    cause: 'DEVICE_CHECK_FAILED',
    section: toFailureSection(section.located),
    field: rule.subsection,
    offset: sub.start,
    length: (sub.end ?? sub.start) - sub.start,
    message: [`migration/vmstate.c:${line}: vmstate_load_state: Assertion \`first_elem || !n_elems || !size' failed.`],
    explanation:
      `The stream's ${section.record.idstr} section carries subsection '${rule.subsection}' at ${hex(sub.start)}, which loads ${rule.field} through a pointer. ` +
      `${qemu} knows the subsection but has no ${rule.field} in this configuration${dest.sample !== undefined ? `: its own stream of it (${dest.sampleName ?? "the destination sample"}) does not send it` : ""}, because ${rule.why}. ` +
      'Loading into the missing timer trips an assertion, and QEMU aborts (SIGABRT) without a migration error.',
    fix: 'Migrate to 11.1 or later, which always has the timer, or cold-boot the guest on the destination. No -cpu property of the destination adds the timer to this CPU model.',
    values: [{ name: 'subsection', offset: sub.start, length: (sub.end ?? sub.start) - sub.start, value: `'${rule.subsection}'` }],
  });
}

/** A destination that aborted in vmstate_load_state() while loading a section with such a subsection. */
export function pointerCrashFromLog(section: RuntimeSection, dest: RuntimeDestination, lines: readonly string[]): ExplainFailure | undefined {
  const assertion = lines.map((l) => /migration\/vmstate\.c:(\d+): vmstate_load_state: Assertion/.exec(l)).find((m) => m !== null);
  const node = section.located.node;
  if (assertion === undefined || assertion === null || node === undefined) return undefined;
  for (const rule of POINTER_SUBSECTIONS.filter((r) => r.vmsd === section.record.idstr)) {
    const sub = subsectionsOf(node).find((s) => s.name === rule.subsection);
    if (sub !== undefined) return { ...crashFailure(section, dest, sub, rule, Number(assertion[1])), message: lines.join('\n') };
  }
  return undefined;
}
