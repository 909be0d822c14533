/**
 * The judge narrowed to one VM: what its stream really contains, against a destination.
 *
 * Only the stream's FULL sections are judged (their vmsd names and versions from the section
 * headers), subsections count only when they are in the decoded bodies, conditional fields
 * only when the vmdesc lists them, and the machine type comes from the configuration section.
 * Devices the destination has but the stream lacks are not reported (they keep their reset
 * state, which QEMU does not complain about).
 *
 * With a source manifest the source's field layout comes from it (with the stream as evidence
 * of what was sent); without one it comes from the stream's vmdesc.
 */
import type { DecodeResult } from '../format/model.ts';
import { findMachine, type QueryMachines } from '../manifest/query-machines.ts';
import type { VmstateManifest } from '../manifest/vmstate-manifest.ts';
import type { DestinationKnowledge } from './explain/predict.ts';
import { runtimeFindings, type RuntimeJudgement } from './runtime-findings.ts';
import { buildReport, judgeVariant, toJudgeFinding, type DeviceJudgement, type JudgeReport } from './judge-findings.ts';
import type { StreamDevice, StreamFacts } from './stream-facts.ts';
import { compareSection, type SentEvidence } from './vmsd-compare.ts';
import { mostAlike, relativeJsonPath, vmsdVariants, type VmsdVariant } from './vmsd-variants.ts';
import { joinPath, worstVerdict, type JudgeFinding } from './verdict.ts';
import { wireDescription } from './wire-description.ts';

export interface StreamCheckOptions {
  /** The source binary's manifest: gives conditional fields and versions the vmdesc lacks. */
  readonly source?: VmstateManifest | undefined;
  /**
   * The machine type the destination will run with. Default: the destination manifest's
   * `vmschkmachine` name (a manifest lists the same devices for every machine type of its
   * binary, so a manifest dumped with another machine type still serves for devices).
   */
  readonly destMachineType?: string | undefined;
  /** The destination's `query-machines`: the machine type must exist there. */
  readonly destMachines?: QueryMachines | undefined;
  /**
   * The decoded stream the facts come from, and what is known of the destination beyond its
   * manifest (release, command line, a stream it saved): the destination's device load checks
   * (runtime-checks/) then judge the stream's values too. Its manifest defaults to `dest`.
   */
  readonly runtime?: { readonly stream: DecodeResult; readonly destination: DestinationKnowledge } | undefined;
}

export interface StreamCheckReport extends JudgeReport {
  readonly stream: {
    readonly name: string;
    readonly machineType: string | undefined;
    readonly devices: number;
    readonly hasVmdesc: boolean;
  };
  /** What the runtime checks knew of the destination; undefined when they did not run. */
  readonly runtime: Omit<RuntimeJudgement, 'findings'> | undefined;
}

/**
 * Sections QEMU registers without a device class (vmstate_register, register_savevm_live), so
 * `-dump-vmstate` never lists them: load-failures.md §2.3 and §4.1, and every section of the
 * real 5.2, 7.2 and 11.1 streams (x86_64 and aarch64) that no manifest of the same version describes.
 */
export const UNDESCRIBED_SECTIONS: ReadonlySet<string> = new Set([
  'timer',
  'slirp',
  'cpu_common',
  'cpu',
  'apic',
  'PCIBUS',
  'i2c_bus',
  'acpi_build',
  'virt_acpi_build',
  'globalstate',
  'configuration',
  // Device state that older QEMUs registered by hand and newer ones through the device class.
  'ide',
  'ps2kbd',
  'ps2mouse',
  'kvm-tpr-opt',
  'kvmclock',
]);

export function checkStream(facts: StreamFacts, dest: VmstateManifest, options: StreamCheckOptions = {}): StreamCheckReport {
  const destGroups = vmsdVariants(dest);
  const srcGroups = options.source === undefined ? undefined : vmsdVariants(options.source);
  const extra: JudgeFinding[] = [...machineFindings(facts, dest, options), ...damageFindings(facts)];
  const devices: DeviceJudgement[] = [];
  for (const dev of facts.devices) {
    devices.push(judgeStreamDevice(dev, destGroups.get(dev.vmsdName) ?? [], srcGroups?.get(dev.vmsdName), dest, options.source !== undefined));
  }
  const runtime = options.runtime !== undefined ? runtimeFindings(options.runtime.stream, { ...options.runtime.destination, manifest: options.runtime.destination.manifest ?? dest }) : undefined;
  const joined = runtime !== undefined ? withRuntime(devices, runtime.findings) : { devices, unmatched: [] };
  const report = buildReport(options.source, dest, joined.devices, [...extra, ...joined.unmatched]);
  return {
    ...report,
    stream: { name: facts.name, machineType: facts.machineType, devices: facts.devices.length, hasVmdesc: facts.hasVmdesc },
    runtime: runtime !== undefined ? { destination: runtime.destination, assumptions: runtime.assumptions } : undefined,
  };
}

/**
 * Each runtime finding joins its device's judgement (same vmsd name), so the device's verdict
 * counts it; one whose device the layout judge did not list stays apart, with the stream-level
 * findings.
 */
function withRuntime(devices: readonly DeviceJudgement[], findings: readonly JudgeFinding[]): { devices: DeviceJudgement[]; unmatched: JudgeFinding[] } {
  const known = new Set(devices.map((d) => d.device));
  const unmatched = findings.filter((f) => !known.has(f.device));
  const joined = devices.map((d) => {
    const more = findings.filter((f) => f.device === d.device);
    if (more.length === 0) return d;
    const all = [...d.findings, ...more];
    return { ...d, findings: all, verdict: worstVerdict(all.map((f) => f.verdict)) };
  });
  return { devices: joined, unmatched };
}

export function sentEvidence(dev: StreamDevice): SentEvidence {
  return {
    subsection: (name) => (dev.subsections === undefined ? undefined : (dev.subsections.get(name) ?? false)),
    field: (vmsd, field) => {
      const set = dev.sentFields?.get(vmsd);
      return set === undefined ? undefined : set.has(field);
    },
  };
}

function judgeStreamDevice(
  dev: StreamDevice,
  destVariants: readonly VmsdVariant[],
  srcVariants: readonly VmsdVariant[] | undefined,
  dest: VmstateManifest,
  haveSource: boolean,
): DeviceJudgement {
  const name = dev.vmsdName;
  const idstr = dev.idstrs[0] ?? name;
  const wire = dev.vmdesc === undefined ? undefined : wireDescription(dev.vmdesc, name, `vmdesc:${idstr}`);
  const source = srcVariants === undefined || srcVariants.length === 0 ? undefined : pickSourceVariant(srcVariants, dev, wire);
  const one = (finding: JudgeFinding): DeviceJudgement => ({ device: name, qomTypes: finding.qomTypes, verdict: finding.verdict, findings: [finding] });
  const base = { device: name, pathSegments: [name], path: name, sourceVersion: dev.versionId };

  if (source !== undefined) {
    const judged = judgeVariant(source, destVariants, dest, dev.versionId, { evidence: sentEvidence(dev), idstr });
    if (destVariants.length > 0 || judged.findings.some((f) => f.kind === 'vmsd-renamed')) return judged;
    // The destination manifest lacks the vmsd: it may still register it without a device class.
    return one({
      ...base,
      qomTypes: source.qomTypes,
      kind: 'device-only-in-source',
      verdict: 'at-risk',
      reason: `This VM has ${idstr}, and the destination's manifest lists neither vmsd "${name}" nor its QOM types (${source.qomTypes.slice(0, 4).join(', ')}): unless the destination registers it without a device class (as QEMU 5.2 and 7.2 do for PIIX IDE and PS/2), the load fails with "Unknown savevm section or instance '${idstr}' 0".`,
    });
  }

  if (destVariants.length === 0) {
    const internal = UNDESCRIBED_SECTIONS.has(name);
    return one({
      ...base,
      qomTypes: [],
      kind: 'section-undescribed',
      verdict: internal ? 'fine' : 'at-risk',
      reason: internal
        ? `${idstr} is QEMU-internal state registered without a device class, so no manifest describes it and it is not checked; every QEMU version here registers it.`
        : `No manifest describes section ${idstr}${haveSource ? '' : ' (no source manifest given)'}: if the destination does not register it, the load fails with "Unknown savevm section or instance '${idstr}' 0".`,
    });
  }

  // No source manifest: the stream's vmdesc is the source's layout.
  if (wire !== undefined) {
    const target = mostAlike(wire, destVariants) ?? destVariants[0];
    if (target !== undefined) {
      const layout = compareSection(wire, target.description, dev.versionId, { evidence: sentEvidence(dev), sourceIsWire: true, idstr });
      const findings = layout.map((l) => toJudgeFinding(l, name, target.qomTypes, undefined, target.representative.jsonPath));
      return { device: name, qomTypes: target.qomTypes, verdict: worstVerdict(findings.map((f) => f.verdict)), findings };
    }
  }
  return versionOnly(dev, destVariants, idstr);
}

/** The source variant that wrote this section: same version, then the vmdesc's field names. */
function pickSourceVariant(variants: readonly VmsdVariant[], dev: StreamDevice, wire: ReturnType<typeof wireDescription> | undefined): VmsdVariant | undefined {
  const sameVersion = variants.filter((v) => v.description.versionId === dev.versionId);
  const pool = sameVersion.length > 0 ? sameVersion : variants;
  if (wire === undefined || pool.length === 1) return pool[0];
  return mostAlike(wire, pool);
}

/** Without vmdesc and source manifest only the section version can be judged. */
function versionOnly(dev: StreamDevice, destVariants: readonly VmsdVariant[], idstr: string): DeviceJudgement {
  const name = dev.vmsdName;
  const target = destVariants[0];
  const qomTypes = target?.qomTypes ?? [];
  const v = dev.versionId;
  const max = target?.description.versionId ?? v;
  const min = target?.description.minimumVersionId ?? 0;
  const base = { device: name, qomTypes, pathSegments: [name], path: name, sourceVersion: v, destVersion: max, destNode: target === undefined ? undefined : relativeJsonPath(target.description.jsonPath, target.representative.jsonPath) };
  const finding: JudgeFinding =
    v > max
      ? { ...base, kind: 'version-too-new', verdict: 'breaks', reason: `The stream has ${idstr} as version ${v} but the destination loads it only up to version ${max}: QEMU fails with "unsupported version ${v} for '${idstr}' v${max}".` }
      : v < min
        ? { ...base, kind: 'version-too-old', verdict: 'breaks', reason: `The stream has ${idstr} as version ${v} but the destination needs at least version ${min}: QEMU fails with "${name}: incoming version_id ${v} is too old for local minimum version_id ${min}".` }
        : { ...base, kind: 'version-accepted', verdict: 'at-risk', reason: `The destination accepts ${idstr} version ${v} (versions ${min} to ${max}); the stream has no vmdesc and no source manifest was given, so fields and subsections could not be compared.` };
  return { device: name, qomTypes, verdict: finding.verdict, findings: [finding] };
}

function machineFindings(facts: StreamFacts, dest: VmstateManifest, options: StreamCheckOptions): JudgeFinding[] {
  const received = facts.machineType;
  if (received === undefined) return [];
  const base = { device: 'configuration', qomTypes: [], pathSegments: ['configuration', 'name'], path: joinPath(['configuration', 'name']) };
  const out: JudgeFinding[] = [];
  if (options.destMachines !== undefined) {
    const known = findMachine(options.destMachines, received);
    if (known === undefined) {
      out.push({
        ...base,
        kind: 'machine-type-missing',
        verdict: 'breaks',
        reason: `The destination QEMU does not offer machine type ${received} (its query-machines lists ${options.destMachines.machines.length} others): it cannot even start with -machine ${received} ("unsupported machine type"), and any other machine type fails with "Machine type received is '${received}' and local is ...".`,
      });
      return out;
    }
    if (known.deprecated === true) {
      out.push({
        ...base,
        kind: 'machine-type',
        verdict: 'fine',
        reason: `The destination still offers ${received} but marks it deprecated: the load works and QEMU warns "Machine type '${received}' is deprecated"; plan to move the VM to a newer machine type.`,
      });
    }
  }
  const local = options.destMachineType ?? dest.machine;
  if (local === undefined) return out;
  const resolved = options.destMachines === undefined ? local : (findMachine(options.destMachines, local)?.name ?? local);
  if (resolved !== received) {
    out.push({
      ...base,
      kind: 'machine-type',
      verdict: 'breaks',
      reason: `The stream was saved with machine type ${received} and the destination runs ${resolved}${options.destMachineType === undefined ? ' (the machine its manifest was dumped with)' : ''}: QEMU fails with "Machine type received is '${received}' and local is '${resolved}'". Start the destination with -machine ${received}.`,
    });
  }
  return out;
}

function damageFindings(facts: StreamFacts): JudgeFinding[] {
  const d = facts.damage;
  if (d === undefined) return [];
  const device = d.device ?? 'stream';
  const at = `offset 0x${d.offset.toString(16)}`;
  return [
    {
      device,
      qomTypes: [],
      pathSegments: [device],
      path: device,
      kind: 'stream-damaged',
      verdict: d.afterEof ? 'fine' : 'breaks',
      reason: d.afterEof
        ? `The stream is damaged only after its end-of-stream marker, in the vmdesc trailer (${d.code} at ${at}), which the loader never reads.`
        : `The stream cannot be read past ${at}${d.idstr === undefined ? '' : ` in section ${d.idstr}`} (${d.code}: ${d.message}); the destination stops there too (a truncated stream ends in "Input/output error" or a footer error).`,
    },
  ];
}
