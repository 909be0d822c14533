/**
 * What the user told the Explain view about the destination: which loaded files are the
 * destination's (manifest, machine list, command line), its `-machine` and its release.
 *
 * Outside the workspace store (it is this view's business) and outside React state, because
 * the Stream view's banner explains the same load and must say the same thing.
 */
import { useSyncExternalStore } from 'react';

/** `auto`: the view decides (see resolveChoice); `none`: not given; else a workspace file id. */
export type FileChoice = 'auto' | 'none' | string;

export interface ExplainInputs {
  readonly manifest: FileChoice;
  readonly machines: FileChoice;
  readonly cmdline: FileChoice;
  /** The destination's `-machine`, as typed; empty when not given. */
  readonly machine: string;
  /** The destination's release, as typed; empty when not given. */
  readonly version: string;
}

const INITIAL: ExplainInputs = { manifest: 'auto', machines: 'auto', cmdline: 'auto', machine: '', version: '' };

let inputs: ExplainInputs = INITIAL;
const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function snapshot(): ExplainInputs {
  return inputs;
}

export function setExplainInputs(change: Partial<ExplainInputs>): void {
  inputs = { ...inputs, ...change };
  for (const l of [...listeners]) l();
}

export function useExplainInputs(): ExplainInputs {
  return useSyncExternalStore(subscribe, snapshot);
}

/**
 * The file a choice names. `auto` takes the only candidate when there is one and no load log:
 * with a log, the log says what happened and the destination files are extra context the user
 * adds on purpose (a sample may carry the source's files too).
 */
export function resolveChoice<T extends { readonly id: string }>(choice: FileChoice, candidates: readonly T[], hasLog: boolean): T | undefined {
  if (choice === 'none') return undefined;
  if (choice === 'auto') return !hasLog && candidates.length === 1 ? candidates[0] : undefined;
  return candidates.find((c) => c.id === choice);
}
