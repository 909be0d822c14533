/**
 * Downtime per device, as QEMU 10.0 and later trace it (`vmstate_downtime_save` /
 * `vmstate_downtime_load`: microseconds spent on each section while the VM was stopped), the
 * save and load side side by side, sortable. A device traced twice (ram: its iterable part and
 * its non-iterable rest) counts once, summed. Pure.
 */
import type { DowntimeEntry, TraceModel } from '../../trace/index.ts';

export interface DowntimeRow {
  /** `idstr#instance`, the timeline's lane key. */
  readonly key: string;
  readonly idstr: string;
  readonly instance: number;
  readonly save: number | undefined;
  readonly load: number | undefined;
}

export type DowntimeColumn = 'device' | 'save' | 'load';

export interface DowntimeSort {
  readonly column: DowntimeColumn;
  readonly descending: boolean;
}

/** Longest first on the side that has numbers: what a release manager looks for. */
export function defaultDowntimeSort(rows: readonly DowntimeRow[]): DowntimeSort {
  return { column: rows.some((r) => r.load !== undefined) ? 'load' : 'save', descending: true };
}

function sums(entries: readonly DowntimeEntry[] | undefined): Map<string, { idstr: string; instance: number; us: number }> {
  const out = new Map<string, { idstr: string; instance: number; us: number }>();
  for (const e of entries ?? []) {
    const key = `${e.idstr}#${e.instance}`;
    const prev = out.get(key);
    out.set(key, { idstr: e.idstr, instance: e.instance, us: (prev?.us ?? 0) + e.us });
  }
  return out;
}

export function downtimeRows(save: TraceModel | undefined, load: TraceModel | undefined): DowntimeRow[] {
  const s = sums(save?.downtime);
  const l = sums(load?.downtime);
  const keys = [...new Set([...s.keys(), ...l.keys()])];
  return keys.map((key) => {
    const any = (s.get(key) ?? l.get(key)) as { idstr: string; instance: number };
    return { key, idstr: any.idstr, instance: any.instance, save: s.get(key)?.us, load: l.get(key)?.us };
  });
}

/** Sorted copy; rows without a number on the sorted side go last either way; ties by device. */
export function sortDowntime(rows: readonly DowntimeRow[], sort: DowntimeSort): DowntimeRow[] {
  const sign = sort.descending ? -1 : 1;
  const byDevice = (a: DowntimeRow, b: DowntimeRow): number => (a.idstr < b.idstr ? -1 : a.idstr > b.idstr ? 1 : a.instance - b.instance);
  return [...rows].sort((a, b) => {
    if (sort.column === 'device') return sign * byDevice(a, b);
    const x = a[sort.column];
    const y = b[sort.column];
    if (x === undefined || y === undefined) return x === y ? byDevice(a, b) : x === undefined ? 1 : -1;
    return sign * (x - y) || byDevice(a, b);
  });
}
