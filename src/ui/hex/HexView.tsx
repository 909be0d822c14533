import { useId, useLayoutEffect, useMemo, useReducer, useState, type CSSProperties, type KeyboardEvent, type MouseEvent, type ReactElement } from 'react';
import { trackPending } from '../app/idle.ts';
import { useVirtualRows } from '../common/use-virtual-rows.ts';
import { groupedInt, hexOffset, paddedHex } from '../stream/format-value.ts';
import { BytePages } from './byte-pages.ts';
import { HexRow } from './HexRow.tsx';
import type { HexSource } from './hex-source.ts';
import { parseOffset } from './parse-offset.ts';

export interface ByteSpan {
  readonly start: number;
  /** Exclusive. */
  readonly end: number;
}

export interface HexViewProps {
  readonly source: HexSource;
  /** The selected node: strongly highlighted, or softly when it is a whole record. */
  readonly selection?: ByteSpan;
  readonly selectionTone?: 'strong' | 'soft';
  /** The record the selection belongs to: lightly tinted for orientation. */
  readonly context?: ByteSpan;
  /** A single byte to mark, e.g. where decoding stopped. */
  readonly marker?: number;
  /** Scroll `offset` into view each time `seq` changes. */
  readonly reveal?: { readonly offset: number; readonly seq: number };
  readonly onByteClick: (offset: number) => void;
  /**
   * The byte the arrow keys move from, when the parent knows it (a link named a byte inside
   * the selected field). Ignored when outside the selection; without it the view keeps the
   * byte last clicked.
   */
  readonly cursor?: number;
}

const BYTES_PER_ROW = 16;
export const HEX_ROW_HEIGHT = 18;
const COLUMN_LABELS = Array.from({ length: BYTES_PER_ROW }, (_, i) => i.toString(16).padStart(2, '0'));

export function HexView({ source, selection, selectionTone = 'strong', context, marker, reveal, onByteClick, cursor: cursorHint }: HexViewProps): ReactElement {
  const pages = useMemo(() => new BytePages(source), [source]);
  const footId = useId();
  const [, pagesLoaded] = useReducer((n: number) => n + 1, 0);
  const rowCount = Math.ceil(source.size / BYTES_PER_ROW);
  const rows = useVirtualRows(rowCount, HEX_ROW_HEIGHT, 4);
  const offsetDigits = Math.max(8, Math.max(0, source.size - 1).toString(16).length);
  const [gotoText, setGotoText] = useState('');
  const [gotoError, setGotoError] = useState(false);
  // The byte the keyboard moves from: the one last picked while it stays inside the
  // selection, else the selection's first byte (a selection made elsewhere moves it there).
  const [picked, setPicked] = useState<number | undefined>(undefined);
  const inSelection = (at: number | undefined): at is number => at !== undefined && selection !== undefined && at >= selection.start && at < selection.end;
  const cursor = inSelection(cursorHint) ? cursorHint : cursorHint === undefined && inSelection(picked) ? picked : selection?.start;

  const firstByte = rows.first * BYTES_PER_ROW;
  const lastByte = rows.last * BYTES_PER_ROW;
  // A layout effect, so that the read is under way (and counted by __appIdle) before anything
  // else can run after the rows were committed.
  useLayoutEffect(() => {
    const loading = pages.ensure(firstByte, lastByte);
    if (loading === undefined) return;
    let live = true;
    trackPending(loading).then(
      () => live && pagesLoaded(),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [pages, firstByte, lastByte]);

  const revealOffset = reveal?.offset;
  const revealSeq = reveal?.seq;
  const { reveal: revealRow } = rows;
  useLayoutEffect(() => {
    if (revealOffset === undefined) return;
    revealRow(Math.floor(revealOffset / BYTES_PER_ROW), 'start-if-hidden', 3);
  }, [revealOffset, revealSeq, revealRow]);

  const onClick = (e: MouseEvent<HTMLDivElement>): void => {
    const target = (e.target as HTMLElement).closest<HTMLElement>('[data-offset]');
    const at = target?.dataset['offset'];
    if (at === undefined) return;
    setPicked(Number(at));
    onByteClick(Number(at));
  };

  // Arrows move the picked byte (and so the selection, to the field holding it) like a text
  // cursor: ←→ one byte, ↑↓ one row, PageUp/PageDown a screen, Home/End the row's ends,
  // Ctrl+Home/End the stream's.
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    if (source.size === 0) return;
    const at = cursor ?? 0;
    const rowStart = at - (at % BYTES_PER_ROW);
    const pageBytes = Math.max(1, Math.floor(rows.viewportHeight / HEX_ROW_HEIGHT) - 1) * BYTES_PER_ROW;
    const moves: Record<string, number> = {
      ArrowLeft: at - 1,
      ArrowRight: at + 1,
      ArrowUp: at - BYTES_PER_ROW,
      ArrowDown: at + BYTES_PER_ROW,
      PageUp: at - pageBytes,
      PageDown: at + pageBytes,
      Home: e.ctrlKey ? 0 : rowStart,
      End: e.ctrlKey ? source.size - 1 : Math.min(source.size - 1, rowStart + BYTES_PER_ROW - 1),
    };
    const target = moves[e.key];
    if (target === undefined) return;
    e.preventDefault();
    const next = Math.max(0, Math.min(source.size - 1, target));
    setPicked(next);
    revealRow(Math.floor(next / BYTES_PER_ROW), 'nearest', 1);
    onByteClick(next);
  };

  const onGoto = (e: KeyboardEvent<HTMLInputElement>): void => {
    if (e.key !== 'Enter') return;
    const value = parseOffset(gotoText);
    if (value === undefined || value >= source.size) {
      setGotoError(true);
      return;
    }
    setGotoError(false);
    revealRow(Math.floor(value / BYTES_PER_ROW), 'start-if-hidden', 3);
    onByteClick(value);
  };

  const rowElements: ReactElement[] = [];
  for (let r = rows.first; r < rows.last; r++) {
    const base = r * BYTES_PER_ROW;
    const n = Math.min(BYTES_PER_ROW, source.size - base);
    let bytes = '';
    const classes: string[] = [];
    for (let i = 0; i < n; i++) {
      const b = pages.byteAt(base + i);
      bytes += b === undefined ? '··' : paddedHex(b, 2);
      classes.push(byteClass(base + i, selection, selectionTone, context, marker) + (base + i === cursor ? ' cursor' : ''));
    }
    rowElements.push(<HexRow key={r} base={base} offsetDigits={offsetDigits} bytes={bytes} classes={classes.join('|')} />);
  }

  return (
    <section className="pane hex-pane" aria-label="Hex view" style={{ '--off-chars': offsetDigits, '--hex-chars': offsetDigits + 68 } as CSSProperties}>
      <header className="pane-head">
        <h2>Bytes</h2>
        <span className="muted" title="Offsets are positions in the QEMU stream itself">
          {source.label}, {groupedInt(source.size)} bytes
        </span>
        <span className="pane-head-spacer" />
        <input
          className={`goto${gotoError ? ' invalid' : ''}`}
          aria-label="Go to offset"
          placeholder="go to 0x…"
          spellCheck={false}
          value={gotoText}
          onChange={(e) => setGotoText(e.target.value)}
          onKeyDown={onGoto}
        />
      </header>
      <div className="hex-colhead" aria-hidden="true">
        <span className="hex-off">{'offset'.padEnd(offsetDigits, ' ')}</span>
        <span className="hex-bytes">
          {COLUMN_LABELS.map((l, i) => (
            <span key={l} className={i === 8 ? 'mid' : undefined}>
              {l}
            </span>
          ))}
        </span>
        <span className="hex-ascii">ascii</span>
      </div>
      <div
        className="hex-scroll vscroll"
        ref={rows.scrollRef}
        onClick={onClick}
        onKeyDown={onKeyDown}
        tabIndex={0}
        role="group"
        aria-label="Bytes of the stream; arrow keys move the selected byte"
        aria-describedby={footId}
        data-testid="hex-view"
      >
        <div style={{ height: rows.spacerHeight }}>
          <div className="vwindow" style={{ height: rows.viewportHeight }}>
            <div className="hex-rows" style={{ transform: `translateY(${rows.offsetOf(rows.first)}px)` }}>
              {rowElements}
            </div>
          </div>
        </div>
      </div>
      <footer className="pane-foot mono" id={footId}>
        {selection !== undefined ? (
          <span data-testid="hex-selection">
            selected {hexOffset(selection.start)}–{hexOffset(selection.end)} · {groupedInt(selection.end - selection.start)} bytes
          </span>
        ) : (
          <span className="muted">click a byte to find the field it belongs to</span>
        )}
      </footer>
    </section>
  );
}

function byteClass(at: number, selection: ByteSpan | undefined, tone: 'strong' | 'soft', context: ByteSpan | undefined, marker: number | undefined): string {
  let cls = 'b';
  if (context !== undefined && at >= context.start && at < context.end) cls += ' ctx';
  if (selection !== undefined && at >= selection.start && at < selection.end) {
    cls += tone === 'soft' ? ' sel soft' : ' sel';
    if (at === selection.start) cls += ' sel-first';
    if (at === selection.end - 1) cls += ' sel-last';
  }
  if (at === marker) cls += ' marker';
  return cls;
}
