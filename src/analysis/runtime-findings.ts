/**
 * The runtime checks of runtime-checks/ as judge findings, for `check --stream` and the host
 * chooser: what the destination's device load code refuses in this stream's values (a ring
 * larger than its allocation, a register list it does not have), which no manifest comparison
 * can see. The checks themselves and the destination facts they read are explain's
 * (`runSectionChecks` per device section, `checkRamBlockSize` per block of the `ram` section's
 * setup record, `runtimeDestination`); this module only runs them over the stream and words
 * their outcomes as findings: `fails` breaks, `at-risk` is at risk naming the missing input, and
 * a pass is a `fine` finding only when the check says why (a fine finding explains an
 * acceptance; a routine pass on every section would bury the findings that matter).
 */
import type { DecodeResult, SectionRecord } from '../format/model.ts';
import { placeDevices } from './explain/device-placement.ts';
import { splitIdstr } from './explain/idstr.ts';
import { resolveDestination, runtimeDestination, type DestinationKnowledge } from './explain/predict.ts';
import { formatQemuVersion } from './explain/qemu-version.ts';
import { findSection, hex, type LocatedSection } from './explain/stream-locate.ts';
import { runSectionChecks, type CheckOutcome, type RuntimeDestination } from './runtime-checks/index.ts';
import { checkRamBlockSize } from './runtime-checks/ram-blocks.ts';
import { joinPath, type JudgeFinding, type RuntimeCheckDetail } from './verdict.ts';

export interface RuntimeJudgement {
  /** One finding per failed, at-risk or explained check, in stream order. */
  readonly findings: readonly JudgeFinding[];
  /** What the checks knew of the destination, for the report. */
  readonly destination: {
    readonly version: string | undefined;
    readonly machineType: string | undefined;
    readonly hasCmdline: boolean;
    readonly sample: string | undefined;
  };
  /** What was assumed because an input was missing (built-in -device defaults, say). */
  readonly assumptions: readonly string[];
}

export function runtimeFindings(stream: DecodeResult, dest: DestinationKnowledge): RuntimeJudgement {
  const resolved = resolveDestination(dest);
  const assumptions: string[] = [];
  const runtime = runtimeDestination(dest, resolved, stream, assumptions);
  // The same placement predictLoad makes: the device the destination has at a section's path
  // decides the queue sizes its properties give.
  const placement = dest.cmdline !== undefined ? placeDevices(runtime.machineType, dest.cmdline, dest.manifest) : undefined;
  const findings: JudgeFinding[] = [];
  for (const record of stream.sections) {
    if (record.type !== 'FULL' && record.type !== 'START') continue;
    const located = findSection(stream, record.idstr, record.instanceId);
    if (located === undefined) continue;
    if (record.bodyDecoder === 'ram' && record.type === 'START') {
      // The block list is read before any device; each block's size is checked on its own.
      for (const block of stream.ram?.blocks ?? []) {
        const outcome = checkRamBlockSize(block, located, runtime);
        if (worthSaying(outcome)) findings.push(toFinding(outcome, record, located, runtime, undefined, `RAM block '${block.name}'`));
      }
      continue;
    }
    const path = splitIdstr(record.idstr).path;
    const placed = path !== undefined ? placement?.byPath.get(path) : undefined;
    for (const outcome of runSectionChecks({ stream, record, located, placed }, runtime)) {
      if (worthSaying(outcome)) findings.push(toFinding(outcome, record, located, runtime, placed?.qomType, undefined));
    }
  }
  return {
    findings,
    destination: {
      version: runtime.version !== undefined ? formatQemuVersion(runtime.version) : undefined,
      machineType: runtime.machineType,
      hasCmdline: runtime.cmdline !== undefined,
      sample: runtime.sampleName,
    },
    assumptions,
  };
}

function worthSaying(outcome: CheckOutcome): boolean {
  return outcome.verdict !== 'passes' || outcome.note !== undefined;
}

/** `subject` names what in the section was checked when the section holds several (RAM blocks). */
function toFinding(outcome: CheckOutcome, record: SectionRecord, located: LocatedSection, dest: RuntimeDestination, qomType: string | undefined, subject: string | undefined): JudgeFinding {
  const { spec } = outcome;
  const device = splitIdstr(record.idstr).name;
  const section = { idstr: located.idstr, instance: located.instance, offset: located.start, length: located.end - located.start };
  const base = { family: spec.family, check: spec.message, source: spec.source, releases: spec.releases, section };
  const where = `section '${record.idstr}' instance ${record.instanceId}`;
  const common = { device, qomTypes: qomType !== undefined ? [qomType] : [], kind: 'runtime-check' as const, sourceVersion: record.versionId };
  if (outcome.verdict === 'fails') {
    const f = outcome.failure;
    const detail: RuntimeCheckDetail = { ...base, field: f.field, offset: f.offset, length: f.length, message: f.message, explanation: f.explanation, fix: f.fix, missing: [] };
    const segments = f.field !== undefined ? [device, f.field] : [device];
    const qemu = dest.version !== undefined ? `QEMU ${formatQemuVersion(dest.version)}` : 'The destination QEMU';
    const at = f.offset !== undefined ? ` at ${hex(f.offset)}${f.field !== undefined ? ` (${f.field})` : ''}` : f.field !== undefined ? ` (${f.field})` : '';
    // One line for the finding; the story (where the sizes come from, what to do) is in `runtime`.
    return {
      ...common,
      pathSegments: segments,
      path: joinPath(segments),
      verdict: 'breaks',
      reason: `${qemu}'s device load code refuses ${where}${at}: it fails with "${f.message.split('\n')[0] ?? ''}" (${spec.source}).`,
      runtime: detail,
    };
  }
  if (outcome.verdict === 'at-risk') {
    const n = outcome.note;
    // The checks' own sentences say what would settle them; any input they leave unnamed is added.
    const unnamed = outcome.missing.filter((m) => !n.text.includes(m));
    const detail: RuntimeCheckDetail = { ...base, field: undefined, offset: n.offset, length: undefined, message: n.message, explanation: undefined, fix: n.fix, missing: outcome.missing };
    return {
      ...common,
      pathSegments: [device],
      path: device,
      verdict: 'at-risk',
      reason: `${n.text} (${where}; ${spec.source})${unnamed.length > 0 ? `; give ${unnamed.join(' / ')} to settle it` : ''}.`,
      runtime: detail,
    };
  }
  const detail: RuntimeCheckDetail = { ...base, field: undefined, offset: undefined, length: undefined, message: undefined, explanation: outcome.note?.text, fix: undefined, missing: [] };
  return {
    ...common,
    pathSegments: [device],
    path: device,
    verdict: 'fine',
    reason: `${subject !== undefined ? `${subject} of section '${record.idstr}'` : `Section '${record.idstr}' instance ${record.instanceId}`} passes the destination's ${spec.family} check (${spec.source}): ${outcome.note?.text ?? ''}.`,
    runtime: detail,
  };
}
