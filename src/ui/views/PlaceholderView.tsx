import type { ReactElement } from 'react';
import { humanBytes } from '../stream/format-value.ts';
import { KIND_SOURCE, kindLabel } from '../workspace/file-kinds.ts';
import { useWorkspaceState } from '../workspace/workspace-context.ts';
import { filesOfKind } from '../workspace/workspace-store.ts';
import type { ViewInfo } from './views.ts';
import './views.css';

export interface PlaceholderViewProps {
  readonly view: ViewInfo;
}

/**
 * A view that is not built yet: what it will answer, which files it needs, and which of them
 * the workspace already holds, so that users can see what to bring.
 */
export function PlaceholderView({ view }: PlaceholderViewProps): ReactElement {
  const state = useWorkspaceState();
  const ready = view.needs.filter((n) => n.required).every((n) => filesOfKind(state, n.kind).length > 0);
  return (
    <div className="placeholder-view" data-testid={`placeholder-${view.id}`}>
      <h2>{view.label}</h2>
      <p className="placeholder-question">{view.question}</p>
      <p className="muted">
        This view is coming. It will read these files from the workspace{ready ? '; everything it requires is loaded.' : '; drop what is missing anywhere on the page.'}
      </p>
      <table className="needs-table">
        <thead>
          <tr>
            <th scope="col">needs</th>
            <th scope="col">how many</th>
            <th scope="col">made with</th>
            <th scope="col">loaded</th>
          </tr>
        </thead>
        <tbody>
          {view.needs.map((n) => {
            const files = filesOfKind(state, n.kind);
            return (
              <tr key={n.kind} className={files.length > 0 ? 'have' : n.required ? 'missing' : 'optional'} data-kind={n.kind}>
                <td>
                  {kindLabel(n.kind)}
                  {n.required ? '' : <span className="muted"> (optional)</span>}
                </td>
                <td className="muted">{n.how}</td>
                <td className="mono muted">{KIND_SOURCE[n.kind]}</td>
                <td>
                  {files.length === 0 ? (
                    <span className={n.required ? 'need-missing' : 'muted'}>{n.required ? 'missing' : 'none'}</span>
                  ) : (
                    <ul className="need-files">
                      {files.map((f) => (
                        <li key={f.id}>
                          <span className="mono">{f.file.name}</span> <span className="muted">{humanBytes(f.file.size)}</span>
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
