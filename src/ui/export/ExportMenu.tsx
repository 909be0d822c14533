import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactElement } from 'react';
import './export.css';

export interface ExportItem {
  readonly label: string;
  readonly run: () => void | Promise<void>;
}

export interface ExportMenuProps {
  readonly items: readonly ExportItem[];
  /** The button's text; "Export" unless the view says what is exported. */
  readonly label?: string;
  /** Names the button for assistive technology when the label alone is ambiguous on the page. */
  readonly ariaLabel?: string;
}

/**
 * A small menu button (WAI-ARIA menu button pattern): Enter, Space or ↓ open it on the first
 * item, ↑↓ Home End move, Enter runs, Esc or Tab close, focus goes back to the button.
 */
export function ExportMenu({ items, label = 'Export', ariaLabel }: ExportMenuProps): ReactElement {
  const [open, setOpen] = useState(false);
  const [failure, setFailure] = useState<string | undefined>(undefined);
  const root = useRef<HTMLDivElement | null>(null);
  const button = useRef<HTMLButtonElement | null>(null);
  const menuId = useId();

  const itemEls = (): HTMLElement[] => [...(root.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];

  useEffect(() => {
    if (!open) return undefined;
    itemEls()[0]?.focus();
    const onPointer = (e: PointerEvent): void => {
      if (root.current !== null && !root.current.contains(e.target as Node)) setOpen(false);
    };
    window.addEventListener('pointerdown', onPointer);
    return () => window.removeEventListener('pointerdown', onPointer);
  }, [open]);

  const close = (refocus: boolean): void => {
    setOpen(false);
    if (refocus) button.current?.focus();
  };

  const run = (item: ExportItem): void => {
    close(true);
    setFailure(undefined);
    Promise.resolve()
      .then(() => item.run())
      .catch((e: unknown) => setFailure(`${item.label}: ${e instanceof Error ? e.message : String(e)}`));
  };

  const onMenuKey = (e: KeyboardEvent<HTMLDivElement>): void => {
    const els = itemEls();
    const at = els.indexOf(document.activeElement as HTMLElement);
    const moves: Record<string, number> = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: els.length - 1 };
    const next = moves[e.key];
    if (next !== undefined) {
      e.preventDefault();
      els[(next + els.length) % els.length]?.focus();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      // The menu, not whatever else listens for Esc (the tour), closes.
      e.stopPropagation();
      close(true);
    } else if (e.key === 'Tab') {
      close(false);
    }
  };

  return (
    <div className="menu export-menu" ref={root}>
      <button
        ref={button}
        type="button"
        className="btn"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        aria-label={ariaLabel}
        title={failure}
        disabled={items.length === 0}
        onClick={() => setOpen((o) => !o)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' && !open) {
            e.preventDefault();
            setOpen(true);
          }
        }}
      >
        {label} <span aria-hidden="true">▾</span>
      </button>
      {open ? (
        <div role="menu" id={menuId} aria-label={ariaLabel ?? label} className="menu-list export-list" onKeyDown={onMenuKey}>
          {items.map((item) => (
            <button key={item.label} type="button" role="menuitem" tabIndex={-1} className="export-item" onClick={() => run(item)}>
              {item.label}
            </button>
          ))}
        </div>
      ) : undefined}
      {failure !== undefined ? (
        <span className="export-failure" role="status">
          {failure}
        </span>
      ) : undefined}
    </div>
  );
}
