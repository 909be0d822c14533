/**
 * The release board's geometry: which rows (devices) and columns (machine-type groups × version
 * pairs) show, each cell's verdict and colour, and the pivot (machine types × pairs, breaking
 * devices counted). Pure: the analysis gives the board, React draws these records.
 *
 * Machine types whose columns are the same (the same family, offered and deprecated by the
 * same builds) are one group: a manifest describes a binary, so their cells are equal, and the
 * 80 machine types of 4 builds make about 20 groups, not 380 columns. What does differ between
 * them, the compat properties each pins, marks the cells it touches and is listed per machine
 * type in the cell's panel.
 */
import { scaleOrdinal } from 'd3-scale';
import { compatNote } from '../../../analysis/board-json.ts';
import type { LoadMark, ObservedSummary } from '../../../analysis/observed-loads.ts';
import type { BoardCell, BoardMachine, BoardPair, ReleaseBoard } from '../../../analysis/release-board.ts';
import { verdictRank, worstVerdict, type Verdict } from '../../../analysis/verdict.ts';
import { verdictPalette, type Scheme } from '../matrix-layout.ts';
import type { BoardSettings } from './board-options.ts';

/** The board settings (board-options.ts) and the colour scheme. */
export interface BoardOptions extends BoardSettings {
  readonly scheme: Scheme;
}

export interface BoardObserved {
  readonly agree: number;
  readonly disagree: number;
  readonly total: number;
  readonly marks: readonly LoadMark[];
}

export interface BoardGroupView {
  /** The first machine type's name. */
  readonly key: string;
  readonly label: string;
  readonly machines: readonly BoardMachine[];
  readonly offeredBy: readonly string[];
  readonly deprecatedIn: readonly string[];
  /** Distinct devices breaking forward / backward in its pairs. */
  readonly forwardBreaks: readonly string[];
  readonly backwardBreaks: readonly string[];
  readonly columns: readonly BoardColumnView[];
}

export interface BoardColumnView {
  /** `<group key>@<pair>`: what a selected cell names. */
  readonly key: string;
  readonly group: string;
  readonly pair: BoardPair;
  readonly label: string;
  readonly deprecatedDest: boolean;
  readonly observed: BoardObserved | undefined;
}

export interface BoardRowView {
  readonly qomType: string;
  readonly sections: readonly string[];
  readonly verdict: Verdict;
  readonly breaks: number;
  readonly atRisk: number;
}

export interface BoardCellView {
  readonly row: string;
  readonly column: string;
  readonly verdict: Verdict;
  readonly comparable: boolean;
  /** Findings with the cell's own verdict (the number drawn; 0 draws none). */
  readonly count: number;
  readonly fill: string;
  readonly ink: string;
  /** Compat properties the group's machine types pin on this device in one of the pair's builds. */
  readonly compat: string;
  /** The same, per machine type of the group that pins something. */
  readonly pins: readonly { readonly machine: string; readonly note: string }[];
  readonly cell: BoardCell;
}

export interface BoardView {
  readonly groups: readonly BoardGroupView[];
  readonly columns: readonly BoardColumnView[];
  readonly rows: readonly BoardRowView[];
  /** By row, then column key. */
  readonly cells: ReadonlyMap<string, ReadonlyMap<string, BoardCellView>>;
  readonly hiddenRows: number;
  /** Machine types shown, and those left out for want of a pair (one build offers them). */
  readonly machinesShown: number;
  readonly machinesWithoutPair: readonly string[];
  readonly legend: readonly { readonly label: string; readonly fill: string; readonly opaque?: boolean }[];
}

export function boardView(board: ReleaseBoard, observed: ObservedSummary | undefined, options: BoardOptions): BoardView {
  const palette = verdictPalette(options.scheme);
  const color = scaleOrdinal<Verdict, string>().domain(['breaks', 'at-risk', 'fine']).range([palette.verdict.breaks, palette.verdict['at-risk'], palette.verdict.fine]);
  const filter = options.machineFilter.trim().toLowerCase();
  const machines = board.machines.filter((m) => filter === '' || m.name.toLowerCase().includes(filter));
  const withPairs = machines.filter((m) => m.pairs.length > 0);
  const pairs = new Map(board.pairs.map((p) => [p.key, p]));
  const shownPair = (key: string): boolean => {
    const p = pairs.get(key);
    return p !== undefined && (options.direction === 'both' || p.direction === options.direction);
  };
  const marks = observedByColumn(observed);

  const groups: BoardGroupView[] = [];
  let current: { sig: string; machines: BoardMachine[] } | undefined;
  const flush = (): void => {
    if (current === undefined) return;
    groups.push(groupView(current.machines, pairs, shownPair, marks));
    current = undefined;
  };
  for (const m of withPairs) {
    const sig = options.group ? groupSignature(m) : m.name;
    if (current !== undefined && current.sig === sig) current.machines.push(m);
    else {
      flush();
      current = { sig, machines: [m] };
    }
  }
  flush();
  const columns = groups.flatMap((g) => g.columns);

  const rowFilter = options.rowFilter.trim().toLowerCase();
  const cells = new Map<string, Map<string, BoardCellView>>();
  const rows: BoardRowView[] = [];
  let hidden = 0;
  for (const r of board.rows) {
    if (rowFilter !== '' && !r.qomType.toLowerCase().includes(rowFilter) && !r.sections.some((s) => s.toLowerCase().includes(rowFilter))) {
      hidden++;
      continue;
    }
    const byCol = new Map<string, BoardCellView>();
    for (const col of columns) {
      const c = board.cells.get(col.pair.key)?.get(r.qomType);
      if (c === undefined) continue;
      const group = groups.find((g) => g.key === col.group);
      const pins = group === undefined ? [] : group.machines.flatMap((m) => {
        const note = compatNote(m, c);
        return note === '' ? [] : [{ machine: m.name, note }];
      });
      const compat = [...new Set(pins.map((p) => p.note))].join(' | ');
      const quiet = c.verdict === 'fine' && c.findings.length === 0;
      byCol.set(col.key, {
        row: r.qomType,
        column: col.key,
        verdict: c.verdict,
        comparable: c.comparable,
        // A number only where findings say it: a cell at risk for want of a description has none.
        count: c.verdict === 'fine' ? 0 : c.findings.filter((f) => f.verdict === c.verdict).length,
        fill: quiet ? palette.empty : color(c.verdict),
        ink: palette.ink[c.verdict],
        compat,
        pins,
        cell: c,
      });
    }
    const shown = [...byCol.values()];
    const verdict = worstVerdict(shown.map((c) => c.verdict));
    const opaqueOnly = verdict === 'at-risk' && shown.every((c) => c.verdict !== 'at-risk' || (!c.comparable && c.cell.layoutVerdict === 'fine'));
    if ((options.hideFine && verdict === 'fine') || (options.hideOpaqueOnly && opaqueOnly) || shown.length === 0) {
      hidden++;
      continue;
    }
    cells.set(r.qomType, byCol);
    rows.push({ qomType: r.qomType, sections: r.sections, verdict, breaks: shown.filter((c) => c.verdict === 'breaks').length, atRisk: shown.filter((c) => c.verdict === 'at-risk').length });
  }
  rows.sort((a, b) => verdictRank(b.verdict) - verdictRank(a.verdict) || b.breaks - a.breaks || b.atRisk - a.atRisk || (a.qomType < b.qomType ? -1 : a.qomType > b.qomType ? 1 : 0));
  return {
    groups,
    columns,
    rows,
    cells,
    hiddenRows: hidden,
    machinesShown: withPairs.length,
    machinesWithoutPair: machines.filter((m) => m.pairs.length === 0).map((m) => m.name),
    legend: [
      { label: 'breaks', fill: color('breaks') },
      { label: 'at risk', fill: color('at-risk') },
      { label: 'not comparable (at risk)', fill: color('at-risk'), opaque: true },
      { label: 'fine', fill: color('fine') },
      { label: 'no findings', fill: palette.empty },
    ],
  };
}

/** What makes two machine types' columns the same. */
function groupSignature(m: BoardMachine): string {
  return JSON.stringify([m.family, m.offeredBy, m.deprecatedIn, m.pairs]);
}

function groupView(machines: readonly BoardMachine[], pairs: ReadonlyMap<string, BoardPair>, shownPair: (key: string) => boolean, marks: ReadonlyMap<string, LoadMark[]>): BoardGroupView {
  const first = machines[0] as BoardMachine;
  const last = machines[machines.length - 1] as BoardMachine;
  // `pc-q35 8.2–10.0`: the family once, the versions as a range (the machine types in the title).
  const label = machines.length === 1 ? first.name : `${first.family} ${last.machineVersion ?? last.name}–${first.machineVersion ?? first.name}`;
  const columns: BoardColumnView[] = first.pairs.filter(shownPair).flatMap((key) => {
    const pair = pairs.get(key);
    if (pair === undefined) return [];
    const mk = machines.flatMap((m) => marks.get(`${m.name}\u0000${key}`) ?? []);
    const agree = mk.filter((x) => x.agreement === 'agree').length;
    const disagree = mk.filter((x) => x.agreement === 'observed fail, manifests said fine' || x.agreement === 'observed success, manifests said fail').length;
    return [{
      key: `${first.name}@${key}`,
      group: first.name,
      pair,
      label: `${pair.source}→${pair.dest}`,
      deprecatedDest: first.deprecatedIn.includes(pair.dest),
      observed: mk.length > 0 ? { agree, disagree, total: mk.length, marks: mk } : undefined,
    }];
  });
  return {
    key: first.name,
    label,
    machines,
    offeredBy: first.offeredBy,
    deprecatedIn: first.deprecatedIn,
    forwardBreaks: first.forward.breaks,
    backwardBreaks: first.backward.breaks,
    columns,
  };
}

function observedByColumn(observed: ObservedSummary | undefined): Map<string, LoadMark[]> {
  const out = new Map<string, LoadMark[]>();
  for (const mk of observed?.marks ?? []) {
    if (mk.agreement === 'same build' || mk.agreement === 'off the board') continue;
    const key = `${mk.load.machine}\u0000${mk.pair}`;
    const list = out.get(key) ?? [];
    list.push(mk);
    out.set(key, list);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The pivot: machine types (or groups) down, every pair across, breaking devices counted.

export interface PivotCell {
  readonly pair: string;
  readonly breaks: number;
  readonly atRisk: number;
  readonly fill: string;
  readonly ink: string;
  readonly observed: BoardObserved | undefined;
}

export interface PivotRow {
  readonly key: string;
  readonly label: string;
  readonly machines: readonly string[];
  readonly offeredBy: readonly string[];
  /** By pair key; a pair the group's builds do not both offer has no cell. */
  readonly cells: ReadonlyMap<string, PivotCell>;
}

export interface PivotView {
  readonly pairs: readonly BoardPair[];
  readonly rows: readonly PivotRow[];
}

export function pivotView(view: BoardView, board: ReleaseBoard, options: Pick<BoardOptions, 'direction' | 'scheme'>): PivotView {
  const palette = verdictPalette(options.scheme);
  const pairs = board.pairs.filter((p) => options.direction === 'both' || p.direction === options.direction);
  // Counts over the rows the board shows, so that filters act on both layouts alike.
  const shownRows = new Set(view.rows.map((r) => r.qomType));
  const rows = view.groups.map((g) => {
    const cells = new Map<string, PivotCell>();
    for (const col of g.columns) {
      const all = [...(board.cells.get(col.pair.key)?.values() ?? [])].filter((c) => shownRows.has(c.qomType));
      const breaks = all.filter((c) => c.verdict === 'breaks').length;
      const atRisk = all.filter((c) => c.verdict === 'at-risk').length;
      const verdict: Verdict = breaks > 0 ? 'breaks' : atRisk > 0 ? 'at-risk' : 'fine';
      cells.set(col.pair.key, { pair: col.pair.key, breaks, atRisk, fill: palette.verdict[verdict], ink: palette.ink[verdict], observed: col.observed });
    }
    return { key: g.key, label: g.label, machines: g.machines.map((m) => m.name), offeredBy: g.offeredBy, cells };
  });
  return { pairs, rows };
}
