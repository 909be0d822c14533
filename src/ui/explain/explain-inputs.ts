/**
 * What the user told the Explain view about the destination: which loaded files are the
 * destination's (manifest, machine list, command line, `-device NAME,help` defaults, a stream
 * its build saved), its `-machine` and its release.
 *
 * Outside the workspace store (it is this view's business) and outside React state, because
 * the Stream view's banner explains the same load and must say the same thing, and the page's
 * link carries it (src/ui/app/use-url-sync.ts).
 */
import { useSyncExternalStore } from 'react';

/** `auto`: the view decides (see resolveChoice); `none`: not given; else a workspace file id. */
export type FileChoice = 'auto' | 'none' | string;

export interface ExplainInputs {
  readonly manifest: FileChoice;
  readonly machines: FileChoice;
  readonly cmdline: FileChoice;
  /** `-device NAME,help` output of the destination build: its property defaults. */
  readonly deviceProps: FileChoice;
  /**
   * A stream the destination build saved with the same configuration (`--dest-sample`). Never
   * `auto`: any other stream of the workspace could as well be the source's own, so only the
   * user can say which one is the destination's.
   */
  readonly sample: FileChoice;
  /** The destination's `-machine`, as typed; empty when not given. */
  readonly machine: string;
  /** The destination's release, as typed; empty when not given. */
  readonly version: string;
}

/** The file choices, in the order the Destination panel shows them. */
export const FILE_CHOICE_KEYS = ['manifest', 'machines', 'cmdline', 'deviceProps', 'sample'] as const;
export type FileChoiceKey = (typeof FILE_CHOICE_KEYS)[number];

export const INITIAL_EXPLAIN_INPUTS: ExplainInputs = { manifest: 'auto', machines: 'auto', cmdline: 'auto', deviceProps: 'auto', sample: 'none', machine: '', version: '' };

let inputs: ExplainInputs = INITIAL_EXPLAIN_INPUTS;
const listeners = new Set<() => void>();

export function subscribeExplainInputs(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function getExplainInputs(): ExplainInputs {
  return inputs;
}

export function setExplainInputs(change: Partial<ExplainInputs>): void {
  const next = { ...inputs, ...change };
  if ((Object.keys(next) as (keyof ExplainInputs)[]).every((k) => next[k] === inputs[k])) return;
  inputs = next;
  for (const l of [...listeners]) l();
}

export function useExplainInputs(): ExplainInputs {
  return useSyncExternalStore(subscribeExplainInputs, getExplainInputs);
}

/**
 * The file a choice names. `auto` takes the only candidate when there is one and no load log:
 * with a log, the log says what happened and the destination files are extra context the user
 * adds on purpose (a sample may carry the source's files too). A file that is no longer a
 * candidate (removed, or another sample set opened) counts as the field's default, which is
 * also what the Destination panel then shows.
 */
export function resolveChoice<T extends { readonly id: string }>(choice: FileChoice, candidates: readonly T[], hasLog: boolean, fallback: 'auto' | 'none' = 'auto'): T | undefined {
  if (choice === 'none') return undefined;
  if (choice === 'auto') return !hasLog && candidates.length === 1 ? candidates[0] : undefined;
  return candidates.find((c) => c.id === choice) ?? resolveChoice(fallback, candidates, hasLog);
}
