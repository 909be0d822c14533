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
  const [withStream, setWithStream] = useState(false);
  const { pairs, files, pending, problems, stream, narrowed } = useNegotiations(withStream);
  const [picked, setPicked] = useState<string | undefined>(undefined);
  const [all, setAll] = useState(false);
  const key = (n: Negotiation): string => `${n.source}->${n.dest}`;
  // The first pair with a break, else the first pair.
  const open = pairs.find((n) => key(n) === picked) ?? pairs.find((n) => n.summary.breaksToday > 0) ?? pairs[0];
  const state = pending ? 'loading' : pairs.length === 0 ? 'empty' : 'ready';
  // With a stream every device it carries is worth a row, as in `migscope negotiate --stream`.
  const rows = open === undefined ? [] : open.rows.filter((r) => all || narrowed || r.today === 'breaks' || r.pinnedBy.length > 0);

  return (
    <div className="view-body negotiate-view" data-app-state={state} data-testid="negotiate-view">
      <div className="view-toolbar">
        <label className="tool-check">
          <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} />
          Every device, not only breaks and pins
        </label>
        {stream !== undefined ? (
          <label className="tool-check" title="Pairs from the build that saved the stream; each narrowed to the devices it carries, its subsections checked against the destination's and against the subsection combinations real streams of each build carried">
            <input type="checkbox" checked={withStream} onChange={(e) => setWithStream(e.target.checked)} data-testid="negotiate-with-stream" />
            Only what <span className="mono">{stream.file.file.name}</span> carries{stream.version !== undefined ? ` (saved by ${stream.version})` : ''}
          </label>
        ) : undefined}
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
              {pending ? <p className="muted">Reading the files…</p> : narrowed && problems.length > 0 ? undefined : <PlaceholderView view={viewInfo('negotiate')} />}
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
                    {narrowed ? <th scope="col" title="Devices whose subsection combination the destination build's own real-run streams never carried (fixtures/real-runs/subsection-whitelist.json)">Combination never produced</th> : undefined}
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
                      {narrowed ? <td data-cell="never-produced">{n.summary.neverProduced}</td> : undefined}
                    </tr>
                  ))}
                </tbody>
              </table>
              {problems.map((p) => (
                <p key={p} className="warn-text">
                  {p}
                </p>
              ))}
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

/** What the stream sent for the device, what the destination does not know, and whether its own streams ever carried that combination. */
function SubsectionsCell({ n, r }: { readonly n: Negotiation; readonly r: NegotiationRow }): ReactElement {
  const sent = r.subsections?.sent ?? [];
  const unknown = r.subsections?.unknownToDest;
  const w = r.whitelist;
  return (
    <td className="negotiate-subsections" data-cell="subsections" data-whitelist={w?.status ?? ''} data-unknown={unknown?.join(' ') ?? ''}>
      {sent.length === 0 ? <span className="muted">none</span> : <span className="mono">{sent.join(', ')}</span>}
      {unknown === undefined && sent.length > 0 ? <span className="muted"> (no {n.dest} entry to check them against)</span> : undefined}
      {unknown !== undefined && unknown.length > 0 ? (
        <span className="verdict-breaks">
          {' '}
          unknown to {n.dest}: <span className="mono">{unknown.join(', ')}</span>
        </span>
      ) : undefined}
      {w?.status === 'never-produced' ? (
        <span className="verdict-at-risk" title={`${n.dest}'s real-run streams carried: ${w.destCombinations.join('; ')}`}>
          {' '}
          at risk: {n.dest}&apos;s own streams never carried this combination
        </span>
      ) : undefined}
    </td>
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
              {n.stream !== undefined ? <th scope="col">Subsections sent</th> : undefined}
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
                {n.stream !== undefined ? <SubsectionsCell n={n} r={r} /> : undefined}
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
