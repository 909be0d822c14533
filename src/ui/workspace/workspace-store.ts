/**
 * The workspace: every file the user dropped or a sample set brought, what each was recognised
 * as, which stream and which logs the views show, and which view is open. One place, so that
 * each view reads what it needs and the Files panel, the tabs and the views never disagree.
 *
 * Files live in sets. The sample opens in a set of its own; the first file a person drops
 * starts a set of theirs (so their files are never read together with the sample's, and the
 * sample stays one click away); further drops go to the set on show, and `newSet` starts
 * another. The views see the set on show: `files`, `active` and `view` are that set's.
 *
 * A plain subscribable object (React reads it through useSyncExternalStore): no React here, so
 * it is unit-tested in Node like the rest of the pure code.
 */
import { detectFile, type Detection, type FileKind } from './detect-file.ts';

export type ViewId = 'stream' | 'timeline' | 'explain' | 'matrix' | 'tiers' | 'compat' | 'hosts' | 'negotiate';

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

/** A set of files read together: the sample's, or one of the person's own. */
export interface FileSet {
  /** `s1`, `s2`...: this session's. */
  readonly id: string;
  readonly origin: FileOrigin;
  /** The sample set it holds (sample sets only). */
  readonly sampleId: string | undefined;
  readonly title: string;
  /** In the order they were added. */
  readonly files: readonly WorkspaceFile[];
  /** File ids by role; a role without a file of its kind is absent. */
  readonly active: Readonly<Partial<Record<Role, string>>>;
  /** The view last open on this set. */
  readonly view: ViewId;
  /**
   * What the person chose for pairs of files (`pairKey`) against what pairing.ts found: true to
   * read two files together although they do not look like one VM, false to keep apart two
   * that cannot be told. The choice is theirs, remembered per set.
   */
  readonly choices: Readonly<Record<string, boolean>>;
  /** What was selected in the Stream view, to come back to. */
  readonly selection: StreamSelection | undefined;
}

export interface WorkspaceState {
  readonly sets: readonly FileSet[];
  /** The set on show. */
  readonly currentSet: string | undefined;
  /** The files of the set on show, in the order they were added. */
  readonly files: readonly WorkspaceFile[];
  /** File ids by role in the set on show; a role without a file of its kind is absent. */
  readonly active: Readonly<Partial<Record<Role, string>>>;
  readonly view: ViewId;
  /** The sample set open in the sample's set (its files may have been removed since). */
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

/** The key of a pair of files, whichever order they are named in. */
export function pairKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

export function currentSetOf(state: WorkspaceState): FileSet | undefined {
  return state.sets.find((x) => x.id === state.currentSet);
}

/** The sample's set, whether on show or not. */
export function sampleSetOf(state: WorkspaceState): FileSet | undefined {
  return state.sets.find((x) => x.origin === 'sample');
}

/** What the person chose for these two files in the set on show: together, apart, or nothing. */
export function pairChoice(state: WorkspaceState, a: string, b: string): boolean | undefined {
  return currentSetOf(state)?.choices[pairKey(a, b)];
}

const INITIAL: WorkspaceState = {
  sets: [],
  currentSet: undefined,
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
  private nextSet = 1;
  private userSets = 0;
  private sampleAbort: AbortController | undefined;

  constructor(private readonly detect: Detector = detectFile) {}

  readonly getState = (): WorkspaceState => this.state;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /**
   * Adds files to the person's set on show, or starts a set of theirs when the sample's is on
   * show (or none is), and recognises each by content. When all are recognised, the last
   * stream and the last log of each side among them become the active ones.
   */
  addFiles(files: readonly File[], options: AddOptions = {}): Promise<void> {
    return this.insert(files, options, undefined);
  }

  /** Starts an empty set of the person's own and shows it: the next drop goes there. */
  newSet(): string {
    const set = this.makeUserSet();
    this.update((s) => ({ ...s, sets: [...s.sets, set], currentSet: set.id }));
    return set.id;
  }

  /** Shows another set; what was selected in the Stream view on it is selected again. */
  openSet(id: string): void {
    const target = this.state.sets.find((x) => x.id === id);
    if (target === undefined || id === this.state.currentSet) return;
    const selection = target.selection;
    this.update((s) => {
      const focus: SectionFocus | undefined =
        selection !== undefined && target.active.stream === selection.streamId
          ? { streamId: selection.streamId, idstr: selection.path[0] ?? '', instance: undefined, seq: (s.focus?.seq ?? 0) + 1, path: selection.path, offset: selection.offset }
          : s.focus;
      return { ...s, currentSet: id, focus, selection: undefined, tourStep: undefined };
    });
  }

  /** Closes a set and its files; the sample's set cannot be closed, only replaced. */
  closeSet(id: string): void {
    this.update((s) => {
      const set = s.sets.find((x) => x.id === id);
      if (set === undefined || set.origin === 'sample') return s;
      const sets = s.sets.filter((x) => x.id !== id);
      const currentSet = s.currentSet === id ? (sets.at(-1)?.id ?? undefined) : s.currentSet;
      return { ...s, sets, currentSet, selection: s.currentSet === id ? undefined : s.selection };
    });
  }

  remove(id: string): void {
    this.update((s) => {
      const set = s.sets.find((x) => x.files.some((f) => f.id === id));
      if (set === undefined) return s;
      const files = set.files.filter((f) => f.id !== id);
      const sets = s.sets.map((x) =>
        x === set ? { ...x, files, active: reconcileActive(files, x.active), choices: withoutFile(x.choices, id), selection: x.selection?.streamId === id ? undefined : x.selection } : x,
      );
      return {
        ...s,
        sets,
        focus: s.focus?.streamId === id ? undefined : s.focus,
        selection: s.selection?.streamId === id ? undefined : s.selection,
      };
    });
  }

  setActive(role: Role, id: string | undefined): void {
    this.updateCurrent((set) => {
      if (id !== undefined && !set.files.some((f) => f.id === id && roleOf(f) === role)) return set;
      const active = { ...set.active };
      if (id === undefined) delete active[role];
      else active[role] = id;
      return { ...set, active };
    });
  }

  /** Reads two files of the set on show together (true), apart (false), or as pairing.ts finds (undefined). */
  choosePair(a: string, b: string, together: boolean | undefined): void {
    const key = pairKey(a, b);
    this.updateCurrent((set) => {
      if (set.choices[key] === together) return set;
      const choices = { ...set.choices };
      if (together === undefined) delete choices[key];
      else choices[key] = together;
      return { ...set, choices };
    });
  }

  setView(view: ViewId): void {
    this.update((s) => {
      if (s.view === view) return s;
      if (s.currentSet === undefined) return { ...s, view };
      return { ...s, sets: s.sets.map((x) => (x.id === s.currentSet ? { ...x, view } : x)) };
    });
  }

  setNotice(notice: Notice | undefined): void {
    this.update((s) => ({ ...s, notice }));
  }

  /** Shows a section in the Stream view; false when no stream is active to show it in. */
  focusSection(idstr: string, instance: number | undefined): boolean {
    const streamId = this.state.active.stream;
    if (streamId === undefined) return false;
    this.setView('stream');
    this.update((s) => ({ ...s, focus: { streamId, idstr, instance, seq: (s.focus?.seq ?? 0) + 1 } }));
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
    this.setView('stream');
    this.update((s) => ({
      ...s,
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
    this.update((s) => {
      if (sameSelection(s.selection, selection)) return s;
      return { ...s, selection, sets: s.sets.map((x) => (x.id === s.currentSet ? { ...x, selection } : x)) };
    });
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
   * Fills the sample's set with the files `load` fetches (replacing the sample before) and
   * shows it; the person's own sets are left as they are. A newer call wins over one still
   * downloading.
   */
  async openSampleSet(id: string, load: (signal: AbortSignal) => Promise<readonly File[]>, view?: ViewId, title?: string): Promise<void> {
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
    await this.insert(files, { origin: 'sample', ...(view !== undefined ? { view } : {}) }, { sampleId: id, title: title ?? `Sample ${id}` });
  }

  private makeUserSet(): FileSet {
    this.userSets++;
    return {
      id: `s${this.nextSet++}`,
      origin: 'user',
      sampleId: undefined,
      title: this.userSets === 1 ? 'Your files' : `Your files ${this.userSets}`,
      files: [],
      active: {},
      view: this.state.view,
      choices: {},
      selection: undefined,
    };
  }

  private async insert(files: readonly File[], options: AddOptions, sample: { readonly sampleId: string; readonly title: string } | undefined): Promise<void> {
    const origin = sample !== undefined ? 'sample' : (options.origin ?? 'user');
    const entries: WorkspaceFile[] = files.map((file) => ({ id: `f${this.nextId++}`, file, origin, detection: undefined }));
    let target: string;
    const current = currentSetOf(this.state);
    if (sample !== undefined) {
      const old = sampleSetOf(this.state);
      const set: FileSet = {
        id: old?.id ?? `s${this.nextSet++}`,
        origin: 'sample',
        sampleId: sample.sampleId,
        title: sample.title,
        files: entries,
        active: {},
        view: options.view ?? old?.view ?? this.state.view,
        choices: {},
        selection: undefined,
      };
      target = set.id;
      this.update((s) => ({
        ...s,
        // The sample's set comes first, where it always is.
        sets: old !== undefined ? s.sets.map((x) => (x.id === old.id ? set : x)) : [set, ...s.sets],
        currentSet: set.id,
        selection: undefined,
        pending: s.pending + entries.length - 1,
      }));
    } else {
      const set = current !== undefined && current.origin === 'user' ? current : this.makeUserSet();
      target = set.id;
      this.update((s) => {
        const known = s.sets.some((x) => x.id === set.id);
        const grown = { ...set, files: [...set.files, ...entries] };
        return {
          ...s,
          sets: known ? s.sets.map((x) => (x.id === set.id ? { ...x, files: [...x.files, ...entries] } : x)) : [...s.sets, grown],
          currentSet: set.id,
          selection: s.currentSet === set.id ? s.selection : undefined,
          pending: s.pending + entries.length,
          notice: undefined,
        };
      });
    }

    await Promise.all(
      entries.map(async (entry) => {
        let detection: Detection;
        try {
          detection = await this.detect(entry.file);
        } catch (e) {
          detection = { kind: 'unknown', wrapping: 'none', detail: `could not be read: ${e instanceof Error ? e.message : String(e)}` };
        }
        this.update((s) => ({
          ...s,
          sets: s.sets.map((x) => (x.files.some((f) => f.id === entry.id) ? { ...x, files: x.files.map((f) => (f.id === entry.id ? { ...f, detection } : f)) } : x)),
        }));
      }),
    );

    this.update((s) => {
      const ids = new Set(entries.map((e) => e.id));
      const set = s.sets.find((x) => x.id === target);
      const added = set?.files.filter((f) => ids.has(f.id)) ?? [];
      const unknown = added.filter((f) => f.detection?.kind === 'unknown').length;
      const notice: Notice | undefined =
        unknown > 0 ? { tone: 'info', text: `${unknown} of ${added.length} file${added.length === 1 ? ' was' : 's were'} not recognised; see Files.` } : s.notice;
      const sets = s.sets.map((x) => {
        if (x.id !== target) return x;
        const active = { ...reconcileActive(x.files, x.active) };
        const roles = new Set<Role>();
        for (const f of added) {
          const role = roleOf(f);
          if (role === undefined) continue;
          active[role] = f.id;
          roles.add(role);
        }
        // A results file of real loads is what a run folder is about: its rows are on the Matrix view.
        const outcomes = added.some((f) => f.detection?.kind === 'load-outcomes');
        return { ...x, active, view: options.view ?? (outcomes ? 'matrix' : viewFor(x.view, roles)) };
      });
      return { ...s, sets, pending: s.pending - entries.length, notice };
    });
  }

  private updateCurrent(change: (set: FileSet) => FileSet): void {
    this.update((s) => {
      const set = currentSetOf(s);
      if (set === undefined) return s;
      const next = change(set);
      return next === set ? s : { ...s, sets: s.sets.map((x) => (x === set ? next : x)) };
    });
  }

  private update(change: (s: WorkspaceState) => WorkspaceState): void {
    const next = change(this.state);
    if (next === this.state) return;
    this.state = { ...withCurrentSet(next), version: this.state.version + 1 };
    for (const l of [...this.listeners]) l();
  }
}

/** The fields the views read, taken from the set on show. */
function withCurrentSet(s: WorkspaceState): WorkspaceState {
  const set = currentSetOf(s);
  const sampleId = sampleSetOf(s)?.sampleId ?? s.sampleId;
  if (set === undefined) return { ...s, files: [], active: {}, sampleId };
  return { ...s, files: set.files, active: set.active, view: set.view, sampleId };
}

function withoutFile(choices: Readonly<Record<string, boolean>>, id: string): Readonly<Record<string, boolean>> {
  return Object.fromEntries(Object.entries(choices).filter(([k]) => !k.split('|').includes(id)));
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
function reconcileActive(files: readonly WorkspaceFile[], active: WorkspaceState['active']): WorkspaceState['active'] {
  const out: Partial<Record<Role, string>> = {};
  for (const role of ['stream', 'save', 'load'] as const) {
    const candidates = files.filter((f) => roleOf(f) === role);
    const keep = candidates.find((f) => f.id === active[role]);
    const chosen = keep ?? candidates.at(-1);
    if (chosen !== undefined) out[role] = chosen.id;
  }
  return out;
}
