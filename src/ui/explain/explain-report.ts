/**
 * The words and lists of an explanation, shared by the Explain view and the Stream view's
 * banner: pure, so that both say the same and the tests read it without a browser.
 */
import type { ExplainBasis, ExplainFailure, ExplainResult, ExplainVerdict } from '../../analysis/explain/index.ts';
import type { DecodeResult, SectionType } from '../../format/index.ts';
import type { NodeTarget } from '../workspace/workspace-store.ts';

export const VERDICT_TITLE: Readonly<Record<ExplainVerdict, string>> = {
  fails: 'Load fails',
  loads: 'Load succeeds',
  'at-risk': 'Load at risk',
};

/** Where the verdict comes from, in a phrase. */
export function basisText(basis: ExplainBasis, logName: string | undefined): string {
  switch (basis) {
    case 'log':
      return `from the destination's log${logName !== undefined ? ` (${logName})` : ''}`;
    case 'stream':
      return 'from the stream itself: it is damaged, whatever the destination';
    case 'prediction':
      return 'predicted from what is known of the destination';
  }
}

/** The line QEMU printed first (or would print), else the cause. */
export function headline(failure: ExplainFailure | undefined): string | undefined {
  if (failure === undefined) return undefined;
  const first = failure.message.split('\n').find((l) => l.trim() !== '');
  return first ?? failure.cause;
}

/** One line for the Stream view: "Load fails: Missing section footer for mc146818rtc". */
export function bannerText(result: ExplainResult): string {
  const line = headline(result.failure);
  if (result.verdict === 'loads') return result.basis === 'log' ? 'Load succeeded: the destination log shows no error' : 'Load expected to succeed';
  return line !== undefined ? `${VERDICT_TITLE[result.verdict]}: ${line}` : VERDICT_TITLE[result.verdict];
}

export interface LoadedSection {
  readonly idstr: string;
  readonly instance: number;
  readonly type: SectionType;
  readonly versionId: number;
  readonly offset: number;
}

/**
 * The device sections the destination read before it stopped: every complete START/FULL
 * record before the failing section (RAM's PART/END records would only repeat `ram`).
 * Without a failure, every complete one.
 */
export function sectionsBefore(stream: DecodeResult, failure: ExplainFailure | undefined): LoadedSection[] {
  const stop = failure?.section?.offset ?? failure?.offset;
  const out: LoadedSection[] = [];
  for (const s of stream.sections) {
    if (s.type !== 'FULL' && s.type !== 'START') continue;
    if (stop !== undefined && s.start >= stop) break;
    if (s.end === undefined) continue;
    out.push({ idstr: s.idstr, instance: s.instanceId, type: s.type, versionId: s.versionId, offset: s.start });
  }
  return out;
}

/** The bytes to highlight for a failure: the failing element, else its whole section. */
export function failureSpan(failure: ExplainFailure | undefined): { readonly start: number; readonly end: number } | undefined {
  if (failure === undefined) return undefined;
  if (failure.offset !== undefined) return { start: failure.offset, end: failure.offset + Math.max(1, failure.length ?? 1) };
  const s = failure.section;
  return s !== undefined ? { start: s.offset, end: s.offset + Math.max(1, s.length) } : undefined;
}

/**
 * Where "Show the failing bytes" goes: the failing field's node by its path below the section
 * (`0000:00:01.0/virtio-net#0` › `virtio` › `queues[0]` › `vring.num`; the Stream view falls back
 * to the deepest node holding the failing byte when no node has that path), its bytes
 * highlighted. Without a field, the section itself.
 */
export function failureTarget(failure: ExplainFailure | undefined): NodeTarget | undefined {
  const span = failureSpan(failure);
  if (failure === undefined || span === undefined) return undefined;
  const s = failure.section;
  const record = s !== undefined ? `${s.idstr}#${s.instance}` : undefined;
  const field = failure.field !== undefined && failure.offset !== undefined ? failure.field.split('/').filter((p) => p !== '') : [];
  const path = record !== undefined ? [record, ...field] : undefined;
  return { ...(path !== undefined ? { path } : {}), offset: span.start, highlight: span };
}

export function hexOf(n: number): string {
  return `0x${n.toString(16)}`;
}
