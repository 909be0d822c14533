import { useEffect, useRef, useState, type ReactElement } from 'react';
import type { Sample } from '../app/samples.ts';

export interface SamplesMenuProps {
  readonly samples: readonly Sample[];
  readonly current: Sample | undefined;
  readonly onOpen: (sample: Sample) => void;
}

export function SamplesMenu({ samples, current, onOpen }: SamplesMenuProps): ReactElement {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement | null>(null);

  useEffect(() => {
    if (!open) return undefined;
    const onPointer = (e: PointerEvent): void => {
      if (root.current !== null && !root.current.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') setOpen(false);
    };
    window.addEventListener('pointerdown', onPointer);
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('pointerdown', onPointer);
      window.removeEventListener('keydown', onKey);
    };
  }, [open]);

  return (
    <div className="menu" ref={root}>
      <button type="button" className="btn" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        Samples <span aria-hidden="true">▾</span>
      </button>
      {open ? (
        <div role="menu" className="menu-list" aria-label="Sample streams">
          {samples.map((s) => (
            <button
              key={s.file}
              type="button"
              role="menuitemradio"
              aria-checked={s === current}
              className="menu-item"
              onClick={() => {
                setOpen(false);
                onOpen(s);
              }}
            >
              <span className="mono">{s.file}</span>
              <span className="muted">
                QEMU {s.qemu} · {s.machine} · {s.config}
              </span>
            </button>
          ))}
        </div>
      ) : undefined}
    </div>
  );
}
