/**
 * The Tiers board's rows: machine types filtered by kind and name, and the words and CSV of a
 * cell. Pure, so the board and its export say the same and tests read it without a browser.
 */
import type { MachineKind, MachineTierCell, MachineTierRow, MachineTiers } from '../../analysis/machine-tiers.ts';

export type KindFilter = 'all' | MachineKind;

export interface BoardFilter {
  readonly kind: KindFilter;
  /** Part of the name, any case; empty for all. */
  readonly text: string;
  /** Only machine types whose status differs between versions. */
  readonly changing: boolean;
}

export function filterRows(rows: readonly MachineTierRow[], filter: BoardFilter): MachineTierRow[] {
  const text = filter.text.trim().toLowerCase();
  return rows.filter((r) => {
    if (filter.kind !== 'all' && r.kind !== filter.kind) return false;
    if (text !== '' && !r.name.toLowerCase().includes(text) && !r.family.toLowerCase().includes(text)) return false;
    if (filter.changing && new Set(r.cells.map(cellWord)).size < 2) return false;
    return true;
  });
}

/** A cell in words: `present`, `deprecated`, `absent`, `unknown` (no query-machines), `= pc-q35-11.1` for an alias. */
export function cellWord(cell: MachineTierCell): string {
  if (!cell.known) return 'unknown';
  if (cell.resolvesTo !== undefined) return `= ${cell.resolvesTo}`;
  return cell.status;
}

export function tiersCsv(tiers: MachineTiers): { readonly header: string[]; readonly rows: string[][] } {
  return {
    header: ['machine type', 'kind', 'family', 'tier', 'standing', 'breaking devices', ...tiers.versions.map((v) => `in ${v}`), 'default in', 'reason'],
    rows: tiers.machines.map((m) => [
      m.name,
      m.kind,
      m.family,
      m.tier,
      m.label,
      m.breaks.map((b) => `${b.qomType} ${b.source}->${b.dest}`).join('; '),
      ...m.cells.map(cellWord),
      m.cells.filter((c) => c.isDefault).map((c) => c.version).join(' '),
      m.reason,
    ]),
  };
}
