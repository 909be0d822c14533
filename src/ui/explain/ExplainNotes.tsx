import type { ReactElement } from 'react';
import { formatQemuVersion, type ExplainResult } from '../../analysis/explain/index.ts';
import { inUiTerms } from './ui-terms.ts';

export interface ExplainNotesProps {
  readonly result: ExplainResult;
  /** Destination files that could not be read. */
  readonly problems: readonly string[];
  /** Where the view found the release it gave the analysis (a file name), when it did. */
  readonly versionFrom: string | undefined;
  /** The destination sample and `-device NAME,help` file the analysis was given, by name. */
  readonly sampleName?: string | undefined;
  readonly devicePropsName?: string | undefined;
}

const MACHINE_SOURCE: Readonly<Record<string, string>> = {
  option: 'typed in',
  cmdline: 'from the command line',
  manifest: "from the manifest's vmschkmachine",
  default: "its QEMU's default machine",
};

/** Everything around the verdict: risks, notes, what was assumed, what the destination is. */
export function ExplainNotes({ result, problems, versionFrom, sampleName, devicePropsName }: ExplainNotesProps): ReactElement {
  const risks = result.notes.filter((n) => n.severity === 'at-risk');
  const info = result.notes.filter((n) => n.severity === 'info');
  const d = result.destination;
  const prediction = result.basis === 'log' ? result.prediction : undefined;
  // A libvirt log's command line and release, when they were used: say so next to each.
  const fromLog = (fact: 'command line' | 'QEMU version') => result.destinationFacts.find((f) => f.fact === fact && f.used);
  const cmdlineFromLog = fromLog('command line');
  const versionFromLog = fromLog('QEMU version');
  return (
    <>
      {problems.length > 0 ? (
        <section className="explain-list explain-problems" aria-label="Inputs not used">
          <h3>Not used</h3>
          <ul>
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </section>
      ) : undefined}
      {risks.length > 0 ? (
        <section className="explain-list explain-risks" aria-label="At risk because">
          <h3>At risk because</h3>
          <ul data-testid="explain-risks">
            {risks.map((n, i) => (
              <li key={`${n.code}-${i}`}>
                <span className="explain-code">{n.code}</span> {inUiTerms(n.text)}
                {n.fix !== undefined ? <div className="muted">To settle it: {inUiTerms(n.fix)}</div> : undefined}
              </li>
            ))}
          </ul>
        </section>
      ) : undefined}
      {info.length > 0 ? (
        <section className="explain-list" aria-label="Notes">
          <h3>Notes</h3>
          <ul data-testid="explain-notes">
            {info.map((n, i) => (
              <li key={`${n.code}-${i}`}>
                <span className="explain-code">{n.code}</span> {inUiTerms(n.text)}
              </li>
            ))}
          </ul>
        </section>
      ) : undefined}
      {result.assumptions.length > 0 ? (
        <section className="explain-list" aria-label="Assumed">
          <h3>Assumed</h3>
          <ul data-testid="explain-assumptions">
            {result.assumptions.map((a) => (
              <li key={a}>{inUiTerms(a)}</li>
            ))}
          </ul>
        </section>
      ) : undefined}
      {d !== undefined || prediction !== undefined ? (
        <section className="explain-list" aria-label="The destination">
          <h3>The destination</h3>
          <dl className="explain-facts">
            {d !== undefined ? (
              <>
                <div>
                  <dt>-machine</dt>
                  <dd>
                    <span className="mono">{d.machine ?? 'unknown'}</span>
                    {d.machineSource !== undefined ? (
                      <span className="muted" data-testid="explain-machine-source">
                        {' '}
                        ({d.machineSource === 'cmdline' && cmdlineFromLog !== undefined ? `from the command line in ${cmdlineFromLog.source}` : (MACHINE_SOURCE[d.machineSource] ?? d.machineSource)})
                      </span>
                    ) : undefined}
                    {d.machineType !== undefined && d.machineType !== d.machine ? <span className="muted"> → {d.machineType}</span> : undefined}
                  </dd>
                </div>
                <div>
                  <dt>release</dt>
                  <dd>
                    <span className="mono">{d.version !== undefined ? formatQemuVersion(d.version) : 'unknown'}</span>
                    {versionFromLog !== undefined ? (
                      <span className="muted" data-testid="explain-version-source">
                        {' '}
                        ({versionFromLog.value}, from {versionFromLog.source})
                      </span>
                    ) : d.versionSource !== undefined ? (
                      <span className="muted"> ({d.versionSource === 'machines' ? 'from its machine list' : (versionFrom ?? 'given')})</span>
                    ) : undefined}
                  </dd>
                </div>
                {sampleName !== undefined ? (
                  <div>
                    <dt>sample</dt>
                    <dd data-testid="explain-sample-used">
                      <span className="mono">{sampleName}</span>
                      <span className="muted"> (a stream the destination build saved: its values are facts about the destination)</span>
                    </dd>
                  </div>
                ) : undefined}
                {devicePropsName !== undefined ? (
                  <div>
                    <dt>defaults</dt>
                    <dd>
                      <span className="mono">{devicePropsName}</span>
                      <span className="muted"> (the destination build&apos;s -device NAME,help)</span>
                    </dd>
                  </div>
                ) : undefined}
              </>
            ) : undefined}
            {prediction !== undefined ? (
              <div className="wide">
                <dt>predicted</dt>
                <dd data-testid="explain-prediction">
                  from the destination&apos;s inputs alone: <b>{prediction.verdict}</b>
                  {prediction.failure !== undefined ? (
                    <>
                      {' '}
                      (<span className="mono">{prediction.failure.cause}</span>
                      {prediction.failure.section !== undefined ? <> in {prediction.failure.section.idstr}</> : undefined})
                    </>
                  ) : undefined}
                </dd>
              </div>
            ) : undefined}
          </dl>
        </section>
      ) : undefined}
    </>
  );
}
