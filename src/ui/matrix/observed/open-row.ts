/**
 * Opening a results row in Explain: its own stream and destination log become the active ones
 * (a row without a log must not borrow another row's), its save trace the Timeline's, and the
 * destination the row names (release, machine type, the destination's command line) is what
 * Explain is told, as `migscope explain --dest-version --dest-machine --dest-cmdline` would be.
 */
import { setExplainInputs } from '../../explain/explain-inputs.ts';
import type { WorkspaceStore } from '../../workspace/workspace-store.ts';
import type { ObservedRow } from './use-observed-loads.ts';

export function openRowInExplain(store: WorkspaceStore, r: Pick<ObservedRow, 'row' | 'files'>): boolean {
  const { stream, log, destCmdline, saveTrace } = r.files;
  if (stream === undefined) return false;
  store.setActive('stream', stream.id);
  store.setActive('load', log?.id);
  if (saveTrace !== undefined) store.setActive('save', saveTrace.id);
  setExplainInputs({ cmdline: destCmdline?.id ?? 'none', sample: 'none', version: r.row.dest, machine: r.row.machine });
  store.setView('explain');
  return true;
}
