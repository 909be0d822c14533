import { useId, useLayoutEffect, useMemo, useReducer, useRef, useState, type CSSProperties, type KeyboardEvent, type MouseEvent, type PointerEvent, type ReactElement } from 'react';
import { trackPending } from '../app/idle.ts';
import { useVirtualRows } from '../common/use-virtual-rows.ts';
import { groupedInt, hexOffset, paddedHex } from '../stream/format-value.ts';
import { BytePages } from './byte-pages.ts';
import { byteAtPointer, HexRow } from './HexRow.tsx';
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
const OVERSCAN = 4;
/** The column head, in the rows' own text layout (each byte `XX `, a gap before byte 8). */
const COLUMN_LABELS = [0, 8].map((from) =>
  Array.from({ length: BYTES_PER_ROW / 2 }, (_, i) => `${(from + i).toString(16).padStart(2, '0')} `).join(''),
);

export function HexView({ source, selection, selectionTone = 'strong', context, marker, reveal, onByteClick, cursor: cursorHint }: HexViewProps): ReactElement {
  const pages = useMemo(() => new BytePages(source), [source]);
  const footId = useId();
  const [, pagesLoaded] = useReducer((n: number) => n + 1, 0);
  const rowCount = Math.ceil(source.size / BYTES_PER_ROW);
  const rows = useVirtualRows(rowCount, HEX_ROW_HEIGHT, OVERSCAN);
  // Rows are keyed by slot, not by offset: a row scrolled out hands its elements to the one
  // scrolled in (React updates their text in place instead of building new ones).
  const slots = Math.ceil(rows.viewportHeight / HEX_ROW_HEIGHT) + 2 * OVERSCAN + 1;
  const rowCache = useRef(new Map<number, CachedRow>());
  const offsetDigits = Math.max(8, Math.max(0, source.size - 1).toString(16).length);
  const [gotoText, setGotoText] = useState('');
  const [gotoError, setGotoError] = useState(false);
  // The byte the keyboard moves from: the one last picked while it stays inside the
  // selection, else the selection's first byte (a selection made elsewhere moves it there).
  const [picked, setPicked] = useState<number | undefined>(undefined);
  // The byte under the pointer, outlined by a box over the runs (bytes are runs of text, not
  // elements to hover; changing the runs under the pointer would also move what it is on).
  const [hover, setHover] = useState<HoverBox | undefined>(undefined);
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
    const at = byteAtPointer(e.target, e.clientX);
    if (at === undefined) return;
    setPicked(at);
    onByteClick(at);
  };

  const onPointerMove = (e: PointerEvent<HTMLDivElement>): void => {
    const box = hoverBoxAt(e.target, e.clientX, e.currentTarget);
    if (box?.left !== hover?.left || box?.top !== hover?.top || box?.width !== hover?.width) setHover(box);
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
    const cls = classes.join('|');
    const slot = r % slots;
    // The same element for a row that did not change: React skips it without comparing props
    // (in development builds, creating ~50 row elements per scroll step is measurable).
    const cached = rowCache.current.get(slot);
    if (cached !== undefined && cached.base === base && cached.bytes === bytes && cached.classes === cls && cached.offsetDigits === offsetDigits) {
      rowElements.push(cached.element);
      continue;
    }
    const element = <HexRow key={slot} base={base} offsetDigits={offsetDigits} bytes={bytes} classes={cls} />;
    rowCache.current.set(slot, { base, bytes, classes: cls, offsetDigits, element });
    rowElements.push(element);
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
          <span>{COLUMN_LABELS[0]}</span>
          <span className="mid">{COLUMN_LABELS[1]}</span>
        </span>
        <span className="hex-ascii">ascii</span>
      </div>
      <div
        className="hex-scroll vscroll"
        ref={rows.scrollRef}
        onClick={onClick}
        onPointerMove={onPointerMove}
        onPointerLeave={() => setHover(undefined)}
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
            {hover !== undefined ? <div className="hex-hover" style={{ left: hover.left, top: hover.top, width: hover.width, height: hover.height }} /> : undefined}
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

interface CachedRow {
  readonly base: number;
  readonly bytes: string;
  readonly classes: string;
  readonly offsetDigits: number;
  readonly element: ReactElement;
}

interface HoverBox {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/** The box of the byte under the pointer, in the scroller's visible area (where the sticky window sits). */
function hoverBoxAt(target: EventTarget | null, clientX: number, scroller: HTMLElement): HoverBox | undefined {
  if (!(target instanceof Element)) return undefined;
  const run = target.closest<HTMLElement>('[data-start]');
  const at = byteAtPointer(target, clientX);
  if (run === null || at === undefined) return undefined;
  const rect = run.getBoundingClientRect();
  const outer = scroller.getBoundingClientRect();
  const perByte = rect.width / (Number(run.dataset['end']) - Number(run.dataset['start']));
  const left = rect.left + (at - Number(run.dataset['start'])) * perByte - outer.left - scroller.clientLeft;
  return { left: Math.round(left), top: Math.round(rect.top - outer.top - scroller.clientTop), width: Math.round(perByte), height: Math.round(rect.height) };
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
