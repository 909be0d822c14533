/**
 * Judges a source manifest against a destination manifest per vmsd, as QEMU's loader would,
 * and says for each difference whether it breaks a migration, puts it at risk, or is fine.
 *
 * Without a stream the answer is per device: `breaks` means every VM that has the device fails
 * to migrate; a device only one binary has is `at-risk` (it matters only when the VM has it);
 * a subsection or conditional field the source may send is `at-risk`. stream-check.ts narrows
 * this to one VM.
 *
 * {@link explainStaticFindings} gives every finding of vmstate-static-checker.py the verdict
 * of the judge, so the script's report can be read against what really happens.
 */
import type { VmstateManifest } from '../manifest/vmstate-manifest.ts';
import type { StaticCheckerResult, StaticCheckFinding } from './static-checker.ts';
import { compareSection, type CompareOptions, type LayoutFinding } from './vmsd-compare.ts';
import { deviceByQomType, matchingVariant, relativeJsonPath, vmsdVariants, type VmsdVariant } from './vmsd-variants.ts';
import {
  byVerdict,
  countVerdicts,
  joinPath,
  worstVerdict,
  type JudgeFinding,
  type Verdict,
  type VerdictCounts,
} from './verdict.ts';

export interface DeviceJudgement {
  /** The vmsd name. */
  readonly device: string;
  readonly qomTypes: readonly string[];
  readonly verdict: Verdict;
  readonly findings: readonly JudgeFinding[];
}

export interface JudgeReport {
  readonly sourceFile: string;
  readonly destFile: string;
  readonly sourceMachine: string | undefined;
  readonly destMachine: string | undefined;
  /** One entry per vmsd, source order first, then destination-only ones. */
  readonly devices: readonly DeviceJudgement[];
  /** All findings, in device order. */
  readonly findings: readonly JudgeFinding[];
  readonly verdict: Verdict;
  readonly counts: VerdictCounts;
}

/** Compares every vmsd of `src` with `dest`. */
export function judgeManifests(src: VmstateManifest, dest: VmstateManifest): JudgeReport {
  const srcGroups = vmsdVariants(src);
  const destGroups = vmsdVariants(dest);
  const devices: DeviceJudgement[] = [];
  for (const [name, variants] of srcGroups) {
    const destVariants = destGroups.get(name) ?? [];
    for (const variant of variants) devices.push(judgeVariant(variant, destVariants, dest));
  }
  for (const [name, variants] of destGroups) {
    if (srcGroups.has(name)) continue;
    for (const variant of variants) {
      const finding: JudgeFinding = {
        device: name,
        qomTypes: variant.qomTypes,
        pathSegments: [name],
        path: name,
        kind: 'device-only-in-dest',
        verdict: 'fine',
        reason: `Only the destination binary has ${name} (${listTypes(variant.qomTypes)}); a VM given it there keeps its reset state, and no stream of the source can contain it.`,
        destVersion: variant.description.versionId,
        destNode: relativeJsonPath(variant.description.jsonPath, variant.representative.jsonPath),
      };
      devices.push({ device: name, qomTypes: variant.qomTypes, verdict: 'fine', findings: [finding] });
    }
  }
  return buildReport(src, dest, devices);
}

export function buildReport(src: VmstateManifest | undefined, dest: VmstateManifest, devices: readonly DeviceJudgement[], extra: readonly JudgeFinding[] = []): JudgeReport {
  const findings = [...extra, ...devices.flatMap((d) => d.findings)];
  return {
    sourceFile: src?.file ?? '',
    destFile: dest.file,
    sourceMachine: src?.machine,
    destMachine: dest.machine,
    devices,
    findings,
    verdict: worstVerdict(findings.map((f) => f.verdict)),
    counts: countVerdicts(findings),
  };
}

/** One source variant against the destination's variants of the same vmsd name. */
export function judgeVariant(
  variant: VmsdVariant,
  destVariants: readonly VmsdVariant[],
  dest: VmstateManifest,
  incomingVersion: number = variant.description.versionId,
  options: CompareOptions = {},
): DeviceJudgement {
  const name = variant.vmsdName;
  const sameType = destVariants.find((c) => c.qomTypes.some((q) => variant.qomTypes.includes(q)));
  const renamedTypes = sameType === undefined ? variant.qomTypes.filter((q) => {
    const d = deviceByQomType(dest, q);
    return d?.description !== undefined && d.description.name !== name;
  }) : [];
  if (renamedTypes.length > 0) {
    const other = renamedTypes.map((q) => deviceByQomType(dest, q)?.description?.name ?? '').filter((n) => n !== '');
    const finding: JudgeFinding = {
      device: name,
      qomTypes: variant.qomTypes,
      pathSegments: [name],
      path: name,
      kind: 'vmsd-renamed',
      verdict: 'breaks',
      reason: `${listTypes(renamedTypes)} saves its state as "${name}" in the source but as "${[...new Set(other)].join('", "')}" in the destination; the loader matches sections by that name, so it fails with "Unknown savevm section or instance '${name}'".`,
      sourceVersion: incomingVersion,
      sourceNode: relativeJsonPath(variant.description.jsonPath, variant.representative.jsonPath),
    };
    return { device: name, qomTypes: variant.qomTypes, verdict: 'breaks', findings: [finding] };
  }
  const target = sameType ?? matchingVariant(variant.description, variant.qomTypes, destVariants);
  if (target === undefined) {
    const finding: JudgeFinding = {
      device: name,
      qomTypes: variant.qomTypes,
      pathSegments: [name],
      path: name,
      kind: 'device-only-in-source',
      verdict: 'at-risk',
      reason: `Only the source binary has ${name} (${listTypes(variant.qomTypes)}): a VM with it cannot be configured the same way on the destination, and its section would be refused ("Unknown savevm section or instance"). VMs without it are not affected.`,
      sourceVersion: incomingVersion,
      sourceNode: relativeJsonPath(variant.description.jsonPath, variant.representative.jsonPath),
    };
    return { device: name, qomTypes: variant.qomTypes, verdict: 'at-risk', findings: [finding] };
  }
  const layout = compareSection(variant.description, target.description, incomingVersion, options);
  const findings = layout.map((l) => toJudgeFinding(l, name, variant.qomTypes, variant.representative.jsonPath, target.representative.jsonPath));
  return { device: name, qomTypes: variant.qomTypes, verdict: worstVerdict(findings.map((f) => f.verdict)), findings };
}

export function toJudgeFinding(l: LayoutFinding, device: string, qomTypes: readonly string[], srcBase: string | undefined, destBase: string): JudgeFinding {
  return {
    device,
    qomTypes,
    pathSegments: l.segments,
    path: joinPath(l.segments),
    kind: l.kind,
    verdict: l.verdict,
    reason: l.reason,
    sourceVersion: l.sourceVersion,
    destVersion: l.destVersion,
    sourceNode: srcBase === undefined ? undefined : relativeJsonPath(l.sourceNode, srcBase),
    destNode: relativeJsonPath(l.destNode, destBase),
  };
}

function listTypes(types: readonly string[]): string {
  const shown = types.slice(0, 4).join(', ');
  return types.length > 4 ? `${shown} and ${types.length - 4} more` : shown;
}

// ---------------------------------------------------------------------------------------------
// The script's findings, read as the loader would

export interface StaticExplanation {
  readonly static: StaticCheckFinding;
  /** The vmsd the script's section registers, when it has one. */
  readonly device: string | undefined;
  readonly verdict: Verdict;
  readonly reason: string;
  /** The judge's finding the verdict comes from, when one matches. */
  readonly finding: JudgeFinding | undefined;
}

/** One verdict for each finding of the script (counted or not), in the script's order. */
export function explainStaticFindings(result: StaticCheckerResult, src: VmstateManifest, dest: VmstateManifest, report: JudgeReport): StaticExplanation[] {
  return result.findings.map((f) => explainOne(f, src, dest, report));
}

function explainOne(f: StaticCheckFinding, src: VmstateManifest, dest: VmstateManifest, report: JudgeReport): StaticExplanation {
  const base = { static: f };
  if (f.kind === 'machine-type-mismatch') {
    return {
      ...base,
      device: 'configuration',
      verdict: 'fine',
      reason: 'The manifests were dumped with different -machine values; a manifest describes the binary and is the same for every machine type, so this says nothing about devices. The VM itself must use one machine type on both sides.',
      finding: undefined,
    };
  }
  const device = src.devices.get(f.device);
  const vmsd = device?.description?.name;
  if (device === undefined || vmsd === undefined) {
    return { ...base, device: undefined, verdict: 'fine', reason: 'This entry describes no vmsd, so no stream section can carry it.', finding: undefined };
  }
  const candidates = report.findings.filter((j) => j.device === vmsd && j.qomTypes.includes(f.device));
  const relative = relativeJsonPath(f.path, device.jsonPath) ?? '';

  if (f.kind === 'section-missing') {
    const whole = candidates.find((j) => j.kind === 'device-only-in-source' || j.kind === 'vmsd-renamed');
    if (whole !== undefined) return { ...base, device: vmsd, verdict: whole.verdict, reason: whole.reason, finding: whole };
    const destTypes = [...dest.devices.values()].filter((d) => d.description?.name === vmsd).map((d) => d.qomType);
    const worst = pickWorst(candidates);
    const why = `The destination has no QOM type "${f.device}", but it registers the same vmsd "${vmsd}" (as ${destTypes.slice(0, 3).join(', ')}); the loader matches sections by vmsd name, not QOM type.`;
    return {
      ...base,
      device: vmsd,
      verdict: worst?.verdict ?? 'fine',
      reason: worst === undefined || worst.verdict === 'fine' ? `${why} The two vmsds agree.` : `${why} ${worst.reason}`,
      finding: worst,
    };
  }

  const exact = candidates.filter((j) => j.sourceNode === relative);
  const below = candidates.filter((j) => j.sourceNode !== undefined && j.sourceNode.startsWith(relative));
  const shallowest = below.length === 0 ? [] : below.filter((j) => depth(j.sourceNode) === Math.min(...below.map((b) => depth(b.sourceNode))));
  const above = candidates.filter((j) => j.sourceNode !== undefined && j.sourceNode !== '' && relative.startsWith(j.sourceNode));
  const chosen = pickWorst(exact) ?? pickWorst(kind(f) === 'deep' ? below : shallowest) ?? pickWorst(above);
  if (chosen !== undefined) return { ...base, device: vmsd, verdict: chosen.verdict, reason: chosen.reason, finding: chosen };
  return { ...base, device: vmsd, verdict: 'fine', reason: defaultReason(f), finding: undefined };
}

/** Findings about a whole list (entry missing, subsections) take everything below them into account. */
function kind(f: StaticCheckFinding): 'deep' | 'node' {
  return f.kind === 'entry-missing' || f.kind === 'description-missing' ? 'deep' : 'node';
}

function depth(path: string | undefined): number {
  return path === undefined ? 0 : (path.match(/[.[]/g) ?? []).length;
}

function pickWorst(findings: readonly JudgeFinding[]): JudgeFinding | undefined {
  return byVerdict(findings)[0];
}

function defaultReason(f: StaticCheckFinding): string {
  switch (f.kind) {
    case 'version-too-new':
    case 'version-below-minimum':
      return 'The script compares this version as a maximum, but for a field version_id means "present since", and nested structs carry no version on the wire; the loader reads the same bytes on both sides here.';
    case 'entry-missing':
      return 'QEMU omits a Fields or Subsections key when the list is empty; the loader sees nothing to compare here.';
    case 'size-mismatch':
      return 'The size the script compares here is not what goes on the wire (a struct or pointer size); the loader reads the same bytes on both sides.';
    default:
      return 'The loader reads the same bytes on both sides here at the incoming version (fields line up after renames, unused gaps and version gates).';
  }
}
