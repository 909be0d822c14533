import { useMemo, useState, type ReactElement } from 'react';
import { SHOW_PAGE, ShowMore } from '../common/ShowMore.tsx';
import { groupedInt } from '../stream/format-value.ts';
import { defaultDowntimeSort, sortDowntime, type DowntimeColumn, type DowntimeRow, type DowntimeSort } from './downtime.ts';

export interface DowntimeListProps {
  readonly rows: readonly DowntimeRow[];
  readonly hasSave: boolean;
  readonly hasLoad: boolean;
}

const COLUMN_WORD: Readonly<Record<DowntimeColumn, string>> = { device: 'device', save: 'save µs', load: 'load µs' };

/**
 * Downtime per device (`vmstate_downtime_save` / `_load`, QEMU 10.0 and later), the two sides
 * in columns, sorted by a click on a column's head.
 */
export function DowntimeList({ rows, hasSave, hasLoad }: DowntimeListProps): ReactElement {
  const [sort, setSort] = useState<DowntimeSort>(() => defaultDowntimeSort(rows));
  const sorted = useMemo(() => sortDowntime(rows, sort), [rows, sort]);
  const [shown, setShown] = useState(SHOW_PAGE);
  const columns: DowntimeColumn[] = ['device', ...(hasSave ? (['save'] as const) : []), ...(hasLoad ? (['load'] as const) : [])];
  const total = (side: 'save' | 'load'): number => rows.reduce((sum, r) => sum + (r[side] ?? 0), 0);
  const click = (column: DowntimeColumn): void =>
    setSort((s) => (s.column === column ? { column, descending: !s.descending } : { column, descending: column !== 'device' }));
  return (
    <section className="downtime" aria-label="Downtime per device" data-testid="downtime">
      <h2 className="downtime-title">Downtime per device</h2>
      <p className="downtime-note muted">What each section cost while the VM was stopped (vmstate_downtime_*).</p>
      <div className="downtime-scroll">
        <table className="downtime-table">
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c} scope="col" aria-sort={sort.column === c ? (sort.descending ? 'descending' : 'ascending') : 'none'} className={`dt-${c}`}>
                  <button type="button" className="dt-sort" onClick={() => click(c)}>
                    {COLUMN_WORD[c]}
                    <span aria-hidden="true">{sort.column === c ? (sort.descending ? ' ▾' : ' ▴') : ''}</span>
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {sorted.slice(0, shown).map((r) => (
              <tr key={r.key} data-key={r.key}>
                <th scope="row" className="dt-device mono" title={r.key}>
                  {r.idstr}
                  <span className="muted">#{r.instance}</span>
                </th>
                {hasSave ? <td className="dt-save mono">{r.save !== undefined ? groupedInt(r.save) : '–'}</td> : undefined}
                {hasLoad ? <td className="dt-load mono">{r.load !== undefined ? groupedInt(r.load) : '–'}</td> : undefined}
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">all devices</th>
              {hasSave ? <td className="dt-save mono">{groupedInt(total('save'))}</td> : undefined}
              {hasLoad ? <td className="dt-load mono">{groupedInt(total('load'))}</td> : undefined}
            </tr>
          </tfoot>
        </table>
        <ShowMore shown={Math.min(shown, sorted.length)} total={sorted.length} what="devices" onMore={() => setShown((n) => n + SHOW_PAGE)} />
      </div>
    </section>
  );
}
