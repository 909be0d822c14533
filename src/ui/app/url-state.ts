/**
 * What a link carries: the sample set to load, the file shown, the view, the selection, the
 * matrix cell and the tour step, in the URL's hash (never sent to a server). Pure: the hash is
 * user input, so every value is checked and anything unknown or malformed is dropped, never
 * thrown on.
 *
 * `#sample=e-7.2-footer&view=stream&sec=mc146818rtc%230&field=cmos_data&at=0x165e88&tour=3`
 *
 * The Explain view's Destination panel too: `dmachine`, `drelease`, and the destination's files
 * by name (`dmanifest`, `dmachines`, `dcmd`, `dprops`, `dsample`; `-` for "none").
 */
import { MATRIX_LAYOUTS, type MatrixCell, type MatrixLayout, type ViewId } from '../workspace/workspace-store.ts';

export interface UrlState {
  /** A sample set id or alias, as written; samples.ts says which set it is. */
  readonly sample?: string;
  /** The active stream's file name: a link to a user's own file waits until that file is loaded. */
  readonly file?: string;
  readonly view?: ViewId;
  /** The selected node's model path: `path[0]` names the record (`timer#0`, `ram#0 PART`). */
  readonly path?: readonly string[];
  /** The selected byte. */
  readonly offset?: number;
  readonly matrixCell?: MatrixCell;
  /** The Matrix view's layout; links from before layouts existed name a heat map cell. */
  readonly matrixLayout?: MatrixLayout;
  /** 0-based here, 1-based in the URL (people read it). */
  readonly tourStep?: number;
  /** What the Explain view was told of the destination; absent when nothing was. */
  readonly destination?: DestinationLink;
}

/** A destination file named in a link: a workspace file's name, or none on purpose. */
export type LinkedFile = { readonly name: string } | 'none';

export interface DestinationLink {
  readonly machine?: string;
  readonly version?: string;
  readonly manifest?: LinkedFile;
  readonly machines?: LinkedFile;
  readonly cmdline?: LinkedFile;
  readonly deviceProps?: LinkedFile;
  readonly sample?: LinkedFile;
}

/** The URL parameter of each destination input, in the order links write them. */
export const DESTINATION_PARAMS = {
  machine: 'dmachine',
  version: 'drelease',
  manifest: 'dmanifest',
  machines: 'dmachines',
  cmdline: 'dcmd',
  deviceProps: 'dprops',
  sample: 'dsample',
} as const satisfies Readonly<Record<keyof DestinationLink, string>>;

const DESTINATION_FILE_KEYS = ['manifest', 'machines', 'cmdline', 'deviceProps', 'sample'] as const;
/** "none" in a link: no file is named `-`, and the word `none` could be one. */
const NONE_IN_LINK = '-';

const VIEWS: readonly ViewId[] = ['stream', 'timeline', 'explain', 'matrix', 'tiers', 'compat', 'hosts', 'negotiate'];
/** Joins the field path below the record; the UI writes paths with it, names never hold it in practice. */
export const PATH_SEPARATOR = ' › ';
/** Longer values are not from a link this app wrote. */
const MAX_TEXT = 1024;
const MAX_TOUR_STEP = 99;

function text(params: URLSearchParams, ...names: string[]): string | undefined {
  for (const name of names) {
    const v = params.get(name);
    // Control characters have no business in a name typed into a link.
    if (v !== null && v !== '' && v.length <= MAX_TEXT && !/[\u0000-\u001f]/.test(v)) return v;
  }
  return undefined;
}

/** `0x1a2b` or decimal, a byte offset a stream can have. */
export function parseUrlOffset(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const m = /^(?:0x([0-9a-f]{1,13})|([0-9]{1,16}))$/i.exec(v.trim());
  if (m === null) return undefined;
  const n = m[1] !== undefined ? Number.parseInt(m[1], 16) : Number(m[2]);
  return Number.isSafeInteger(n) ? n : undefined;
}

export function decodeUrlState(hash: string): UrlState {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const sample = text(params, 'sample', 'samples');
  const file = text(params, 'file');
  const viewText = text(params, 'view');
  const view = VIEWS.find((v) => v === viewText);
  const sec = text(params, 'sec');
  const field = text(params, 'field');
  const offset = parseUrlOffset(text(params, 'at'));
  const row = text(params, 'mrow');
  const col = text(params, 'mcol');
  const layoutText = text(params, 'mlayout');
  const layout = MATRIX_LAYOUTS.find((l) => l === layoutText) ?? (row !== undefined && col !== undefined ? 'machine' : undefined);
  const tourText = text(params, 'tour');
  const tour = tourText !== undefined && /^[0-9]{1,2}$/.test(tourText) ? Number(tourText) : undefined;
  const destination = decodeDestination(params);
  return {
    ...(sample !== undefined ? { sample } : {}),
    ...(file !== undefined ? { file } : {}),
    ...(view !== undefined ? { view } : {}),
    ...(sec !== undefined ? { path: [sec, ...(field !== undefined ? field.split(PATH_SEPARATOR) : [])] } : {}),
    ...(offset !== undefined ? { offset } : {}),
    ...(row !== undefined && col !== undefined ? { matrixCell: { row, col } } : {}),
    ...(layout !== undefined ? { matrixLayout: layout } : {}),
    ...(tour !== undefined && tour >= 1 && tour <= MAX_TOUR_STEP ? { tourStep: tour - 1 } : {}),
    ...(destination !== undefined ? { destination } : {}),
  };
}

function decodeDestination(params: URLSearchParams): DestinationLink | undefined {
  const out: { -readonly [K in keyof DestinationLink]: DestinationLink[K] } = {};
  const machine = text(params, DESTINATION_PARAMS.machine);
  const version = text(params, DESTINATION_PARAMS.version);
  if (machine !== undefined) out.machine = machine;
  if (version !== undefined) out.version = version;
  for (const key of DESTINATION_FILE_KEYS) {
    const v = text(params, DESTINATION_PARAMS[key]);
    if (v !== undefined) out[key] = v === NONE_IN_LINK ? 'none' : { name: v };
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The hash for a state, `#…`, or '' when there is nothing to say. Keys always in one order. */
export function encodeUrlState(state: UrlState): string {
  const params = new URLSearchParams();
  if (state.sample !== undefined) params.set('sample', state.sample);
  if (state.file !== undefined) params.set('file', state.file);
  if (state.view !== undefined) params.set('view', state.view);
  if (state.path !== undefined && state.path.length > 0) {
    params.set('sec', state.path[0] as string);
    if (state.path.length > 1) params.set('field', state.path.slice(1).join(PATH_SEPARATOR));
  }
  if (state.offset !== undefined) params.set('at', `0x${state.offset.toString(16)}`);
  // The board is the default layout, but a cell link names its layout: links to a cell made
  // before layouts existed are heat map cells.
  if (state.matrixLayout !== undefined && (state.matrixLayout !== 'board' || state.matrixCell !== undefined)) params.set('mlayout', state.matrixLayout);
  if (state.matrixCell !== undefined) {
    params.set('mrow', state.matrixCell.row);
    params.set('mcol', state.matrixCell.col);
  }
  if (state.tourStep !== undefined) params.set('tour', String(state.tourStep + 1));
  const d = state.destination;
  if (d !== undefined) {
    if (d.machine !== undefined) params.set(DESTINATION_PARAMS.machine, d.machine);
    if (d.version !== undefined) params.set(DESTINATION_PARAMS.version, d.version);
    for (const key of DESTINATION_FILE_KEYS) {
      const f = d[key];
      if (f !== undefined) params.set(DESTINATION_PARAMS[key], f === 'none' ? NONE_IN_LINK : f.name);
    }
  }
  // URLSearchParams writes spaces as '+'; %20 reads the same and survives being pasted anywhere.
  const out = params.toString().replace(/\+/g, '%20');
  return out === '' ? '' : `#${out}`;
}

export function sameUrlState(a: UrlState, b: UrlState): boolean {
  return encodeUrlState(a) === encodeUrlState(b);
}
