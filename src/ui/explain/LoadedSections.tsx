import type { ReactElement } from 'react';
import type { LoadedSection } from './explain-report.ts';
import { hexOf } from './explain-report.ts';

export interface LoadedSectionsProps {
  readonly sections: readonly LoadedSection[];
  /** Whether the list ends at a failure (else it is the whole stream). */
  readonly beforeFailure: boolean;
  readonly onShow: (section: LoadedSection) => void;
}

/** The sections the destination got through, in stream order: how far the load came. */
export function LoadedSections({ sections, beforeFailure, onShow }: LoadedSectionsProps): ReactElement {
  const title = beforeFailure ? `Loaded before the failure (${sections.length} sections)` : `Sections in the stream (${sections.length})`;
  return (
    <section className="explain-loaded" aria-label={title}>
      <details open={beforeFailure}>
        <summary>
          <h3>{title}</h3>
        </summary>
        {sections.length === 0 ? (
          <p className="muted">None: the load stopped before the first device section.</p>
        ) : (
          <ol className="explain-loaded-list" data-testid="explain-loaded">
            {sections.map((s) => (
              <li key={`${s.idstr}#${s.instance}@${s.offset}`} data-idstr={s.idstr}>
                <button type="button" className="offset-link" onClick={() => onShow(s)} title="Open this section in the Stream view">
                  {s.idstr}
                </button>
                <span className="muted">
                  {' '}
                  #{s.instance} · v{s.versionId} · {s.type} · {hexOf(s.offset)}
                </span>
              </li>
            ))}
          </ol>
        )}
      </details>
    </section>
  );
}
