import { useState, type ReactElement } from 'react';
import { negotiationJson } from '../../analysis/negotiation-json.ts';
import type { Negotiation, NegotiationRow } from '../../analysis/negotiation.ts';
import { exportJson } from '../export/export-files.ts';
import { ExportMenu } from '../export/ExportMenu.tsx';
import { NotesList } from '../matrix/NotesList.tsx';
import '../matrix/matrix.css';
import { VersionedFileList } from '../matrix/VersionedFileList.tsx';
import { PlaceholderView } from '../views/PlaceholderView.tsx';
import { viewInfo } from '../views/views.ts';
import './negotiate.css';
import { useNegotiations } from './use-negotiations.ts';

const OUTCOME: Readonly<Record<NegotiationRow['outcome'], string>> = {
  loads: 'loads today',
  fixed: 'fixed by negotiation',
  'no-common-version': 'no common version',
  'meaning-changed': 'layout or name changed',
  'machine-type': 'machine type',
};

function range(r: NegotiationRow['sourceRange']): string {
  return r === undefined ? '–' : r.min === r.max ? `${r.max}` : `${r.min}–${r.max}`;
}

/**
 * The Negotiate tab: for every ordered pair of the loaded builds, which devices break today
 * (the matrix's verdict) and which of those version negotiation would fix; a pair opens its
 * devices with their version ranges and the compat properties that pin an older format.
 */
export function NegotiateView(): ReactElement {
  const { pairs, files, pending, problems } = useNegotiations();
  const [picked, setPicked] = useState<string | undefined>(undefined);
  const [all, setAll] = useState(false);
  const key = (n: Negotiation): string => `${n.source}->${n.dest}`;
  // The first pair with a break, else the first pair.
  const open = pairs.find((n) => key(n) === picked) ?? pairs.find((n) => n.summary.breaksToday > 0) ?? pairs[0];
  const state = pending ? 'loading' : pairs.length === 0 ? 'empty' : 'ready';
  const rows = open === undefined ? [] : open.rows.filter((r) => all || r.today === 'breaks' || r.pinnedBy.length > 0);

  return (
    <div className="view-body negotiate-view" data-app-state={state} data-testid="negotiate-view">
      <div className="view-toolbar">
        <label className="tool-check">
          <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} />
          Every device, not only breaks and pins
        </label>
        <span className="toolbar-spacer" />
        {open !== undefined ? (
          <ExportMenu
            ariaLabel="Export the negotiation"
            items={[
              { label: 'This pair (JSON)', run: () => exportJson(`negotiate-${open.source}-${open.dest}.json`, negotiationJson(open)) },
              { label: 'Every pair (JSON)', run: () => exportJson('negotiate-all.json', pairs.map(negotiationJson)) },
            ]}
          />
        ) : undefined}
      </div>
      <div className="matrix-main">
        <div className="matrix-scroll">
          {pairs.length === 0 ? (
            <>
              {pending ? <p className="muted">Reading the files…</p> : <PlaceholderView view={viewInfo('negotiate')} />}
              {problems.map((p) => (
                <p key={p} className="warn-text">
                  {p}
                </p>
              ))}
            </>
          ) : (
            <>
              <p className="negotiate-intro">
                Today the source sends each device at its own <span className="mono">version_id</span> and the destination takes anything in{' '}
                <span className="mono">[minimum_version_id, version_id]</span>. Under negotiation (qemu-devel, 2009) the source offers its range and the destination picks the
                highest version both hold; the source then leaves out the fields newer than that.
              </p>
              <table className="negotiate-pairs" data-testid="negotiate-pairs">
                <caption>Every ordered pair: devices that break today, and what negotiation does for them</caption>
                <thead>
                  <tr>
                    <th scope="col">Pair</th>
                    <th scope="col">Machine type</th>
                    <th scope="col">Break today</th>
                    <th scope="col">Fixed by negotiation</th>
                    <th scope="col">No common version</th>
                    <th scope="col">Layout or name changed</th>
                    <th scope="col">Pinned by compat props</th>
                  </tr>
                </thead>
                <tbody>
                  {pairs.map((n) => (
                    <tr key={key(n)} data-pair={key(n)} data-selected={open === n} className={open === n ? 'selected' : undefined}>
                      <th scope="row">
                        <button type="button" className="link-button mono" aria-pressed={open === n} onClick={() => setPicked(key(n))}>
                          {n.source} → {n.dest}
                        </button>
                        <span className="muted"> {n.direction}</span>
                      </th>
                      <td className="mono">{n.machine}</td>
                      <td data-cell="breaks">{n.summary.breaksToday}</td>
                      <td data-cell="fixed">{n.summary.fixedByNegotiation}</td>
                      <td data-cell="no-common">{n.summary.noCommonVersion}</td>
                      <td data-cell="changed">{n.summary.meaningChanged}</td>
                      <td data-cell="pinned">{n.summary.pinned}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {open !== undefined ? <PairDevices n={open} rows={rows} /> : undefined}
              {open !== undefined ? <NotesList notes={open.notes} /> : undefined}
            </>
          )}
        </div>
        <aside className="matrix-side">
          <VersionedFileList files={files} title="Builds" />
        </aside>
      </div>
    </div>
  );
}

function PairDevices({ n, rows }: { readonly n: Negotiation; readonly rows: readonly NegotiationRow[] }): ReactElement {
  return (
    <section className="negotiate-pair" aria-label={`${n.source} to ${n.dest}`} data-testid="negotiate-devices" data-pair={`${n.source}->${n.dest}`}>
      <h2>
        {n.source} → {n.dest} <span className="muted mono">{n.machine}</span>
      </h2>
      {rows.length === 0 ? (
        <p className="muted">No device breaks between these builds, and the machine type pins nothing that gates device state.</p>
      ) : (
        <table className="negotiate-devices">
          <thead>
            <tr>
              <th scope="col">Device</th>
              <th scope="col">Section</th>
              <th scope="col">{n.source} offers</th>
              <th scope="col">{n.dest} loads</th>
              <th scope="col">Sent today</th>
              <th scope="col">Today</th>
              <th scope="col">Common</th>
              <th scope="col">Under negotiation</th>
              <th scope="col">Why, and what pins it</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.device} data-device={r.device} data-outcome={r.outcome}>
                <th scope="row" className="mono">
                  {r.device}
                </th>
                <td className="mono">{r.section}</td>
                <td>{range(r.sourceRange)}</td>
                <td>{range(r.destRange)}</td>
                <td>{r.sentToday ?? '–'}</td>
                <td className={`verdict-${r.today}`}>{r.today === 'at-risk' ? 'at risk' : r.today}</td>
                <td>{r.common ?? 'none'}</td>
                <td className={`outcome-${r.outcome}`}>{OUTCOME[r.outcome]}</td>
                <td className="negotiate-why">
                  {(r.outcome === 'fixed' ? r.breaksToday : r.breaksNegotiated).slice(0, 1).map((f) => (
                    <span key={f.path}>{f.reason} </span>
                  ))}
                  {r.pinnedBy.map((p) => (
                    <span key={`${p.build}${p.qomType}${p.property}`} className="negotiate-pin mono">
                      {p.build}: {p.qomType}.{p.property}={p.value}
                    </span>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
