/**
 * The release manager's board: every device (one row per QOM type) against every ordered pair
 * of the loaded builds, for every machine type the builds offer.
 *
 * A `-dump-vmstate` manifest describes the binary, not a machine type (every dump of one binary
 * lists the same vmsds), so a device's verdict for a pair is the same under every machine type
 * both builds offer: the board judges each pair once and gives each machine type the pairs of
 * the builds that offer it. What does differ per machine type is what its compat properties pin
 * (`x-scanout-vmstate-version=1` on pc-q35-7.2 in 11.1): those that change migration state are
 * linked to the rows they name (compat-props.ts).
 */
import { findMachine, type MachineInfo, type QueryMachines } from '../manifest/query-machines.ts';
import type { VmstateManifest } from '../manifest/vmstate-manifest.ts';
import { compatLinks, type CompatLink } from './compat-props.ts';
import { judgeManifests } from './judge-findings.ts';
import { compareVersions, parseMachineName } from './machine-names.ts';
import { qomCells, type QomCell } from './qom-cells.ts';
import { verdictRank, worstVerdict, type Verdict } from './verdict.ts';

export interface BoardManifest {
  readonly version: string;
  readonly manifest: VmstateManifest;
}

export interface BoardMachines {
  readonly version: string;
  readonly machines: QueryMachines;
}

export type Direction = 'forward' | 'backward';

export interface BoardCounts {
  /** Rows (QOM types) whose cell breaks. */
  readonly breaks: number;
  readonly atRisk: number;
  /** Of the at-risk ones, those at risk only because the manifests cannot show their state. */
  readonly notComparable: number;
}

export interface BoardPair {
  /** `5.2->7.2`. */
  readonly key: string;
  readonly source: string;
  readonly dest: string;
  readonly direction: Direction;
  readonly verdict: Verdict;
  readonly counts: BoardCounts;
}

export interface BoardRow {
  readonly qomType: string;
  /** The vmsd names it saves as, oldest build first (two when it was renamed). */
  readonly sections: readonly string[];
  /** Builds whose manifest has it. */
  readonly builds: readonly string[];
  /** Worst cell over all pairs. */
  readonly verdict: Verdict;
  readonly breaks: number;
  readonly atRisk: number;
  /** False when some build's manifest cannot show its state (no fields, opaque fields). */
  readonly comparable: boolean;
}

export interface BoardCell extends QomCell {
  readonly source: string;
  readonly dest: string;
  readonly pair: string;
}

export type MachineKindOnBoard = 'versioned' | 'unversioned';

export interface BoardMachine {
  readonly name: string;
  readonly family: string;
  readonly machineVersion: string | undefined;
  readonly kind: MachineKindOnBoard;
  /** Builds (with a manifest) that offer it, oldest first. */
  readonly offeredBy: readonly string[];
  readonly deprecatedIn: readonly string[];
  /** Builds whose machine list was given and lacks it. */
  readonly absentFrom: readonly string[];
  /** Builds whose machine list was not given. */
  readonly unknownIn: readonly string[];
  /** Pair keys where both builds offer it, in the board's pair order. */
  readonly pairs: readonly string[];
  /** Distinct QOM types that break / are at risk in some pair of each direction. */
  readonly forward: { readonly breaks: readonly string[]; readonly atRisk: number };
  readonly backward: { readonly breaks: readonly string[]; readonly atRisk: number };
  /** Compat properties it pins that change migration state, with the rows they name. */
  readonly compatLinks: readonly CompatLink[];
}

export interface ReleaseBoard {
  /** Builds with a manifest, oldest first. */
  readonly builds: readonly string[];
  /** Forward pairs first (oldest source first), then backward. */
  readonly pairs: readonly BoardPair[];
  /** Every QOM type with a vmsd in some build, in order of first appearance (oldest build first). */
  readonly rows: readonly BoardRow[];
  /** Per pair key, per QOM type. */
  readonly cells: ReadonlyMap<string, ReadonlyMap<string, BoardCell>>;
  readonly machines: readonly BoardMachine[];
  readonly notes: readonly string[];
}

export interface BoardError {
  readonly code: 'TOO_FEW_VERSIONS';
  readonly message: string;
}

export function pairKey(source: string, dest: string): string {
  return `${source}->${dest}`;
}

export function releaseBoard(
  manifests: readonly BoardManifest[],
  machines: readonly BoardMachines[] = [],
): { readonly ok: true; readonly value: ReleaseBoard } | { readonly ok: false; readonly error: BoardError } {
  const builds = [...new Set(manifests.map((m) => m.version))].sort(compareVersions);
  if (builds.length < 2) {
    return { ok: false, error: { code: 'TOO_FEW_VERSIONS', message: `a board needs manifests of at least two QEMU builds, got ${builds.length === 0 ? 'none' : builds.join(', ')}` } };
  }
  const notes: string[] = [];
  // One manifest per build: every dump of one binary lists the same vmsds.
  const chosen = new Map<string, VmstateManifest>();
  for (const b of builds) {
    const pick = manifests.find((m) => m.version === b);
    if (pick !== undefined) chosen.set(b, pick.manifest);
  }
  const machinesBy = mergeMachineLists(machines, notes);
  for (const b of builds) if (!machinesBy.has(b)) notes.push(`${b}: no query-machines reply, so its machine types are those its manifests were dumped with.`);
  for (const v of machinesBy.keys()) if (!chosen.has(v)) notes.push(`${v}: a query-machines reply but no manifest, so its devices are not on the board.`);

  const order = rowOrder(builds.map((b) => chosen.get(b)).filter((m): m is VmstateManifest => m !== undefined));
  const pairs: BoardPair[] = [];
  const cells = new Map<string, Map<string, BoardCell>>();
  const ordered = [...orderedPairs(builds, 'forward'), ...orderedPairs(builds, 'backward')];
  for (const [source, dest, direction] of ordered) {
    const src = chosen.get(source);
    const dst = chosen.get(dest);
    if (src === undefined || dst === undefined) continue;
    const key = pairKey(source, dest);
    const list = qomCells(judgeManifests(src, dst), src, dst, order);
    const byType = new Map<string, BoardCell>();
    for (const c of list) byType.set(c.qomType, { ...c, source, dest, pair: key });
    cells.set(key, byType);
    pairs.push({ key, source, dest, direction, verdict: worstVerdict(list.map((c) => c.verdict)), counts: countCells(list) });
  }

  const rows: BoardRow[] = order.map((qomType) => {
    const mine = pairs.flatMap((p) => {
      const c = cells.get(p.key)?.get(qomType);
      return c === undefined ? [] : [c];
    });
    const sections: string[] = [];
    const present: string[] = [];
    for (const b of builds) {
      const name = chosen.get(b)?.devices.get(qomType)?.description?.name;
      if (name === undefined) continue;
      present.push(b);
      if (!sections.includes(name)) sections.push(name);
    }
    return {
      qomType,
      sections,
      builds: present,
      verdict: worstVerdict(mine.map((c) => c.verdict)),
      breaks: mine.filter((c) => c.verdict === 'breaks').length,
      atRisk: mine.filter((c) => c.verdict === 'at-risk').length,
      comparable: mine.every((c) => c.comparable),
    };
  });

  const boardMachines = machineTypes(builds, chosen, machinesBy, pairs, cells, new Set(order));
  return { ok: true, value: { builds, pairs, rows, cells, machines: boardMachines, notes } };
}

function orderedPairs(builds: readonly string[], direction: Direction): [string, string, Direction][] {
  const out: [string, string, Direction][] = [];
  for (const a of builds) {
    for (const b of builds) {
      if (a === b) continue;
      const forward = compareVersions(a, b) < 0;
      if (forward === (direction === 'forward')) out.push([a, b, direction]);
    }
  }
  return out;
}

function countCells(list: readonly QomCell[]): BoardCounts {
  let breaks = 0;
  let atRisk = 0;
  let notComparable = 0;
  for (const c of list) {
    if (c.verdict === 'breaks') breaks++;
    else if (c.verdict === 'at-risk') {
      atRisk++;
      if (!c.comparable && c.layoutVerdict === 'fine') notComparable++;
    }
  }
  return { breaks, atRisk, notComparable };
}

/** QOM types with a vmsd, oldest build first, each build's new ones in file order. */
function rowOrder(manifests: readonly VmstateManifest[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const m of manifests) {
    for (const d of m.devices.values()) {
      if (d.description === undefined || seen.has(d.qomType)) continue;
      seen.add(d.qomType);
      out.push(d.qomType);
    }
  }
  return out;
}

/**
 * One machine list per build. A build may come with two replies (plain and with compat
 * properties): the same machines, the second richer; the one with compat properties is kept.
 */
function mergeMachineLists(lists: readonly BoardMachines[], notes: string[]): Map<string, QueryMachines> {
  const out = new Map<string, QueryMachines>();
  for (const l of lists) {
    const had = out.get(l.version);
    if (had === undefined) {
      out.set(l.version, l.machines);
      continue;
    }
    const names = (q: QueryMachines): string => q.machines.map((m) => m.name).sort().join(' ');
    if (names(had) !== names(l.machines)) notes.push(`${l.version}: two query-machines replies list different machine types (${had.file}, ${l.machines.file}); ${had.file} is used.`);
    const richer = (q: QueryMachines): boolean => q.machines.some((m) => m.compatProps !== undefined);
    if (!richer(had) && richer(l.machines)) out.set(l.version, l.machines);
  }
  return out;
}

function machineTypes(
  builds: readonly string[],
  chosen: ReadonlyMap<string, VmstateManifest>,
  machinesBy: ReadonlyMap<string, QueryMachines>,
  pairs: readonly BoardPair[],
  cells: ReadonlyMap<string, ReadonlyMap<string, BoardCell>>,
  rowTypes: ReadonlySet<string>,
): BoardMachine[] {
  // Every machine type any build offers (aliases are names for one of them, not types).
  const names = new Set<string>();
  for (const b of builds) {
    const qm = machinesBy.get(b);
    if (qm !== undefined) for (const m of qm.machines) names.add(m.name);
    else {
      const dumped = chosen.get(b)?.machine;
      if (dumped !== undefined) names.add(dumped);
    }
  }
  const out: BoardMachine[] = [];
  for (const name of names) {
    const parsed = parseMachineName(name);
    const offeredBy: string[] = [];
    const deprecatedIn: string[] = [];
    const absentFrom: string[] = [];
    const unknownIn: string[] = [];
    const infos = new Map<string, MachineInfo>();
    for (const b of builds) {
      const qm = machinesBy.get(b);
      if (qm === undefined) {
        if (chosen.get(b)?.machine === name) offeredBy.push(b);
        else unknownIn.push(b);
        continue;
      }
      const info = findMachine(qm, name);
      if (info === undefined || info.name !== name) {
        absentFrom.push(b);
        continue;
      }
      infos.set(b, info);
      offeredBy.push(b);
      if (info.deprecated === true) deprecatedIn.push(b);
    }
    const mine = pairs.filter((p) => offeredBy.includes(p.source) && offeredBy.includes(p.dest));
    const summary = (direction: Direction): { breaks: string[]; atRisk: number } => {
      const breaks = new Set<string>();
      const risky = new Set<string>();
      for (const p of mine) {
        if (p.direction !== direction) continue;
        for (const c of cells.get(p.key)?.values() ?? []) {
          if (c.verdict === 'breaks') breaks.add(c.qomType);
          else if (c.verdict === 'at-risk') risky.add(c.qomType);
        }
      }
      return { breaks: [...breaks], atRisk: [...risky].filter((q) => !breaks.has(q)).length };
    };
    out.push({
      name,
      family: parsed.family,
      machineVersion: parsed.version,
      kind: parsed.version === undefined ? 'unversioned' : 'versioned',
      offeredBy,
      deprecatedIn,
      absentFrom,
      unknownIn,
      pairs: mine.map((p) => p.key),
      forward: summary('forward'),
      backward: summary('backward'),
      compatLinks: [...infos].flatMap(([build, info]) => compatLinks(build, info, rowTypes)),
    });
  }
  return out.sort(compareMachines);
}

/** Versioned types by family, newest first; unversioned after, by name. */
export function compareMachines(a: { readonly name: string }, b: { readonly name: string }): number {
  const x = parseMachineName(a.name);
  const y = parseMachineName(b.name);
  const kx = x.version === undefined ? 1 : 0;
  const ky = y.version === undefined ? 1 : 0;
  if (kx !== ky) return kx - ky;
  if (x.family !== y.family) return x.family < y.family ? -1 : 1;
  if (x.version !== undefined && y.version !== undefined) return compareVersions(y.version, x.version);
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** The cell of one row in one pair, if either build has the QOM type. */
export function boardCell(board: ReleaseBoard, qomType: string, pair: string): BoardCell | undefined {
  return board.cells.get(pair)?.get(qomType);
}

/** Rows worst first (breaks, then at risk), then by name. */
export function rowsBySeverity(rows: readonly BoardRow[]): BoardRow[] {
  return [...rows].sort((a, b) => verdictRank(b.verdict) - verdictRank(a.verdict) || b.breaks - a.breaks || b.atRisk - a.atRisk || (a.qomType < b.qomType ? -1 : a.qomType > b.qomType ? 1 : 0));
}
