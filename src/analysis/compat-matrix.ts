/**
 * Devices × (source version → destination version) for one machine type: every ordered pair of
 * the given QEMU versions, both directions, each cell the judge's verdict for one QOM type (the
 * vmsd it saves as shown beside it). Without a stream, a device whose manifest entry cannot show
 * its state (no fields, a device-defined field) is at risk, never fine nor a certain failure
 * (qom-cells.ts); release-board.ts lays the same cells out for every machine type at once.
 *
 * A manifest describes a binary, not a machine type (every dump of one binary lists the same
 * devices), so a version without a manifest dumped with the matrix's machine type is judged
 * with any manifest of that version, and the matrix says so in `notes`. Whether a version
 * offers the machine type at all comes from its query-machines when given.
 *
 * With a stream for a source version, that version's columns are narrowed to the VM the
 * stream holds (stream-check.ts); other source versions are judged per device.
 */
import { findMachine, type QueryMachines } from '../manifest/query-machines.ts';
import type { VmstateManifest } from '../manifest/vmstate-manifest.ts';
import { judgeManifests, type JudgeReport } from './judge-findings.ts';
import { compareVersions } from './machine-names.ts';
import { opacityReason, qomCells } from './qom-cells.ts';
import { checkStream } from './stream-check.ts';
import type { StreamFacts } from './stream-facts.ts';
import { countVerdicts, joinPath, worstVerdict, type JudgeFinding, type Verdict, type VerdictCounts } from './verdict.ts';

export interface MatrixManifest {
  readonly version: string;
  readonly manifest: VmstateManifest;
}

export interface MatrixStream {
  readonly version: string;
  readonly facts: StreamFacts;
}

export interface MatrixMachines {
  readonly version: string;
  readonly machines: QueryMachines;
}

export interface MatrixOptions {
  /** The machine type; default: the streams' machine type, else the one most versions have a manifest for. */
  readonly machine?: string | undefined;
}

export interface MatrixPair {
  readonly source: string;
  readonly dest: string;
  /** Forward = to a newer version. */
  readonly direction: 'forward' | 'backward';
  readonly verdict: Verdict;
  readonly counts: VerdictCounts;
  /** The stream the column was narrowed to, when one was given for the source version. */
  readonly stream: string | undefined;
  /** Whether each side offers the machine type; undefined when its query-machines was not given. */
  readonly sourceOffersMachine: boolean | undefined;
  readonly destOffersMachine: boolean | undefined;
}

export interface MatrixCell {
  /** The row: a QOM type, `configuration` for the machine type, or a stream section no manifest describes. */
  readonly device: string;
  /** The vmsd name (stream section) of the row in the source, else in the destination. */
  readonly section: string;
  readonly source: string;
  readonly dest: string;
  readonly verdict: Verdict;
  readonly findings: readonly JudgeFinding[];
  /** False when a manifest cannot show the device's state (no fields, device-defined fields): then at risk. */
  readonly comparable: boolean;
  /** Why not comparable, when not. */
  readonly notComparable: string | undefined;
  /** With a stream: whether the VM has this device (cells of devices it lacks are `fine`, empty). */
  readonly inVm: boolean | undefined;
}

export interface CompatMatrix {
  readonly machine: string;
  /** Oldest first. */
  readonly versions: readonly string[];
  /** Row keys: `configuration` first, then QOM types (oldest version's order first), then undescribed stream sections. */
  readonly devices: readonly string[];
  /** The vmsd names (stream sections) each QOM type row saves as, oldest version first. */
  readonly sections: Readonly<Record<string, readonly string[]>>;
  readonly pairs: readonly MatrixPair[];
  /** One per row and pair, rows outer, pairs inner, in `devices` × `pairs` order. */
  readonly cells: readonly MatrixCell[];
  /** What was substituted or assumed (manifest of another machine type, unknown availability). */
  readonly notes: readonly string[];
}

export interface MatrixError {
  readonly code: 'TOO_FEW_VERSIONS' | 'DUPLICATE_STREAM' | 'STREAM_WITHOUT_MANIFEST';
  readonly message: string;
}

export const CONFIGURATION_ROW = 'configuration';

export function compatMatrix(
  manifests: readonly MatrixManifest[],
  streams: readonly MatrixStream[] = [],
  machines: readonly MatrixMachines[] = [],
  options: MatrixOptions = {},
): { readonly ok: true; readonly value: CompatMatrix } | { readonly ok: false; readonly error: MatrixError } {
  const versions = [...new Set(manifests.map((m) => m.version))].sort(compareVersions);
  if (versions.length < 2) {
    return { ok: false, error: { code: 'TOO_FEW_VERSIONS', message: `a matrix needs manifests of at least two QEMU versions, got ${versions.length === 0 ? 'none' : versions.join(', ')}` } };
  }
  const streamBy = new Map<string, StreamFacts>();
  for (const s of streams) {
    if (streamBy.has(s.version)) return { ok: false, error: { code: 'DUPLICATE_STREAM', message: `two streams for version ${s.version}; give one stream per source version` } };
    if (!versions.includes(s.version)) return { ok: false, error: { code: 'STREAM_WITHOUT_MANIFEST', message: `a stream for version ${s.version}, but no manifest of that version` } };
    streamBy.set(s.version, s.facts);
  }
  const machinesBy = new Map(machines.map((m) => [m.version, m.machines]));
  const notes: string[] = [];
  const machine = options.machine ?? defaultMachine(manifests, streams, notes);

  // One manifest per version: the one dumped with the machine type, else any (same devices).
  const chosen = new Map<string, VmstateManifest>();
  for (const version of versions) {
    const all = manifests.filter((m) => m.version === version);
    const exact = all.find((m) => m.manifest.machine === machine);
    const pick = exact ?? all[0];
    if (pick === undefined) continue;
    chosen.set(version, pick.manifest);
    if (exact === undefined) {
      notes.push(`${version}: no manifest dumped with -machine ${machine}; used ${pick.manifest.file} (${pick.manifest.machine ?? 'no machine name'}), which lists the same devices because a manifest describes the binary.`);
    }
    if (!machinesBy.has(version)) notes.push(`${version}: no query-machines given, so whether it offers ${machine} is not checked.`);
  }

  const offers = (version: string): boolean | undefined => {
    const qm = machinesBy.get(version);
    return qm === undefined ? undefined : findMachine(qm, machine) !== undefined;
  };

  const pairs: MatrixPair[] = [];
  const reports: JudgeReport[] = [];
  const inVmBy: (ReadonlySet<string> | undefined)[] = [];
  for (const source of versions) {
    for (const dest of versions) {
      if (source === dest) continue;
      const src = chosen.get(source);
      const dst = chosen.get(dest);
      if (src === undefined || dst === undefined) continue;
      const facts = streamBy.get(source);
      const report = facts !== undefined
        ? checkStream(facts, dst, { source: src, destMachineType: machine, destMachines: machinesBy.get(dest) })
        : withMachineFindings(judgeManifests(src, dst), machine, machinesBy.get(dest));
      reports.push(report);
      inVmBy.push(facts === undefined ? undefined : new Set([CONFIGURATION_ROW, ...facts.devices.map((d) => d.vmsdName), ...(facts.damage?.device === undefined ? [] : [facts.damage.device])]));
      pairs.push({
        source,
        dest,
        direction: compareVersions(source, dest) < 0 ? 'forward' : 'backward',
        verdict: report.verdict,
        counts: report.counts,
        stream: facts?.name,
        sourceOffersMachine: offers(source),
        destOffersMachine: offers(dest),
      });
    }
  }

  // Rows: configuration, then one per QOM type (oldest version's manifest order first), then
  // stream sections no manifest describes. A row per QOM type, not per vmsd name: one name can
  // stand for different vmsds (`vga` of PCI VGA and isa-vga up to 10.0), and a rename of one of
  // them must not paint the others.
  const order: string[] = [];
  const seenType = new Set<string>();
  for (const version of versions) {
    for (const d of chosen.get(version)?.devices.values() ?? []) {
      if (d.description === undefined || seenType.has(d.qomType)) continue;
      seenType.add(d.qomType);
      order.push(d.qomType);
    }
  }
  const perPair = pairs.map((pair, i) => {
    const report = reports[i];
    const src = chosen.get(pair.source);
    const dst = chosen.get(pair.dest);
    const list = report !== undefined && src !== undefined && dst !== undefined ? qomCells(report, src, dst, order) : [];
    return new Map(list.map((c) => [c.qomType, c]));
  });
  const loose: string[] = [];
  for (const report of reports) for (const f of report.findings) if (f.qomTypes.length === 0 && f.device !== CONFIGURATION_ROW && !loose.includes(f.device)) loose.push(f.device);
  const rows: string[] = [CONFIGURATION_ROW, ...order.filter((q) => perPair.some((m) => m.has(q))), ...loose];
  const sections: Record<string, string[]> = {};
  for (const q of order) {
    const names: string[] = [];
    for (const version of versions) {
      const n = chosen.get(version)?.devices.get(q)?.description?.name;
      if (n !== undefined && !names.includes(n)) names.push(n);
    }
    sections[q] = names;
  }

  const cells: MatrixCell[] = [];
  for (const device of rows) {
    pairs.forEach((pair, i) => {
      const report = reports[i];
      const inVm = inVmBy[i];
      const qom = perPair[i]?.get(device);
      const narrowed = pair.stream !== undefined;
      if (qom !== undefined) {
        // With a stream the cells are facts of one VM; without, a device the manifests cannot
        // show is at risk whatever its layouts say (qom-cells.ts).
        const comparable = narrowed || qom.comparable;
        cells.push({
          device,
          section: qom.section,
          source: pair.source,
          dest: pair.dest,
          verdict: narrowed ? qom.layoutVerdict : qom.verdict,
          findings: qom.findings,
          comparable,
          notComparable: comparable ? undefined : opacityReason(qom, pair.source, pair.dest),
          inVm: inVm === undefined ? undefined : inVm.has(qom.section),
        });
        return;
      }
      const findings = report?.findings.filter((f) => f.device === device && f.qomTypes.length === 0) ?? [];
      cells.push({
        device,
        section: device,
        source: pair.source,
        dest: pair.dest,
        verdict: worstVerdict(findings.map((f) => f.verdict)),
        findings,
        comparable: true,
        notComparable: undefined,
        inVm: inVm === undefined ? undefined : inVm.has(device),
      });
    });
  }
  return { ok: true, value: { machine, versions, devices: rows, sections, pairs, cells, notes } };
}

function defaultMachine(manifests: readonly MatrixManifest[], streams: readonly MatrixStream[], notes: string[]): string {
  const fromStreams = [...new Set(streams.flatMap((s) => (s.facts.machineType === undefined ? [] : [s.facts.machineType])))];
  if (fromStreams.length === 1 && fromStreams[0] !== undefined) return fromStreams[0];
  const score = new Map<string, Set<string>>();
  for (const m of manifests) {
    if (m.manifest.machine === undefined) continue;
    const set = score.get(m.manifest.machine) ?? new Set<string>();
    set.add(m.version);
    score.set(m.manifest.machine, set);
  }
  let best = '';
  let bestCount = -1;
  for (const [name, set] of score) {
    if (set.size > bestCount) {
      best = name;
      bestCount = set.size;
    }
  }
  if (score.size > 1) notes.push(`no machine type given; chose ${best}, the one most versions have a manifest for.`);
  return best;
}

/** The manifest-only judgement plus whether the destination offers the machine type. */
function withMachineFindings(report: JudgeReport, machine: string, destMachines: QueryMachines | undefined): JudgeReport {
  if (destMachines === undefined) return report;
  const info = findMachine(destMachines, machine);
  const base = { device: CONFIGURATION_ROW, qomTypes: [], pathSegments: [CONFIGURATION_ROW, 'name'], path: joinPath([CONFIGURATION_ROW, 'name']) };
  let extra: JudgeFinding | undefined;
  if (info === undefined) {
    extra = { ...base, kind: 'machine-type-missing', verdict: 'breaks', reason: `The destination QEMU does not offer machine type ${machine}: a VM of that type cannot be started there, so it cannot be migrated there ("unsupported machine type").` };
  } else if (info.deprecated === true) {
    extra = { ...base, kind: 'machine-type', verdict: 'fine', reason: `The destination offers ${machine} but marks it deprecated: migrations load with a warning; plan to move such VMs to a newer machine type.` };
  }
  if (extra === undefined) return report;
  const findings = [extra, ...report.findings];
  return { ...report, findings, verdict: worstVerdict(findings.map((f) => f.verdict)), counts: countVerdicts(findings) };
}
