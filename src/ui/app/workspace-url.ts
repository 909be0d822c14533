/**
 * The link for a workspace state, and what to do with a link once the files it names are
 * there. Pure, so that what a link carries is tested without a browser. Defaults are left
 * out: a freshly opened sample set is just `#sample=<id>`.
 */
import { FILE_CHOICE_KEYS, INITIAL_EXPLAIN_INPUTS, type ExplainInputs, type FileChoiceKey } from '../explain/explain-inputs.ts';
import type { FileKind } from '../workspace/detect-file.ts';
import { activeFile, type WorkspaceFile, type WorkspaceState } from '../workspace/workspace-store.ts';
import { sampleById } from './samples.ts';
import type { DestinationLink, UrlState } from './url-state.ts';

export function urlStateOf(state: WorkspaceState, inputs: ExplainInputs = INITIAL_EXPLAIN_INPUTS): UrlState {
  const set = sampleById(state.sampleId);
  const sampleLoaded = set !== undefined && state.files.some((f) => f.origin === 'sample');
  const stream = activeFile(state, 'stream');
  const defaultView = sampleLoaded ? set.view : 'stream';
  const sel = state.selection;
  // A tour step names its own selection.
  const selection = state.tourStep === undefined && sel !== undefined && stream !== undefined && sel.streamId === stream.id ? sel : undefined;
  const destination = destinationLinkOf(state, inputs);
  return {
    ...(sampleLoaded ? { sample: set.id } : {}),
    ...(stream !== undefined && stream.origin !== 'sample' ? { file: stream.file.name } : {}),
    ...(state.view !== defaultView ? { view: state.view } : {}),
    ...(selection !== undefined ? { path: selection.path, offset: selection.offset } : {}),
    ...(state.matrixLayout !== 'board' || state.matrixCell !== undefined ? { matrixLayout: state.matrixLayout } : {}),
    ...(state.matrixCell !== undefined ? { matrixCell: state.matrixCell } : {}),
    ...(state.tourStep !== undefined ? { tourStep: state.tourStep } : {}),
    ...(destination !== undefined ? { destination } : {}),
  };
}

/** The kind of file each destination choice names. */
const CHOICE_KIND: Readonly<Record<FileChoiceKey, FileKind>> = {
  manifest: 'vmstate-manifest',
  machines: 'query-machines',
  cmdline: 'command-line',
  deviceProps: 'device-properties',
  sample: 'stream',
};

/**
 * The Destination panel's inputs as a link says them: what differs from the defaults, files by
 * name (ids are this session's). A choice whose file was removed is not said.
 */
export function destinationLinkOf(state: WorkspaceState, inputs: ExplainInputs): DestinationLink | undefined {
  const out: { -readonly [K in keyof DestinationLink]: DestinationLink[K] } = {};
  const machine = inputs.machine.trim();
  const version = inputs.version.trim();
  if (machine !== '') out.machine = machine;
  if (version !== '') out.version = version;
  for (const key of FILE_CHOICE_KEYS) {
    const choice = inputs[key];
    if (choice === INITIAL_EXPLAIN_INPUTS[key] || choice === 'auto') continue;
    if (choice === 'none') out[key] = 'none';
    else {
      const file = state.files.find((f) => f.id === choice);
      if (file !== undefined) out[key] = { name: file.file.name };
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The newest file of that name that can play that part. */
function fileNamed(state: WorkspaceState, key: FileChoiceKey, name: string): WorkspaceFile | undefined {
  return state.files.filter((f) => f.file.name === name && f.detection?.kind === CHOICE_KIND[key]).at(-1);
}

/**
 * The Destination panel's inputs a link asks for, in this workspace: the link's values over the
 * defaults (a link that says nothing of the destination resets it), files found by name.
 */
export function explainInputsOf(state: WorkspaceState, link: DestinationLink | undefined): ExplainInputs {
  const out: { -readonly [K in keyof ExplainInputs]: ExplainInputs[K] } = { ...INITIAL_EXPLAIN_INPUTS };
  if (link === undefined) return out;
  if (link.machine !== undefined) out.machine = link.machine;
  if (link.version !== undefined) out.version = link.version;
  for (const key of FILE_CHOICE_KEYS) {
    const f = link[key];
    if (f === undefined) continue;
    if (f === 'none') out[key] = 'none';
    else {
      const file = fileNamed(state, key, f.name);
      if (file !== undefined) out[key] = file.id;
    }
  }
  return out;
}

/** The stream a link names, once loaded and recognised: the newest of that name. */
export function streamNamed(state: WorkspaceState, name: string): WorkspaceFile | undefined {
  return state.files.filter((f) => f.file.name === name && f.detection?.kind === 'stream').at(-1);
}

/**
 * Whether a link can be applied now: nothing is loading, and the files it names (the stream,
 * the destination's) are in the workspace. 'wait-file': everything loaded, but not those
 * files (the user has to drop them).
 */
export function restoreReadiness(state: WorkspaceState, url: UrlState): 'loading' | 'wait-file' | 'ready' {
  if (state.pending > 0) return 'loading';
  if (url.file !== undefined && streamNamed(state, url.file) === undefined) return 'wait-file';
  const d = url.destination;
  if (d !== undefined) {
    for (const key of FILE_CHOICE_KEYS) {
      const f = d[key];
      if (f !== undefined && f !== 'none' && fileNamed(state, key, f.name) === undefined) return 'wait-file';
    }
  }
  return 'ready';
}
