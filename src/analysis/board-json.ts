/**
 * The release board as files: one JSON shape and one CSV for `migscope matrix --all-machines`
 * and the dashboard's board export, so a file saved from either compares with the other.
 */
import { findingJson } from './finding-json.ts';
import type { LoadMark, ObservedSummary } from './observed-loads.ts';
import { opacityReason } from './qom-cells.ts';
import type { BoardCell, BoardMachine, ReleaseBoard } from './release-board.ts';

export function boardJson(board: ReleaseBoard, observed?: ObservedSummary): unknown {
  return {
    builds: board.builds,
    notes: board.notes,
    pairs: board.pairs,
    machineTypes: board.machines,
    rows: board.rows,
    cells: board.pairs.flatMap((p) => board.rows.flatMap((r) => {
      const c = board.cells.get(p.key)?.get(r.qomType);
      return c === undefined ? [] : [cellJson(c)];
    })),
    ...(observed !== undefined ? { observed: observedJson(observed) } : {}),
  };
}

function cellJson(c: BoardCell): unknown {
  return {
    qomType: c.qomType,
    section: c.section,
    destSection: c.destSection,
    source: c.source,
    dest: c.dest,
    presence: c.presence,
    verdict: c.verdict,
    layoutVerdict: c.layoutVerdict,
    comparable: c.comparable,
    notComparable: c.comparable ? undefined : opacityReason(c, c.source, c.dest),
    findings: c.findings.map(findingJson),
  };
}

export function observedJson(observed: ObservedSummary): unknown {
  return { counts: observed.counts, loads: observed.marks.map(markJson) };
}

function markJson(m: LoadMark): unknown {
  return {
    line: m.load.line,
    source: m.load.source,
    dest: m.load.dest,
    machine: m.load.machine,
    config: m.load.config,
    arch: m.load.arch,
    outcome: m.load.outcome,
    prediction: m.prediction,
    agreement: m.agreement,
    unlessDevices: m.unlessDevices,
    atRiskDevices: m.atRiskDevices,
    runtimeCheck: m.runtimeCheck,
    why: m.why,
  };
}

export const BOARD_CSV_HEADER = ['machine type', 'qom type', 'section', 'source', 'destination', 'direction', 'verdict', 'comparable', 'breaking findings', 'at-risk findings', 'compat properties'] as const;

/**
 * One line per machine type, pair it has and row that is not fine there (fine cells would be
 * three quarters of a hundred thousand lines that say nothing), machine types in board order.
 */
export function boardCsvRows(board: ReleaseBoard, machines: readonly BoardMachine[] = board.machines): string[][] {
  const direction = new Map(board.pairs.map((p) => [p.key, p.direction]));
  const out: string[][] = [];
  for (const m of machines) {
    for (const key of m.pairs) {
      const cells = board.cells.get(key);
      if (cells === undefined) continue;
      for (const r of board.rows) {
        const c = cells.get(r.qomType);
        if (c === undefined || c.verdict === 'fine') continue;
        out.push([
          m.name,
          c.qomType,
          c.destSection !== undefined ? `${c.section} -> ${c.destSection}` : c.section,
          c.source,
          c.dest,
          direction.get(key) ?? '',
          c.verdict,
          c.comparable ? 'yes' : 'no',
          String(c.findings.filter((f) => f.verdict === 'breaks').length),
          String(c.findings.filter((f) => f.verdict === 'at-risk').length),
          compatNote(m, c),
        ]);
      }
    }
  }
  return out;
}

/** The compat properties the machine type pins on this row in either build of the pair. */
export function compatNote(m: BoardMachine, c: Pick<BoardCell, 'qomType' | 'source' | 'dest'>): string {
  return m.compatLinks
    .filter((l) => l.rows.includes(c.qomType) && (l.build === c.source || l.build === c.dest))
    .map((l) => `${l.build}: ${l.qomType}.${l.property}=${l.value}`)
    .join('; ');
}
