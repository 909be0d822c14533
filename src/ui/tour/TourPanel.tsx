import { skipToken, useQuery } from '@tanstack/react-query';
import { useEffect, useId, useMemo, useRef, type ReactElement } from 'react';
import { DEFAULT_SAMPLE_SET, openSample } from '../app/samples.ts';
import { groupedInt, hexOffset } from '../stream/format-value.ts';
import type { DecodedStream } from '../stream/StreamView.tsx';
import { decodeQueryKey } from '../stream/use-stream-decode.ts';
import { useWorkspaceState, useWorkspaceStore } from '../workspace/workspace-context.ts';
import { activeFile } from '../workspace/workspace-store.ts';
import { tourSteps, type TourStep } from './tour-steps.ts';
import { TOUR_BUTTON_ID } from './TourButton.tsx';
import { useTourKeys } from './use-tour-keys.ts';
import './tour.css';

/**
 * The tour's card, above the Stream view: what the highlighted bytes are and why they are
 * there, Back and Next. Each step selects its bytes in the Stream view through the workspace
 * (focusNode), the same way a link or another view does.
 */
export function TourPanel(): ReactElement | undefined {
  const store = useWorkspaceStore();
  const state = useWorkspaceState();
  const file = activeFile(state, 'stream');
  // Reads the Stream view's decode from the cache, never starts one: the Stream panel owns it
  // (and its progress reports go to the observer that started it).
  const decode = useQuery<DecodedStream>({ queryKey: file !== undefined ? decodeQueryKey(file.file) : ['decode', 'none'], queryFn: skipToken });
  const result = decode.data?.result;
  const steps = useMemo(() => (result !== undefined ? tourSteps(result) : []), [result]);
  const titleId = useId();
  const panel = useRef<HTMLElement | null>(null);

  const requested = state.tourStep;
  const open = requested !== undefined;
  const at = steps.length > 0 && requested !== undefined ? Math.min(requested, steps.length - 1) : undefined;
  const step: TourStep | undefined = at !== undefined ? steps[at] : undefined;

  // Each step once per stream: StrictMode and unrelated re-renders must not re-select it.
  const applied = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (step === undefined || file === undefined) return;
    const key = `${file.id}:${step.id}:${step.offset}`;
    if (applied.current === key) return;
    applied.current = key;
    store.focusNode({ path: step.path, offset: step.offset, highlight: step.highlight });
  }, [step, file, store]);

  // Opening moves the keyboard here; closing gives it back to the Tour button.
  useEffect(() => {
    if (!open) return undefined;
    panel.current?.focus();
    return () => document.getElementById(TOUR_BUTTON_ID)?.focus();
  }, [open]);

  const go = (n: number): void => {
    if (steps.length === 0) return;
    store.setTourStep(Math.max(0, Math.min(steps.length - 1, n)));
  };
  const close = (): void => store.setTourStep(undefined);
  useTourKeys(open, { next: () => go((at ?? 0) + 1), back: () => go((at ?? 0) - 1), close });

  if (!open) return undefined;

  let content: ReactElement;
  if (file === undefined) {
    content = <p className="muted">No stream is loaded. The tour walks through one; open the 11.1 sample to start.</p>;
  } else if (decode.isError) {
    content = <p className="muted">This stream could not be decoded, so there is nothing to walk through.</p>;
  } else if (result === undefined) {
    content = <p className="muted">Decoding {file.file.name}…</p>;
  } else if (step === undefined) {
    content = (
      <p className="muted">
        The tour found none of the records it explains in this stream.{' '}
        <button type="button" className="btn" onClick={() => void openSample(store, DEFAULT_SAMPLE_SET, 'stream')}>
          Open the 11.1 sample
        </button>
      </p>
    );
  } else {
    content = (
      <div className="tour-content">
        <div className="tour-text">
          {step.body.map((p, i) => (
            <p key={i}>{p}</p>
          ))}
        </div>
        {step.parts.length > 0 ? (
          <ol className="tour-parts mono" aria-label="Parts of these bytes">
            {step.parts.map((p) => (
              <li key={`${p.start}-${p.label}`}>
                <button type="button" className="tour-part" title="Select these bytes" onClick={() => store.focusNode({ path: p.path, offset: p.start, highlight: { start: p.start, end: p.end } })}>
                  <span className="tour-part-off">{hexOffset(p.start)}</span>
                  <span className="tour-part-name">{p.label}</span>
                  {p.value !== undefined ? <span className="tour-part-value">{p.value}</span> : undefined}
                  <span className="tour-part-size muted">{groupedInt(p.end - p.start)} B</span>
                </button>
              </li>
            ))}
          </ol>
        ) : undefined}
      </div>
    );
  }

  return (
    <section ref={panel} className="tour" role="dialog" aria-modal="false" aria-labelledby={titleId} tabIndex={-1} data-testid="tour">
      <header className="tour-head">
        <span className="tour-count" data-testid="tour-count">
          {at !== undefined ? `Step ${at + 1} of ${steps.length}` : 'Tour'}
        </span>
        <h2 id={titleId} className="tour-title">
          {step?.title ?? 'Tour of the migration stream format'}
        </h2>
        {step !== undefined ? (
          <span className="tour-bytes mono muted" data-testid="tour-bytes">
            {hexOffset(step.highlight.start)}–{hexOffset(step.highlight.end)} · {groupedInt(step.highlight.end - step.highlight.start)} bytes
          </span>
        ) : undefined}
        <span className="tour-spacer" />
        <span className="tour-keys muted" aria-hidden="true">
          ← → move · Esc closes
        </span>
        <button type="button" className="btn" onClick={() => go((at ?? 0) - 1)} disabled={at === undefined || at === 0}>
          Back
        </button>
        {at !== undefined && at === steps.length - 1 ? (
          <button type="button" className="btn btn-primary" onClick={close}>
            Finish
          </button>
        ) : (
          <button type="button" className="btn btn-primary" onClick={() => go((at ?? 0) + 1)} disabled={at === undefined}>
            Next
          </button>
        )}
        <button type="button" className="btn btn-icon tour-close" aria-label="Close the tour" onClick={close}>
          ×
        </button>
      </header>
      {content}
    </section>
  );
}
