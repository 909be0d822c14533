/**
 * Which workspace files a results row names. A results file gives its paths relative to
 * itself (`migscope run` writes them all in one folder); a browser knows only file names (and,
 * for a picked folder, `webkitRelativePath`), so a path is matched by its last part, with or
 * without `.gz` (a row naming `x.mig` is answered by a dropped `x.mig.gz`, and the other way
 * round), and each file must be of the kind the column names.
 */
import type { RunResult } from '../../../analysis/run-results.ts';
import type { FileKind } from '../../workspace/detect-file.ts';
import type { WorkspaceFile } from '../../workspace/workspace-store.ts';

export interface RowFiles {
  readonly stream: WorkspaceFile | undefined;
  /** The destination's log. */
  readonly log: WorkspaceFile | undefined;
  readonly destCmdline: WorkspaceFile | undefined;
  readonly saveTrace: WorkspaceFile | undefined;
  /** Paths the row names that no workspace file answers. */
  readonly missing: readonly string[];
}

export function rowFiles(row: RunResult, files: readonly WorkspaceFile[]): RowFiles {
  const missing: string[] = [];
  const find = (path: string, kind: FileKind): WorkspaceFile | undefined => {
    if (path === '') return undefined;
    const found = findFile(path, kind, files);
    if (found === undefined) missing.push(path);
    return found;
  };
  return {
    stream: find(row.streamFile, 'stream'),
    log: find(row.logFile, 'trace-log'),
    destCmdline: find(row.dstCmdlineFile, 'command-line'),
    saveTrace: find(row.saveTraceFile, 'trace-log'),
    missing,
  };
}

/** The newest file of `kind` whose name (or picked path) ends with the path's last part. */
export function findFile(path: string, kind: FileKind, files: readonly WorkspaceFile[]): WorkspaceFile | undefined {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const names = new Set([base, base.endsWith('.gz') ? base.slice(0, -3) : `${base}.gz`]);
  const candidates = files.filter((f) => f.detection?.kind === kind && names.has(f.file.name));
  // Two run folders dropped with the same names: the picked folder's path tells them apart.
  const bare = path.replace(/\.gz$/, '');
  // (Files made outside a browser, as in Node, have no webkitRelativePath at all.)
  const pathOf = (f: WorkspaceFile): string => (f.file.webkitRelativePath as string | undefined) ?? '';
  const byPath = candidates.filter((f) => pathOf(f) !== '' && pathOf(f).replace(/\.gz$/, '').endsWith(bare));
  return (byPath.length > 0 ? byPath : candidates).at(-1);
}
