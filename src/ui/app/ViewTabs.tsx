import { useRef, type KeyboardEvent, type ReactElement } from 'react';
import { VIEWS } from '../views/views.ts';
import type { ViewId } from '../workspace/workspace-store.ts';

export interface ViewTabsProps {
  readonly current: ViewId;
  /** A small count next to a label (files the view can use); absent = none shown. */
  readonly counts: Readonly<Partial<Record<ViewId, number>>>;
  readonly onSelect: (view: ViewId) => void;
}

export function tabId(view: ViewId): string {
  return `view-tab-${view}`;
}

export function panelId(view: ViewId): string {
  return `view-panel-${view}`;
}

/**
 * The view switcher: a WAI-ARIA tablist with automatic activation: arrow keys move and open,
 * Home/End jump, only the open tab is in the Tab order.
 */
export function ViewTabs({ current, counts, onSelect }: ViewTabsProps): ReactElement {
  const refs = useRef(new Map<ViewId, HTMLButtonElement>());

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    const at = VIEWS.findIndex((v) => v.id === current);
    const moves: Record<string, number> = {
      ArrowRight: (at + 1) % VIEWS.length,
      ArrowLeft: (at - 1 + VIEWS.length) % VIEWS.length,
      Home: 0,
      End: VIEWS.length - 1,
    };
    const next = moves[e.key];
    if (next === undefined) return;
    e.preventDefault();
    const view = (VIEWS[next] ?? VIEWS[0])?.id;
    if (view === undefined) return;
    onSelect(view);
    refs.current.get(view)?.focus();
  };

  return (
    <div role="tablist" aria-label="Views" className="view-tabs" onKeyDown={onKeyDown}>
      {VIEWS.map((v) => {
        const selected = v.id === current;
        const count = counts[v.id];
        return (
          <button
            key={v.id}
            ref={(el) => {
              if (el !== null) refs.current.set(v.id, el);
              else refs.current.delete(v.id);
            }}
            type="button"
            role="tab"
            id={tabId(v.id)}
            aria-selected={selected}
            aria-controls={panelId(v.id)}
            tabIndex={selected ? 0 : -1}
            className="view-tab"
            title={v.question}
            onClick={() => onSelect(v.id)}
          >
            {v.label}
            {count !== undefined && count > 0 ? (
              <span className="tab-count" aria-hidden="true">
                {count}
              </span>
            ) : undefined}
          </button>
        );
      })}
    </div>
  );
}
