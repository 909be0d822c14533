/**
 * The link for a workspace state, and what to do with a link once the files it names are
 * there. Pure, so that what a link carries is tested without a browser. Defaults are left
 * out: a freshly opened sample set is just `#sample=<id>`.
 */
import { activeFile, type WorkspaceFile, type WorkspaceState } from '../workspace/workspace-store.ts';
import { sampleById } from './samples.ts';
import type { UrlState } from './url-state.ts';

export function urlStateOf(state: WorkspaceState): UrlState {
  const set = sampleById(state.sampleId);
  const sampleLoaded = set !== undefined && state.files.some((f) => f.origin === 'sample');
  const stream = activeFile(state, 'stream');
  const defaultView = sampleLoaded ? set.view : 'stream';
  const sel = state.selection;
  // A tour step names its own selection.
  const selection = state.tourStep === undefined && sel !== undefined && stream !== undefined && sel.streamId === stream.id ? sel : undefined;
  return {
    ...(sampleLoaded ? { sample: set.id } : {}),
    ...(stream !== undefined && stream.origin !== 'sample' ? { file: stream.file.name } : {}),
    ...(state.view !== defaultView ? { view: state.view } : {}),
    ...(selection !== undefined ? { path: selection.path, offset: selection.offset } : {}),
    ...(state.matrixLayout !== 'board' || state.matrixCell !== undefined ? { matrixLayout: state.matrixLayout } : {}),
    ...(state.matrixCell !== undefined ? { matrixCell: state.matrixCell } : {}),
    ...(state.tourStep !== undefined ? { tourStep: state.tourStep } : {}),
  };
}

/** The stream a link names, once loaded and recognised: the newest of that name. */
export function streamNamed(state: WorkspaceState, name: string): WorkspaceFile | undefined {
  return state.files.filter((f) => f.file.name === name && f.detection?.kind === 'stream').at(-1);
}

/**
 * Whether a link can be applied now: nothing is loading, and the file it names (if any) is
 * in the workspace. 'wait-file': everything loaded, but not that file (the user has to drop it).
 */
export function restoreReadiness(state: WorkspaceState, url: UrlState): 'loading' | 'wait-file' | 'ready' {
  if (state.pending > 0) return 'loading';
  if (url.file !== undefined && streamNamed(state, url.file) === undefined) return 'wait-file';
  return 'ready';
}
