/**
 * The workspace: every file the user dropped or a sample set brought, what each was recognised
 * as, which stream and which logs the views show, and which view is open. One place, so that
 * each view reads what it needs and the Files panel, the tabs and the views never disagree.
 *
 * A plain subscribable object (React reads it through useSyncExternalStore): no React here, so
 * it is unit-tested in Node like the rest of the pure code.
 */
import { detectFile, type Detection, type FileKind } from './detect-file.ts';

export type ViewId = 'stream' | 'timeline' | 'explain' | 'matrix' | 'tiers' | 'compat' | 'hosts';

/**
 * How the Matrix view lays out: the release board (every machine type, grouped), its pivot
 * (machine types × pairs, breaking devices counted), or one machine type's heat map.
 */
export type MatrixLayout = 'board' | 'pivot' | 'machine';
export const MATRIX_LAYOUTS: readonly MatrixLayout[] = ['board', 'pivot', 'machine'];

/** What a view shows one of at a time: the stream, the save-side trace, the load-side log. */
export type Role = 'stream' | 'save' | 'load';

export type FileOrigin = 'user' | 'sample';

export interface WorkspaceFile {
  /** Unique for the session; a file dropped twice is two entries. */
  readonly id: string;
  readonly file: File;
  readonly origin: FileOrigin;
  /** Undefined while its first bytes are being read. */
  readonly detection: Detection | undefined;
}

export interface Notice {
  readonly tone: 'info' | 'error';
  readonly text: string;
}

/** A request from another view to show one section in the Stream view. */
export interface SectionFocus {
  readonly streamId: string;
  readonly idstr: string;
  /** Undefined when the asking view does not know it (the first section of that idstr wins). */
  readonly instance: number | undefined;
  /** Bumped on every request, so asking for the same section again scrolls to it again. */
  readonly seq: number;
  /**
   * A node inside the section (or any record) by its model path, e.g. `['fw_cfg#0', 'fw_cfg/dma']`;
   * `offset` tells apart nodes with the same path (a RAM PART comes several times) and, without
   * a path, names the deepest node holding that byte.
   */
  readonly path?: readonly string[];
  readonly offset?: number;
  /** Bytes to highlight instead of the node's own: a tour step that spans several nodes. */
  readonly highlight?: ByteRange;
}

export interface ByteRange {
  readonly start: number;
  /** Exclusive. */
  readonly end: number;
}

/** Where the Stream view should go: what `focusNode` asks for. */
export interface NodeTarget {
  readonly path?: readonly string[];
  readonly offset?: number;
  readonly highlight?: ByteRange;
}

/** What the Stream view shows selected, in terms a link can carry. */
export interface StreamSelection {
  readonly streamId: string;
  /** The selected node's path; `path[0]` names the record (`timer#0`, `ram#0 PART`, `header`). */
  readonly path: readonly string[];
  /** The selected byte: the node's first byte, or the byte picked in the hex view. */
  readonly offset: number;
}

/** A cell of the Matrix view: a row and a column by their labels (e.g. device × version pair). */
export interface MatrixCell {
  readonly row: string;
  readonly col: string;
}

export interface WorkspaceState {
  /** In the order they were added. */
  readonly files: readonly WorkspaceFile[];
  /** File ids by role; a role without a file of its kind is absent. */
  readonly active: Readonly<Partial<Record<Role, string>>>;
  readonly view: ViewId;
  /** The sample set last opened (its files may have been removed since). */
  readonly sampleId: string | undefined;
  /** Sample downloads and detections in flight. */
  readonly pending: number;
  readonly notice: Notice | undefined;
  readonly focus: SectionFocus | undefined;
  /** What the user last selected in the Stream view (not the view's own opening choice). */
  readonly selection: StreamSelection | undefined;
  readonly matrixCell: MatrixCell | undefined;
  readonly matrixLayout: MatrixLayout;
  /** The guided tour's step (0-based) while the tour is open. */
  readonly tourStep: number | undefined;
  /** Bumped on every change; the idle probe compares it with what React rendered. */
  readonly version: number;
}

export interface AddOptions {
  readonly origin?: FileOrigin;
  /** Views to open afterwards; by default the one that shows what was added. */
  readonly view?: ViewId;
}

export type Detector = (blob: Blob) => Promise<Detection>;

export function roleOf(file: WorkspaceFile): Role | undefined {
  const d = file.detection;
  if (d === undefined) return undefined;
  if (d.kind === 'stream') return 'stream';
  if (d.kind === 'trace-log') return d.side === 'save' ? 'save' : 'load';
  return undefined;
}

export function filesOfKind(state: WorkspaceState, kind: FileKind): WorkspaceFile[] {
  return state.files.filter((f) => f.detection?.kind === kind);
}

export function filesOfRole(state: WorkspaceState, role: Role): WorkspaceFile[] {
  return state.files.filter((f) => roleOf(f) === role);
}

export function activeFile(state: WorkspaceState, role: Role): WorkspaceFile | undefined {
  const id = state.active[role];
  return id === undefined ? undefined : state.files.find((f) => f.id === id);
}

const INITIAL: WorkspaceState = {
  files: [],
  active: {},
  view: 'stream',
  sampleId: undefined,
  pending: 0,
  notice: undefined,
  focus: undefined,
  selection: undefined,
  matrixCell: undefined,
  matrixLayout: 'board',
  tourStep: undefined,
  version: 0,
};

export class WorkspaceStore {
  private state: WorkspaceState = INITIAL;
  private readonly listeners = new Set<() => void>();
  private nextId = 1;
  private sampleAbort: AbortController | undefined;

  constructor(private readonly detect: Detector = detectFile) {}

  readonly getState = (): WorkspaceState => this.state;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /**
   * Adds files and recognises each by content. When all are recognised, the last stream and
   * the last log of each side among them become the active ones.
   */
  addFiles(files: readonly File[], options: AddOptions = {}): Promise<void> {
    return this.insert(files, options, false);
  }

  remove(id: string): void {
    this.update((s) => {
      const files = s.files.filter((f) => f.id !== id);
      if (files.length === s.files.length) return s;
      const next = { ...s, files };
      return {
        ...next,
        active: reconcileActive(next, s.active),
        focus: s.focus?.streamId === id ? undefined : s.focus,
        selection: s.selection?.streamId === id ? undefined : s.selection,
      };
    });
  }

  setActive(role: Role, id: string | undefined): void {
    this.update((s) => {
      if (id !== undefined && !s.files.some((f) => f.id === id && roleOf(f) === role)) return s;
      const active = { ...s.active };
      if (id === undefined) delete active[role];
      else active[role] = id;
      return { ...s, active };
    });
  }

  setView(view: ViewId): void {
    this.update((s) => (s.view === view ? s : { ...s, view }));
  }

  setNotice(notice: Notice | undefined): void {
    this.update((s) => ({ ...s, notice }));
  }

  /** Shows a section in the Stream view; false when no stream is active to show it in. */
  focusSection(idstr: string, instance: number | undefined): boolean {
    const streamId = this.state.active.stream;
    if (streamId === undefined) return false;
    this.update((s) => ({ ...s, view: 'stream', focus: { streamId, idstr, instance, seq: (s.focus?.seq ?? 0) + 1 } }));
    return true;
  }

  /**
   * Shows a node of the active stream in the Stream view: by path, by byte offset, or both, and
   * optionally highlights other bytes than the node's own. False when no stream is active.
   */
  focusNode(target: NodeTarget): boolean {
    const streamId = this.state.active.stream;
    if (streamId === undefined) return false;
    const idstr = target.path?.[0] ?? '';
    this.update((s) => ({
      ...s,
      view: 'stream',
      focus: {
        streamId,
        idstr,
        instance: undefined,
        seq: (s.focus?.seq ?? 0) + 1,
        ...(target.path !== undefined ? { path: target.path } : {}),
        ...(target.offset !== undefined ? { offset: target.offset } : {}),
        ...(target.highlight !== undefined ? { highlight: target.highlight } : {}),
      },
    }));
    return true;
  }

  /** The Stream view reports what the user selected, so that a link can carry it. */
  setSelection(selection: StreamSelection | undefined): void {
    this.update((s) => (sameSelection(s.selection, selection) ? s : { ...s, selection }));
  }

  selectMatrixCell(cell: MatrixCell | undefined): void {
    this.update((s) => (s.matrixCell?.row === cell?.row && s.matrixCell?.col === cell?.col ? s : { ...s, matrixCell: cell }));
  }

  /** Another layout of the Matrix view; a selected cell belongs to one layout, so it closes. */
  setMatrixLayout(layout: MatrixLayout): void {
    this.update((s) => (s.matrixLayout === layout ? s : { ...s, matrixLayout: layout, matrixCell: undefined }));
  }

  /** Opens the tour at a step (0-based), or closes it with undefined. */
  setTourStep(step: number | undefined): void {
    this.update((s) => (s.tourStep === step ? s : { ...s, tourStep: step }));
  }

  /**
   * Replaces the files of the previous sample set (the user's own stay) with the files `load`
   * fetches. A newer call wins over one still downloading.
   */
  async openSampleSet(id: string, load: (signal: AbortSignal) => Promise<readonly File[]>, view?: ViewId): Promise<void> {
    this.sampleAbort?.abort();
    const abort = new AbortController();
    this.sampleAbort = abort;
    this.update((s) => ({ ...s, pending: s.pending + 1, sampleId: id, notice: undefined }));
    let files: readonly File[];
    try {
      files = await load(abort.signal);
    } catch (e) {
      const aborted = abort.signal.aborted;
      this.update((s) => ({
        ...s,
        pending: s.pending - 1,
        ...(aborted ? {} : { notice: { tone: 'error', text: `Could not load the sample: ${e instanceof Error ? e.message : String(e)}` } }),
      }));
      return;
    }
    if (abort.signal.aborted) {
      this.update((s) => ({ ...s, pending: s.pending - 1 }));
      return;
    }
    await this.insert(files, { origin: 'sample', ...(view !== undefined ? { view } : {}) }, true);
  }

  private async insert(files: readonly File[], options: AddOptions, fromSample: boolean): Promise<void> {
    const origin = options.origin ?? 'user';
    const entries: WorkspaceFile[] = files.map((file) => ({ id: `f${this.nextId++}`, file, origin, detection: undefined }));
    this.update((s) => {
      const kept = fromSample ? s.files.filter((f) => f.origin !== 'sample') : s.files;
      const next = { ...s, files: [...kept, ...entries], pending: s.pending + entries.length - (fromSample ? 1 : 0) };
      return { ...next, active: reconcileActive(next, s.active), notice: fromSample ? s.notice : undefined };
    });

    await Promise.all(
      entries.map(async (entry) => {
        let detection: Detection;
        try {
          detection = await this.detect(entry.file);
        } catch (e) {
          detection = { kind: 'unknown', wrapping: 'none', detail: `could not be read: ${e instanceof Error ? e.message : String(e)}` };
        }
        this.update((s) => ({ ...s, files: s.files.map((f) => (f.id === entry.id ? { ...f, detection } : f)) }));
      }),
    );

    this.update((s) => {
      const ids = new Set(entries.map((e) => e.id));
      const added = s.files.filter((f) => ids.has(f.id));
      const active = { ...s.active };
      const roles = new Set<Role>();
      for (const f of added) {
        const role = roleOf(f);
        if (role === undefined) continue;
        active[role] = f.id;
        roles.add(role);
      }
      const unknown = added.filter((f) => f.detection?.kind === 'unknown').length;
      const notice: Notice | undefined =
        unknown > 0 ? { tone: 'info', text: `${unknown} of ${added.length} file${added.length === 1 ? ' was' : 's were'} not recognised; see Files.` } : s.notice;
      // A results file of real loads is what a run folder is about: its rows are on the Matrix view.
      const outcomes = added.some((f) => f.detection?.kind === 'load-outcomes');
      return { ...s, active, pending: s.pending - entries.length, view: options.view ?? (outcomes ? 'matrix' : viewFor(s.view, roles)), notice };
    });
  }

  private update(change: (s: WorkspaceState) => WorkspaceState): void {
    const next = change(this.state);
    if (next === this.state) return;
    this.state = { ...next, version: this.state.version + 1 };
    for (const l of [...this.listeners]) l();
  }
}

function sameSelection(a: StreamSelection | undefined, b: StreamSelection | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.streamId === b.streamId && a.offset === b.offset && a.path.length === b.path.length && a.path.every((p, i) => p === b.path[i]);
}

/**
 * After a drop, show what it brought: logs alone open the Timeline, a stream alone the Stream
 * view. Views that combine files (Explain, Matrix...) stay open: the user went there on purpose.
 */
function viewFor(current: ViewId, roles: ReadonlySet<Role>): ViewId {
  if (current !== 'stream' && current !== 'timeline') return current;
  const logs = roles.has('save') || roles.has('load');
  if (logs && !roles.has('stream')) return 'timeline';
  if (roles.has('stream') && !logs) return 'stream';
  return current;
}

/** Active ids that no longer name a file of their role fall back to the newest such file. */
function reconcileActive(state: WorkspaceState, active: WorkspaceState['active']): WorkspaceState['active'] {
  const out: Partial<Record<Role, string>> = {};
  for (const role of ['stream', 'save', 'load'] as const) {
    const candidates = filesOfRole(state, role);
    const keep = candidates.find((f) => f.id === active[role]);
    const chosen = keep ?? candidates.at(-1);
    if (chosen !== undefined) out[role] = chosen.id;
  }
  return out;
}
