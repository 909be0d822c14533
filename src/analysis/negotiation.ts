/**
 * Version negotiation, shown on two real builds: per device, the versions each side offers,
 * what is sent today, whether today's load works, the highest common version under
 * negotiation, and whether negotiation would turn today's break into a load.
 *
 * Today's verdicts are the matrix's (compat-matrix.ts, the same call), so `migscope negotiate`
 * and `migscope matrix` cannot disagree about what breaks. Under negotiation the source is
 * judged as negotiated-manifest.ts lowers it: what still breaks then needs something else (a
 * machine-type compat property, a fix in QEMU). The compat properties of the machine type that
 * gate device state (compat-props.ts) are listed per device: they are how QEMU pins an older
 * format today, without any negotiation.
 */
import { findMachine } from '../manifest/query-machines.ts';
import type { VmstateDescription, VmstateManifest } from '../manifest/vmstate-manifest.ts';
import { compatLinks, type CompatLink } from './compat-props.ts';
import { CONFIGURATION_ROW, compatMatrix, type MatrixCell, type MatrixMachines, type MatrixManifest } from './compat-matrix.ts';
import { compareVersions } from './machine-names.ts';
import { highestCommon, negotiatedSource, rangeOf, type VersionRange } from './negotiated-manifest.ts';
import type { StreamFacts } from './stream-facts.ts';
import { checkWhitelist, type SubsectionWhitelist, type WhitelistCheck } from './subsection-whitelist.ts';
import type { JudgeFinding, Verdict } from './verdict.ts';

/** What negotiation does for one device of the pair. */
export type NegotiationOutcome =
  /** Today's load works (or is only at risk): nothing to fix. */
  | 'loads'
  /** Today's load breaks; at the highest common version it loads. */
  | 'fixed'
  /** Breaks, and some vmsd of the device has no version both sides hold. */
  | 'no-common-version'
  /** Breaks at the common version too: a field, size or section name changed without a version bump. */
  | 'meaning-changed'
  /** The machine type itself (the configuration row): not a device version. */
  | 'machine-type';

export interface SubsectionUse {
  /** Subsections the stream carries for this device (names), in stream order. */
  readonly sent: readonly string[];
  /** Of those, the ones the destination's vmsd does not know; undefined when no destination manifest entry describes the vmsd (the CPU's, QEMU-internal ones). */
  readonly unknownToDest: readonly string[] | undefined;
}

export interface NegotiationRow {
  /** The matrix row: a QOM type, or `configuration`. */
  readonly device: string;
  /** The vmsd name (stream section). */
  readonly section: string;
  readonly sourceRange: VersionRange | undefined;
  readonly destRange: VersionRange | undefined;
  /** The version on the wire today: the stream's section version, else the source's version_id. */
  readonly sentToday: number | undefined;
  readonly today: Verdict;
  /** The highest version of the device's top vmsd both sides hold, or undefined. */
  readonly common: number | undefined;
  /** The verdict when the source saves the negotiated versions. */
  readonly negotiated: Verdict;
  readonly outcome: NegotiationOutcome;
  /** The breaking findings today, and what still breaks under negotiation. */
  readonly breaksToday: readonly JudgeFinding[];
  readonly breaksNegotiated: readonly JudgeFinding[];
  /** With a stream. */
  readonly subsections: SubsectionUse | undefined;
  /** Compat properties of the machine type that gate this device's state. */
  readonly pinnedBy: readonly CompatLink[];
  /** With a stream: whether the VM has the device. */
  readonly inVm: boolean | undefined;
  /** With a stream and a whitelist: whether the destination build's own streams carried this combination. */
  readonly whitelist: WhitelistCheck | undefined;
}

export interface NegotiationSummary {
  readonly breaksToday: number;
  readonly fixedByNegotiation: number;
  readonly noCommonVersion: number;
  readonly meaningChanged: number;
  /** Devices (of all rows) a compat property of the machine type pins. */
  readonly pinned: number;
  /** With a stream and a whitelist: devices whose subsection combination the destination build never produced. */
  readonly neverProduced: number;
}

export interface Negotiation {
  readonly source: string;
  readonly dest: string;
  readonly direction: 'forward' | 'backward';
  readonly machine: string;
  readonly stream: string | undefined;
  readonly rows: readonly NegotiationRow[];
  readonly summary: NegotiationSummary;
  /** State-gating compat properties of the machine type, both builds, whether or not a row has them. */
  readonly compatProps: readonly CompatLink[];
  readonly notes: readonly string[];
}

export interface NegotiationInput {
  readonly source: MatrixManifest;
  readonly dest: MatrixManifest;
  readonly machines?: readonly MatrixMachines[];
  readonly stream?: StreamFacts | undefined;
  readonly machine?: string | undefined;
  /** Subsection combinations per build (subsection-whitelist.ts), and the destination's key in it. */
  readonly whitelist?: SubsectionWhitelist | undefined;
  readonly whitelistBuild?: string | undefined;
}

export type NegotiationResult = { readonly ok: true; readonly value: Negotiation } | { readonly ok: false; readonly error: { readonly code: string; readonly message: string } };

export function computeNegotiation(input: NegotiationInput): NegotiationResult {
  const { source, dest } = input;
  if (source.version === dest.version) return { ok: false, error: { code: 'SAME_BUILD', message: `source and destination are both ${source.version}; negotiation is between two builds` } };
  const machines = input.machines ?? [];
  const machine = input.machine ?? input.stream?.machineType ?? pairMachine(source, dest);
  const streams = input.stream === undefined ? [] : [{ version: source.version, facts: input.stream }];
  const today = compatMatrix([source, dest], streams, machines, { machine });
  if (!today.ok) return today;
  const lowered = negotiatedSource(source.manifest, dest.manifest);
  const after = compatMatrix([{ version: source.version, manifest: lowered }, dest], [], machines, { machine });
  if (!after.ok) return after;

  const pick = (cells: readonly MatrixCell[]): Map<string, MatrixCell> => new Map(cells.filter((c) => c.source === source.version && c.dest === dest.version).map((c) => [c.device, c]));
  const todayCells = pick(today.value.cells);
  const afterCells = pick(after.value.cells);

  const checks = input.stream !== undefined && input.whitelist !== undefined ? checkWhitelist(input.stream, input.whitelistBuild ?? dest.version, input.whitelist) : [];
  const links = pairLinks(source, dest, machines, machine, new Set(today.value.devices));
  const rows: NegotiationRow[] = [];
  for (const device of today.value.devices) {
    const t = todayCells.get(device);
    if (t === undefined) continue;
    if (input.stream !== undefined && t.inVm === false) continue;
    const a = afterCells.get(device);
    const src = source.manifest.devices.get(device)?.description;
    // A QOM type renamed between the builds (5.2's `esp` is `sysbus-esp` later) saves the same vmsd.
    const dst = dest.manifest.devices.get(device)?.description ?? descriptionOfSection(dest.manifest, t.section);
    const sourceRange = src === undefined ? undefined : rangeOf(src);
    const destRange = dst === undefined ? undefined : rangeOf(dst);
    const sent = input.stream?.devices.find((d) => d.vmsdName === t.section);
    const negotiated = a === undefined ? t.verdict : verdictUnderNegotiation(t, a);
    const breaksNegotiated = t.verdict === 'breaks' ? (a?.findings ?? []).filter((f) => f.verdict === 'breaks') : [];
    rows.push({
      device,
      section: t.section,
      sourceRange,
      destRange,
      sentToday: sent?.versionId ?? src?.versionId,
      today: t.verdict,
      common: sourceRange !== undefined && destRange !== undefined ? highestCommon(sourceRange, destRange) : undefined,
      negotiated,
      outcome: outcomeOf(device, t.verdict, negotiated, breaksNegotiated),
      breaksToday: t.findings.filter((f) => f.verdict === 'breaks'),
      breaksNegotiated,
      subsections: sent?.subsections === undefined ? undefined : subsectionUse([...sent.subsections.keys()], dst),
      pinnedBy: links.filter((l) => l.rows.includes(device)),
      inVm: t.inVm,
      whitelist: checks.find((c) => c.device === t.section),
    });
  }
  const count = (o: NegotiationOutcome): number => rows.filter((r) => r.outcome === o).length;
  return {
    ok: true,
    value: {
      source: source.version,
      dest: dest.version,
      direction: compareVersions(source.version, dest.version) < 0 ? 'forward' : 'backward',
      machine,
      stream: input.stream?.name,
      rows,
      summary: {
        breaksToday: rows.filter((r) => r.today === 'breaks').length,
        fixedByNegotiation: count('fixed'),
        noCommonVersion: count('no-common-version'),
        meaningChanged: count('meaning-changed'),
        pinned: rows.filter((r) => r.pinnedBy.length > 0).length,
        neverProduced: rows.filter((r) => r.whitelist?.status === 'never-produced').length,
      },
      compatProps: links,
      notes: today.value.notes,
    },
  };
}

/**
 * Negotiation only ever removes what the destination cannot read, so it never makes a device
 * worse than today; the lowered source may still be at risk (an opaque field), never more.
 */
function verdictUnderNegotiation(today: MatrixCell, after: MatrixCell): Verdict {
  if (today.verdict !== 'breaks') return today.verdict;
  return after.verdict;
}

function outcomeOf(device: string, today: Verdict, negotiated: Verdict, still: readonly JudgeFinding[]): NegotiationOutcome {
  if (today !== 'breaks') return 'loads';
  if (device === CONFIGURATION_ROW) return 'machine-type';
  if (negotiated !== 'breaks') return 'fixed';
  return still.some((f) => f.kind === 'version-too-new' || f.kind === 'version-too-old') ? 'no-common-version' : 'meaning-changed';
}

/** Both manifests' machine type when they agree, else the older build's (the newer build offers it too). */
function pairMachine(source: MatrixManifest, dest: MatrixManifest): string {
  const older = compareVersions(source.version, dest.version) < 0 ? source : dest;
  return older.manifest.machine ?? source.manifest.machine ?? dest.manifest.machine ?? '';
}

/** The state-gating compat properties the machine type pins in either build (the newer build's first). */
function pairLinks(source: MatrixManifest, dest: MatrixManifest, machines: readonly MatrixMachines[], machine: string, rows: ReadonlySet<string>): CompatLink[] {
  const builds = [source.version, dest.version].sort(compareVersions).reverse();
  const out: CompatLink[] = [];
  for (const build of builds) {
    const qm = machines.find((m) => m.version === build)?.machines;
    const info = qm === undefined ? undefined : findMachine(qm, machine);
    if (info !== undefined) out.push(...compatLinks(build, info, rows).filter((l) => l.relevance === 'device state'));
  }
  return out;
}

/** Every subsection name a vmsd knows, at any depth. */
export function knownSubsections(d: VmstateDescription | undefined): Set<string> {
  const out = new Set<string>();
  const visit = (x: VmstateDescription): void => {
    for (const s of x.subsections ?? []) {
      out.add(s.name);
      visit(s);
    }
    for (const f of x.fields ?? []) if (f.description !== undefined) visit(f.description);
  };
  if (d !== undefined) visit(d);
  return out;
}

function subsectionUse(sent: readonly string[], dest: VmstateDescription | undefined): SubsectionUse {
  if (dest === undefined) return { sent, unknownToDest: undefined };
  const known = knownSubsections(dest);
  return { sent, unknownToDest: sent.filter((s) => !known.has(s)) };
}

/** Every ordered pair of the builds, each negotiated (for the summary table and the view). */
export function negotiateAllPairs(manifests: readonly MatrixManifest[], machines: readonly MatrixMachines[] = []): NegotiationResult[] {
  const builds = [...manifests].sort((a, b) => compareVersions(a.version, b.version));
  const out: NegotiationResult[] = [];
  for (const source of builds) for (const dest of builds) if (source.version !== dest.version) out.push(computeNegotiation({ source, dest, machines }));
  return out;
}

function descriptionOfSection(manifest: VmstateManifest, section: string): VmstateDescription | undefined {
  for (const d of manifest.devices.values()) if (d.description?.name === section) return d.description;
  return undefined;
}
