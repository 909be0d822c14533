import { useState, type ReactElement, type ReactNode } from 'react';
import { qemuMessage, type RunPrediction } from '../../../analysis/run-results.ts';
import { useWorkspaceStore } from '../../workspace/workspace-context.ts';
import './observed.css';
import { openRowInExplain } from './open-row.ts';
import { AUTO_PREDICT_ROWS, predictionRequestKey, useObservedLoads, type ObservedFile, type ObservedRow } from './use-observed-loads.ts';

/**
 * Real load outcomes beside migscope's predictions: one table per results file in the
 * workspace (`migscope run`'s results.csv), one line per load. A row whose stream is in the
 * workspace is predicted from it (the destination's release, machine type and command line as
 * the row names them) and opens in Explain with its own stream and log.
 *
 * A minimal list until the release board's predicted-against-observed view (branch
 * release-board) takes these files: it reads the same rows.
 */
export function ObservedLoads(): ReactElement | null {
  const [requested, setRequested] = useState<ReadonlySet<string>>(new Set());
  const files = useObservedLoads(requested);
  if (files.length === 0) return null;
  const busy = files.some((f) => f.status === 'loading' || f.rows.some((r) => r.prediction.status === 'pending' || r.prediction.status === 'queued'));
  return (
    <section className="observed-loads" aria-label="Observed loads" data-app-state={busy ? 'loading' : 'ready'} data-testid="observed-loads">
      {files.map((f) => (
        <ObservedTable key={f.file.id} file={f} onPredict={(key) => setRequested((s) => new Set([...s, key]))} />
      ))}
    </section>
  );
}

function ObservedTable({ file, onPredict }: { readonly file: ObservedFile; readonly onPredict: (key: string) => void }): ReactElement {
  const store = useWorkspaceStore();
  const name = file.file.file.name;
  if (file.status !== 'ready') {
    return (
      <div className="observed-file">
        <h2>Observed loads: {name}</h2>
        {file.status === 'loading' ? <p className="muted">Reading…</p> : <p className="error-text">{file.message}</p>}
      </div>
    );
  }
  const rows = file.rows;
  const count = (o: string): number => rows.filter((r) => r.row.outcome === o).length;
  const predicted = rows.flatMap((r) => (r.prediction.status === 'ready' ? [r.prediction.value] : []));
  const missing = rows.filter((r) => r.files.missing.length > 0).length;
  return (
    <div className="observed-file">
      <h2>Observed loads: {name}</h2>
      <p className="observed-caption">
        {rows.length} loads: {count('SUCCEEDED')} loaded, {count('FAILED')} failed
        {count('TIMEOUT') > 0 ? `, ${count('TIMEOUT')} timed out` : ''}
        {count('NOT-RUN') > 0 ? `, ${count('NOT-RUN')} not run` : ''}. Predicted from each stream with the destination&apos;s release, machine type and command line:{' '}
        <span data-testid="observed-agreement">
          {predicted.filter((p) => p.agreement === 'agree').length} right, {predicted.filter((p) => p.agreement === 'disagree').length} wrong, {predicted.filter((p) => p.agreement === 'unsure').length} unsure
        </span>
        {predicted.length < rows.length ? ` (${rows.length - predicted.length} not predicted)` : ''}.
      </p>
      {missing > 0 ? (
        <p className="observed-missing">
          {missing} of {rows.length} rows name files that are not loaded: drop the run folder&apos;s files (streams, logs, <span className="mono">.cmd</span>) too.
        </p>
      ) : undefined}
      {file.skipped.length > 0 ? <p className="muted">Skipped: {file.skipped.join('; ')}</p> : undefined}
      <Rows folded={rows.every((r) => r.files.stream === undefined)} count={rows.length}>
      <table className="observed-table">
        <thead>
          <tr>
            <th scope="col">Configuration</th>
            <th scope="col">Machine type</th>
            <th scope="col">Direction</th>
            <th scope="col">Observed</th>
            <th scope="col">Predicted</th>
            <th scope="col">
              <span className="visually-hidden">Open</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.row.row} data-testid="observed-row" data-outcome={r.row.outcome} data-agreement={r.prediction.status === 'ready' ? r.prediction.value.agreement : r.prediction.status}>
              <td className="mono">{r.row.config}</td>
              <td className="mono">{r.row.machine}</td>
              <td className="observed-direction">
                {r.row.source} → {r.row.dest}
              </td>
              <td>
                <Observed r={r} />
              </td>
              <td>
                <Predicted r={r} onPredict={() => onPredict(predictionRequestKey(r))} />
              </td>
              <td>
                {r.files.stream !== undefined ? (
                  <button
                    type="button"
                    className={r.row.outcome === 'SUCCEEDED' ? 'link-button' : undefined}
                    onClick={() => openRowInExplain(store, r)}
                    aria-label={`Explain ${r.row.config}, ${r.row.source} to ${r.row.dest} on ${r.row.machine}`}
                    title={`${r.files.stream.file.name}${r.files.log !== undefined ? ` with ${r.files.log.file.name}` : ''}`}
                  >
                    Explain
                  </button>
                ) : (
                  <span className="muted" title={r.row.streamFile === '' ? 'no stream: the source did not save' : `${r.row.streamFile} is not loaded`}>
                    no stream
                  </span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      </Rows>
      {rows.length > AUTO_PREDICT_ROWS ? <p className="muted">More than {AUTO_PREDICT_ROWS} rows: each is predicted when asked (its stream is decoded then).</p> : undefined}
    </div>
  );
}

/**
 * Rows without a single stream loaded can only repeat what the board already marks on its
 * columns, so they start folded (a results file of 250 loads would fill the view).
 */
function Rows({ folded, count, children }: { readonly folded: boolean; readonly count: number; readonly children: ReactNode }): ReactElement {
  if (!folded) return <>{children}</>;
  return (
    <details className="observed-rows">
      <summary>Show the {count} loads one by one</summary>
      {children}
    </details>
  );
}

const OUTCOME_WORD: Readonly<Record<string, string>> = { SUCCEEDED: 'loaded', FAILED: 'failed', TIMEOUT: 'timed out', 'NOT-RUN': 'not run' };

function Observed({ r }: { readonly r: ObservedRow }): ReactElement {
  const message = qemuMessage(r.row.firstError);
  return (
    <div className="observed-cell">
      <span className={`outcome-badge outcome-${r.row.outcome.toLowerCase()}`}>{OUTCOME_WORD[r.row.outcome] ?? r.row.outcome}</span>
      {r.row.exitCode !== '' && r.row.outcome !== 'SUCCEEDED' ? <span className="muted"> exit {r.row.exitCode}</span> : undefined}
      {message !== '' && r.row.outcome !== 'SUCCEEDED' ? <div className="mono observed-message">{message}</div> : undefined}
    </div>
  );
}

const AGREEMENT_WORD: Readonly<Record<RunPrediction['agreement'], string>> = { agree: 'as observed', disagree: 'not as observed', unsure: 'unsure' };

function Predicted({ r, onPredict }: { readonly r: ObservedRow; readonly onPredict: () => void }): ReactElement {
  const p = r.prediction;
  switch (p.status) {
    case 'none':
      return r.files.stream !== undefined ? (
        <button type="button" className="link-button" onClick={onPredict}>
          Predict
        </button>
      ) : (
        <span className="muted">-</span>
      );
    case 'queued':
    case 'pending':
      return <span className="muted">predicting…</span>;
    case 'error':
      return <span className="error-text">{p.message}</span>;
    case 'ready': {
      const v = p.value;
      return (
        <div className="observed-cell" title={`from ${v.basis}`}>
          <span className={`prediction-${v.agreement}`}>
            {v.verdict === 'at-risk' ? 'at risk' : v.verdict}, {AGREEMENT_WORD[v.agreement]}
          </span>
          {v.verdict === 'fails' && v.message !== undefined ? <div className="mono observed-message">{v.sameMessage ? 'the same line' : v.message}</div> : undefined}
        </div>
      );
    }
  }
}
