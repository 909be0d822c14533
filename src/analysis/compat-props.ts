/**
 * Machine-type compat properties side by side, as QEMU's scripts/compare-machine-types.py prints
 * them: one row per (driver, property) any chosen machine type pins, one column per (build,
 * machine type), values normalised (on/true/yes one value, off/false/no another) and, unless
 * raw, only the rows whose values differ. The inputs are `query-machines` replies made with
 * `{"compat-props": true}` (QEMU 9.1 and later).
 *
 * Two differences from the script, both because a reply is all migscope has: a column whose
 * machine type does not pin a property shows nothing (the script asks the running QEMU for the
 * device's default there), and a property of an abstract type (`virtio-pci`, `pci-device`)
 * stays on that type (the script spreads it over the implementations `qom-list-types` names).
 *
 * Compat properties are how a machine type keeps device state stable across builds: those that
 * gate migration state (a vmstate version, a subsection, a field: `x-scanout-vmstate-version`,
 * `migrate-*`, `x-migrate-*`, `global-vmstate`) are linked to the board's rows of their type.
 */
import { normalisePropertyValue } from '../manifest/device-properties.ts';
import type { MachineInfo, QueryMachines } from '../manifest/query-machines.ts';
import { compareVersions, parseMachineName } from './machine-names.ts';

/** What a compat property touches, by its name and type. */
export type CompatRelevance = 'device state' | 'stream' | 'other';

/** Names of properties that change what a device sends (checked against the hw_compat arrays of 11.1). */
const STATE_PROPERTY = /migrat|vmstate/i;

export function compatRelevance(qomType: string, property: string): CompatRelevance {
  // The `migration` object's properties set the stream's own format (switchover-start, zero-page-detection).
  if (qomType === 'migration') return 'stream';
  return STATE_PROPERTY.test(property) ? 'device state' : 'other';
}

export interface CompatLink {
  /** The build whose machine type pins it. */
  readonly build: string;
  readonly qomType: string;
  readonly property: string;
  readonly value: string;
  readonly relevance: CompatRelevance;
  /** Board rows (QOM types with a vmsd) it reaches: the type itself, else `*-<type>` subtypes by name. */
  readonly rows: readonly string[];
}

/** The migration-relevant compat properties one build's machine type pins, with the rows they name. */
export function compatLinks(build: string, info: MachineInfo, rowTypes: ReadonlySet<string>): CompatLink[] {
  const out: CompatLink[] = [];
  for (const p of info.compatProps ?? []) {
    const relevance = compatRelevance(p.qomType, p.property);
    if (relevance === 'other') continue;
    out.push({ build, qomType: p.qomType, property: p.property, value: p.value, relevance, rows: rowsFor(p.qomType, rowTypes) });
  }
  return out;
}

/**
 * A compat property applies to its type and every subtype. Without QEMU's type tree the board
 * can only see the type itself and, for a CPU base type (`x86_64-cpu`), the models named after it.
 */
function rowsFor(qomType: string, rowTypes: ReadonlySet<string>): string[] {
  if (rowTypes.has(qomType)) return [qomType];
  const suffix = `-${qomType}`;
  return [...rowTypes].filter((t) => t.endsWith(suffix));
}

export interface CompatInput {
  /** The build, e.g. `11.1`. */
  readonly build: string;
  readonly machines: QueryMachines;
}

export interface CompatColumn {
  /** `11.1 pc-q35-7.2`. */
  readonly key: string;
  readonly build: string;
  readonly machine: string;
}

export interface CompatRow {
  readonly driver: string;
  readonly property: string;
  /** One per column: the pinned value, normalised unless raw; undefined when not pinned. */
  readonly values: readonly (string | undefined)[];
  /** The values as the replies wrote them. */
  readonly raw: readonly (string | undefined)[];
  readonly differs: boolean;
  readonly relevance: CompatRelevance;
}

export interface CompatTable {
  readonly columns: readonly CompatColumn[];
  /** Sorted by driver, then property, as the script prints them. */
  readonly rows: readonly CompatRow[];
  /** Rows left out because every column agrees (0 when raw). */
  readonly sameRows: number;
  readonly notes: readonly string[];
}

export interface CompatOptions {
  /** Machine types to compare; with none and without `all`, every machine type that pins something. */
  readonly machines?: readonly string[] | undefined;
  readonly all?: boolean | undefined;
  /** Every row, values as written. */
  readonly raw?: boolean | undefined;
}

export function compatPropsTable(inputs: readonly CompatInput[], options: CompatOptions = {}): CompatTable {
  const notes: string[] = [];
  const columns: CompatColumn[] = [];
  const pinned = new Map<string, MachineInfo>();
  const builds = [...inputs].sort((a, b) => compareVersions(a.build, b.build));
  for (const input of builds) {
    const withProps = input.machines.machines.filter((m) => m.compatProps !== undefined);
    if (withProps.length === 0) {
      notes.push(`${input.build}: ${input.machines.file} has no compat properties (query it with {"compat-props": true}; QEMU 9.1 and later).`);
      continue;
    }
    const wanted = options.all === true || options.machines === undefined || options.machines.length === 0 ? withProps : withProps.filter((m) => options.machines?.includes(m.name) === true);
    for (const want of options.machines ?? []) if (!withProps.some((m) => m.name === want)) notes.push(`${input.build}: does not offer ${want}.`);
    for (const m of [...wanted].sort(byMachine)) {
      const key = `${input.build} ${m.name}`;
      columns.push({ key, build: input.build, machine: m.name });
      pinned.set(key, m);
    }
  }
  // Drivers and properties any column pins; a property pinned twice by one machine keeps the
  // last value, as QEMU applies them in order.
  const byColumn = columns.map((c) => {
    const map = new Map<string, string>();
    for (const p of pinned.get(c.key)?.compatProps ?? []) map.set(`${p.qomType}\u0000${p.property}`, p.value);
    return map;
  });
  const keys = new Set<string>();
  for (const m of byColumn) for (const k of m.keys()) keys.add(k);
  const sorted = [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const rows: CompatRow[] = [];
  let sameRows = 0;
  for (const k of sorted) {
    const [driver = '', property = ''] = k.split('\u0000');
    const raw = byColumn.map((m) => m.get(k));
    const values = options.raw === true ? raw : raw.map((v) => (v === undefined ? undefined : normalisePropertyValue(v)));
    const differs = new Set(values.map((v) => v ?? '\u0000unset')).size > 1;
    if (options.raw !== true && !differs) {
      sameRows++;
      continue;
    }
    rows.push({ driver, property, values, raw, differs, relevance: compatRelevance(driver, property) });
  }
  return { columns, rows, sameRows, notes };
}

/** The script's machine order: by name without version, then version (oldest first). */
function byMachine(a: MachineInfo, b: MachineInfo): number {
  const x = parseMachineName(a.name);
  const y = parseMachineName(b.name);
  if (x.family !== y.family) return x.family < y.family ? -1 : 1;
  return compareVersions(x.version ?? '0', y.version ?? '0');
}

/** The table as JSON: one shape for `migscope compat-props --json` and the dashboard's export. */
export function compatJson(t: CompatTable): unknown {
  return {
    columns: t.columns,
    rows: t.rows.map((r) => ({ driver: r.driver, property: r.property, relevance: r.relevance, values: r.values.map((v) => v ?? null) })),
    sameRows: t.sameRows,
    notes: t.notes,
  };
}
