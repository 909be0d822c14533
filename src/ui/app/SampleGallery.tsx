import { useEffect, useRef, useState, type KeyboardEvent, type ReactElement } from 'react';
import type { SampleSet } from './samples.ts';

export interface SampleGalleryProps {
  readonly sets: readonly SampleSet[];
  readonly current: string | undefined;
  readonly onOpen: (set: SampleSet) => void;
}

const TONE_LABEL: Readonly<Record<SampleSet['tone'], string>> = { healthy: 'healthy stream', failing: 'failed load', hosts: 'host files', board: 'release files' };

/** The Samples button and its gallery: each card opens a whole set of files into the workspace. */
export function SampleGallery({ sets, current, onOpen }: SampleGalleryProps): ReactElement {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement | null>(null);
  const list = useRef<HTMLDivElement | null>(null);

  useEffect(() => {
    if (!open) return undefined;
    const onPointer = (e: PointerEvent): void => {
      if (root.current !== null && !root.current.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: globalThis.KeyboardEvent): void => {
      if (e.key === 'Escape') setOpen(false);
    };
    window.addEventListener('pointerdown', onPointer);
    window.addEventListener('keydown', onKey);
    // The open set first (a selector list would match whichever card comes first).
    (list.current?.querySelector<HTMLElement>('[aria-checked="true"]') ?? list.current?.querySelector<HTMLElement>('[role="menuitemradio"]'))?.focus();
    return () => {
      window.removeEventListener('pointerdown', onPointer);
      window.removeEventListener('keydown', onKey);
    };
  }, [open]);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    const items = [...(list.current?.querySelectorAll<HTMLElement>('[role="menuitemradio"]') ?? [])];
    const at = items.indexOf(document.activeElement as HTMLElement);
    const moves: Record<string, number> = { ArrowDown: at + 1, ArrowRight: at + 1, ArrowUp: at - 1, ArrowLeft: at - 1, Home: 0, End: items.length - 1 };
    const next = moves[e.key];
    if (next === undefined) return;
    e.preventDefault();
    items[(next + items.length) % items.length]?.focus();
  };

  return (
    <div className="menu" ref={root}>
      <button type="button" className="btn" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        Samples <span aria-hidden="true">▾</span>
      </button>
      {open ? (
        <div role="menu" className="menu-list sample-gallery" aria-label="Sample sets" ref={list} onKeyDown={onKeyDown}>
          {sets.map((s) => (
            <button
              key={s.id}
              type="button"
              role="menuitemradio"
              aria-checked={s.id === current}
              className={`sample-card tone-${s.tone}`}
              onClick={() => {
                setOpen(false);
                onOpen(s);
              }}
            >
              <span className="sample-head">
                <span className="sample-tone">{TONE_LABEL[s.tone]}</span>
                <span className="sample-title">{s.title}</span>
              </span>
              <span className="sample-summary">{s.summary}</span>
              <span className="sample-files mono">
                {s.files.map((f) => (
                  <span key={f.name}>{f.name}</span>
                ))}
              </span>
            </button>
          ))}
        </div>
      ) : undefined}
    </div>
  );
}
