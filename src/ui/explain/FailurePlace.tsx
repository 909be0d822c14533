import type { ReactElement } from 'react';
import type { ExplainFailure } from '../../analysis/explain/index.ts';
import { groupedInt } from '../stream/format-value.ts';
import { hexOf } from './explain-report.ts';

export interface FailurePlaceProps {
  readonly failure: ExplainFailure;
  readonly onShowSection: (() => void) | undefined;
}

/** Where in the stream: the section (a link to it in the Stream view), field, byte, values. */
export function FailurePlace({ failure, onShowSection }: FailurePlaceProps): ReactElement | undefined {
  const { section, field, offset, length, values } = failure;
  if (section === undefined && field === undefined && offset === undefined && values.length === 0) return undefined;
  return (
    <section className="explain-place" aria-label="Where in the stream">
      <h3>Where</h3>
      <dl className="explain-facts">
        {section !== undefined ? (
          <div>
            <dt>section</dt>
            <dd data-testid="explain-section" data-idstr={section.idstr} data-instance={section.instance} data-start={section.offset} data-end={section.offset + section.length}>
              {onShowSection !== undefined ? (
                <button type="button" className="offset-link" onClick={onShowSection} title="Open the Stream view at this section, the failing bytes highlighted" data-testid="explain-open-section">
                  {section.idstr}
                </button>
              ) : (
                <span className="mono">{section.idstr}</span>
              )}{' '}
              <span className="muted">
                instance {section.instance}, {hexOf(section.offset)}..{hexOf(section.offset + section.length)} ({groupedInt(section.length)} bytes)
              </span>
            </dd>
          </div>
        ) : undefined}
        {field !== undefined ? (
          <div>
            <dt>field</dt>
            <dd className="mono" data-testid="explain-field">
              {field}
            </dd>
          </div>
        ) : undefined}
        {offset !== undefined ? (
          <div>
            <dt>offset</dt>
            <dd className="mono" data-testid="explain-offset" data-offset={offset}>
              {hexOf(offset)}
              {length !== undefined ? <span className="muted"> ({length} {length === 1 ? 'byte' : 'bytes'})</span> : undefined}
            </dd>
          </div>
        ) : undefined}
      </dl>
      {values.length > 0 ? (
        <table className="explain-table" data-testid="explain-values">
          <caption>Values at the failure point</caption>
          <thead>
            <tr>
              <th scope="col">name</th>
              <th scope="col">value</th>
              <th scope="col">offset</th>
              <th scope="col">bytes</th>
            </tr>
          </thead>
          <tbody>
            {values.map((v) => (
              <tr key={`${v.name}@${v.offset}`} data-name={v.name} data-offset={v.offset}>
                <td className="mono">{v.name}</td>
                <td className="mono explain-value">{v.value}</td>
                <td className="mono">{hexOf(v.offset)}</td>
                <td className="mono">{v.length}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : undefined}
    </section>
  );
}
