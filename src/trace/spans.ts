/**
 * Turns trace events into nested spans: section → vmsd → field → nested vmsd / subsection.
 *
 * Save and load sides are traced differently (event names from fixtures/versions/*\/trace-events.txt):
 *  - save: `savevm_section_start`/`_end` bracket a section; vmsds start with
 *    `vmstate_save_state_top` and have no end event, so a vmsd ends when an event names an outer
 *    vmsd or the section ends; `vmstate_subsection_save_top X` means X's fields are done.
 *  - load: `qemu_loadvm_state_section <type>` then `..._startfull id(idstr) instance version`
 *    (START/FULL) or `..._partend id` (PART/END); a section ends at the next one. vmsds start
 *    with `vmstate_load_state X vN` and end with `vmstate_load_state_end X end/0` (<= 10.0) or
 *    `vmstate_load_state_success X` / `_fail X reason` (11.1).
 * The `configuration` record has no section header on either side; it becomes a span of kind
 * `configuration`. Names (vmsd, field) may contain spaces, `/` and `:`, so arguments are split
 * on the names of the vmsds currently open rather than on the first separator.
 */
import type { MessageLine, TraceEventLine } from './log-line.ts';
import type {
  DowntimeEntry,
  InnerSpan,
  InnerSpanKind,
  MigrationSpan,
  SectionPart,
  SectionPartType,
  SectionSpan,
  TimeBase,
  TraceFailure,
  TraceMessage,
  TraceNote,
  TraceSide,
  TraceUnread,
} from './model.ts';

type Direction = 'save' | 'load';

interface Extent {
  startAt: number | undefined;
  endAt: number | undefined;
  line: number;
  endLine: number;
}

interface SpanNode extends Extent {
  kind: InnerSpanKind;
  name: string;
  parentNode: SpanNode | SectionNode;
  children: SpanNode[];
  ok: boolean;
  failurePoint: boolean;
  version: number | undefined;
  elems: number | undefined;
  status: string | undefined;
  ret: number | undefined;
  parentName: string | undefined;
  /** vmsds: loading/saving fields, then looking for subsections, then done. */
  phase: 'fields' | 'subsections' | 'done';
  /** vmsds: the field being processed. */
  field: SpanNode | undefined;
  /** Save side: subsection announced by `vmstate_subsection_save_loop`, started next. */
  pendingSub: string | undefined;
}

interface PartNode extends Extent {
  type: SectionPartType | undefined;
  ret: number | undefined;
}

interface SectionNode extends Extent {
  /** Index in the builder's sections: which of two is the later. */
  seq: number;
  kind: 'section' | 'configuration';
  dir: Direction;
  idstr: string;
  instance: number | undefined;
  version: number | undefined;
  sectionId: number | undefined;
  handler: string | undefined;
  parts: PartNode[];
  downtime: DowntimeEntry[];
  notes: TraceNote[];
  children: SpanNode[];
  /** vmsds open right now, outermost first. */
  stack: SpanNode[];
  /** The trace reported a failure inside this section (fail/end != 0/field error/ret < 0). */
  failed: boolean;
  ok: boolean;
  failurePoint: boolean;
  lastEvent: TraceEventLine | undefined;
}

interface FailureCapture {
  readonly message: MessageLine | undefined;
  readonly section: SectionNode | undefined;
  readonly chain: readonly (SpanNode | SectionNode)[];
  readonly event: TraceEventLine | undefined;
}

/** Migration-level events kept as marks on the migration span (phases, commands, checkpoints). */
const MARK_EVENTS = new Set([
  'savevm_state_header',
  'savevm_state_setup',
  'savevm_state_complete_precopy',
  'savevm_state_cleanup',
  'savevm_command_send',
  'loadvm_state_setup',
  'loadvm_state_cleanup',
  'loadvm_process_command',
  'loadvm_process_command_ping',
  'qemu_loadvm_state_section_command',
  'qemu_loadvm_state_post_main',
  'vmstate_downtime_checkpoint',
  'migration_exec_outgoing',
  'migration_set_outgoing_channel',
  'migration_set_incoming_channel',
  'migration_thread_setup_complete',
  'migration_completion_vm_stop',
  'migration_precopy_complete',
  'migration_thread_after_loop',
  'migration_cleanup',
  'migration_cancel',
  'migrate_set_state',
  'migrate_error',
  'process_incoming_migration_co_end',
]);
const MARK_PREFIXES = ['savevm_send_', 'qemu_savevm_send_', 'loadvm_postcopy_', 'loadvm_handle_'];

function isMark(name: string): boolean {
  return MARK_EVENTS.has(name) || MARK_PREFIXES.some((p) => name.startsWith(p));
}

/** Section type byte of `qemu_loadvm_state_section` (QEMU_VM_SECTION_START ... _FULL). */
const LOAD_PART_TYPES: Readonly<Record<string, SectionPartType>> = {
  '1': 'start',
  '2': 'part',
  '3': 'end',
  '4': 'full',
};

/**
 * QEMU's vmsds nest a handful deep (a device, its subsections, a struct field's vmsd); a log
 * nesting deeper is damaged or hostile. Bounding the open stack keeps every per-event walk over
 * it (extending spans, finding the vmsd an event names) constant, so a flood of vmsds that never
 * close parses in linear time, and keeps the span tree shallow enough for recursive readers.
 */
export const MAX_SPAN_DEPTH = 256;

/**
 * A VM has a few hundred sections (RAM's iterations reuse one); a log opening more than this is
 * not a QEMU log. Sections past it are followed (their events still land somewhere) but left out
 * of the model, which every view lays out in full.
 */
export const MAX_SECTIONS = 2_000;

/**
 * A vmsd has at most a few hundred fields (an array is one field), a section a handful of
 * vmsds: a span with more children than this is a flood. The extra ones are followed (events
 * still find their vmsd) but left out of the model.
 */
export const MAX_CHILDREN = 4096;

/** Longest vmsd name tried when splitting `parent/parent/sub` with no open vmsd to go by. */
const MAX_NAME_LENGTH = 1024;

const STARTFULL = /^(\d+)\(([^]*)\) (\d+) (-?\d+)$/;
const SAVE_SECTION = /^([^]*), section_id (\d+)$/;
const SAVE_SECTION_END = /^([^]*), section_id (\d+) -> (-?\d+)$/;
const LOAD_STATE = /^([^]*) v(-?\d+)$/;
const N_ELEMS = /^([^]*): (-?\d+)$/;
const STATUS_RET = /^([^]*)\/(-?\d+)$/;
const SAVE_LOOP = /^([^]*)\[(-?\d+)\]$/;
const FIELD_EXISTS = / exists=\d+$/;
const FIELD_ERROR = /^field "([^]*)" load failed, ret = (-?\d+)$/;

export interface SpanResult {
  readonly side: TraceSide;
  readonly migration: MigrationSpan;
  readonly sections: readonly SectionSpan[];
  readonly skipped: readonly { readonly idstr: string; readonly sectionId: number; readonly line: number }[];
  readonly downtime: readonly DowntimeEntry[];
  readonly messages: readonly TraceMessage[];
  readonly failure: TraceFailure | undefined;
}

export class SpanBuilder {
  private readonly sections: SectionNode[] = [];
  private readonly byId = new Map<string, SectionNode>();
  /** Sections by idstr: the latest of each instance, and those with no instance yet (oldest first). */
  private readonly byIdstr = new Map<string, { byInstance: Map<number, SectionNode>; unassigned: SectionNode[] }>();
  private tooDeep: { count: number; firstLine: number } | undefined;
  private tooMany: { count: number; firstLine: number } | undefined;
  private tooManyDowntime: { count: number; firstLine: number } | undefined;
  private tooManyChildren: { count: number; firstLine: number } | undefined;
  private current: SectionNode | undefined;
  /** The section touched last, current or not: downtime lines follow their section's end. */
  private recent: SectionNode | undefined;
  private pendingType: string | undefined;
  private readonly skipped: { idstr: string; sectionId: number; line: number }[] = [];
  private readonly downtime: DowntimeEntry[] = [];
  private readonly marks: TraceNote[] = [];
  private readonly messages: TraceMessage[] = [];
  private readonly errorTexts: string[] = [];
  private first: TraceEventLine | undefined;
  private last: TraceEventLine | undefined;
  private result: number | undefined;
  private saveEvents = 0;
  private loadEvents = 0;
  private messageFailure: FailureCapture | undefined;
  private traceFailure: FailureCapture | undefined;

  event(e: TraceEventLine): void {
    this.first ??= e;
    this.last = e;
    switch (e.name) {
      // ---- load side: sections
      case 'qemu_loadvm_state_section':
        this.loadEvents++;
        this.leaveSection();
        this.pendingType = e.args.trim();
        return;
      case 'qemu_loadvm_state_section_startfull':
        this.loadEvents++;
        return this.onStartFull(e);
      case 'qemu_loadvm_state_section_partend':
        this.loadEvents++;
        return this.onPartEnd(e);
      case 'loadvm_state_setup':
        this.loadEvents++;
        this.marks.push(note(e));
        if (this.current?.kind === 'configuration' && !this.current.failed) this.leaveSection();
        return;
      case 'qemu_loadvm_state_post_main':
        return this.onPostMain(e);
      case 'vmstate_load':
        this.loadEvents++;
        return this.onHandler(e);
      // ---- load side: vmsds
      case 'vmstate_load_state':
        this.loadEvents++;
        return this.onLoadState(e);
      case 'vmstate_load_state_field':
        return this.onLoadField(e);
      case 'vmstate_n_elems':
        return this.onElems(e);
      case 'vmstate_subsection_load':
        return this.onSubsectionPhase(e, e.args, 'subsections', 'load');
      case 'vmstate_subsection_load_good':
        return this.onSubsectionPhase(e, e.args, 'done', 'load');
      case 'vmstate_subsection_load_bad':
        return this.onSubsectionBad(e);
      case 'vmstate_load_state_end':
        return this.onLoadEnd(e);
      case 'vmstate_load_state_success':
        return this.onLoadSuccess(e);
      case 'vmstate_load_state_fail':
        return this.onLoadFail(e);
      case 'vmstate_load_field_error':
        return this.onFieldError(e);
      // ---- save side
      case 'savevm_state_header':
        this.saveEvents++;
        this.marks.push(note(e));
        return;
      case 'savevm_state_setup':
        this.saveEvents++;
        this.marks.push(note(e));
        if (this.current?.kind === 'configuration' && !this.current.failed) this.leaveSection();
        return;
      case 'savevm_section_start':
        this.saveEvents++;
        return this.onSaveStart(e);
      case 'savevm_section_end':
        this.saveEvents++;
        return this.onSaveEnd(e);
      case 'savevm_section_skip':
        this.saveEvents++;
        return this.onSaveSkip(e);
      case 'vmstate_save':
        this.saveEvents++;
        return this.onHandler(e);
      case 'vmstate_save_state_top':
        this.saveEvents++;
        return this.onSaveTop(e);
      case 'vmstate_save_state_loop':
        return this.onSaveLoop(e);
      case 'vmstate_subsection_save_top':
        return this.onSubsectionPhase(e, e.args, 'subsections', 'save');
      case 'vmstate_subsection_save_loop':
        return this.onSubsectionSaveLoop(e);
      case 'vmstate_save_state_pre_save_res':
        return this.onPreSaveRes(e);
      case 'vmstate_save_state_pre_save_fail':
        return this.onPreSaveFail(e, e.args);
      // ---- both
      case 'vmstate_downtime_save':
      case 'vmstate_downtime_load':
        return this.onDowntime(e);
      default:
        if (isMark(e.name)) this.marks.push(note(e));
        return;
    }
  }

  message(m: MessageLine): void {
    this.messages.push({
      line: m.line,
      ...(m.timeUs !== undefined ? { at: m.timeUs } : {}),
      severity: m.severity,
      program: m.program,
      text: m.text,
    });
    if (m.severity !== 'error') return;
    this.errorTexts.push(m.text);
    if (this.messageFailure !== undefined) return;
    const section = this.current;
    this.messageFailure = {
      message: m,
      section,
      chain: section === undefined ? [] : openChain(section),
      event: section?.lastEvent ?? this.last,
    };
  }

  finish(timeBase: TimeBase): SpanResult {
    for (const s of this.sections) closeAll(s, s.dir === 'load' ? 'open' : undefined);
    const capture = this.messageFailure ?? this.traceFailure;
    if (capture !== undefined) {
      for (const n of capture.chain) n.ok = false;
      const innermost = capture.chain[capture.chain.length - 1];
      if (innermost !== undefined) innermost.failurePoint = true;
    }
    for (const s of this.sections) s.ok = s.ok && !s.failed;

    const conv = (x: Extent): { start: number; end: number; line: number; endLine: number } => ({
      start: timeBase === 'us' ? (x.startAt ?? x.line) : x.line,
      end: timeBase === 'us' ? (x.endAt ?? x.endLine) : x.endLine,
      line: x.line,
      endLine: x.endLine,
    });

    const spanOut = (n: SpanNode): InnerSpan => ({
      kind: n.kind,
      name: n.name,
      ...conv(n),
      ...(n.version !== undefined ? { version: n.version } : {}),
      ...(n.elems !== undefined ? { elems: n.elems } : {}),
      ...(n.status !== undefined ? { status: n.status } : {}),
      ...(n.ret !== undefined ? { ret: n.ret } : {}),
      ...(n.parentName !== undefined ? { parent: n.parentName } : {}),
      ok: n.ok,
      ...(n.failurePoint ? { failurePoint: true as const } : {}),
      children: n.children.map(spanOut),
    });

    const sections = this.sections.map(
      (s): SectionSpan => ({
        kind: s.kind,
        idstr: s.idstr,
        ...(s.instance !== undefined ? { instance: s.instance } : {}),
        ...(s.version !== undefined ? { version: s.version } : {}),
        ...(s.sectionId !== undefined ? { sectionId: s.sectionId } : {}),
        ...conv(s),
        ...(s.handler !== undefined ? { handler: s.handler } : {}),
        ok: s.ok,
        ...(s.failurePoint ? { failurePoint: true as const } : {}),
        parts: s.parts.map(
          (p): SectionPart => ({
            ...(p.type !== undefined ? { type: p.type } : {}),
            ...conv(p),
            ...(p.ret !== undefined ? { ret: p.ret } : {}),
          }),
        ),
        ...(s.downtime.length > 0 ? { downtime: s.downtime } : {}),
        ...(s.notes.length > 0 ? { notes: s.notes } : {}),
        children: s.children.map(spanOut),
      }),
    );

    const first = this.first;
    const last = this.last;
    const migration: MigrationSpan = {
      start: first === undefined ? 0 : timeBase === 'us' ? (first.timeUs ?? first.line) : first.line,
      end: last === undefined ? 0 : timeBase === 'us' ? (last.timeUs ?? last.line) : last.line,
      line: first?.line ?? 0,
      endLine: last?.line ?? 0,
      ...(this.result !== undefined ? { result: this.result } : {}),
      marks: this.marks,
    };

    return {
      side: this.saveEvents > this.loadEvents ? 'save' : this.loadEvents > 0 ? 'load' : 'unknown',
      migration,
      sections,
      skipped: this.skipped,
      downtime: this.downtime,
      messages: this.messages,
      failure: capture === undefined ? undefined : this.failureOut(capture),
    };
  }

  private failureOut(c: FailureCapture): TraceFailure {
    const s = c.section;
    const m = c.message;
    const line = m?.line ?? c.event?.line ?? 0;
    const at = m?.timeUs ?? c.event?.timeUs;
    return {
      ...(s !== undefined
        ? {
            section: {
              kind: s.kind,
              idstr: s.idstr,
              ...(s.instance !== undefined ? { instance: s.instance } : {}),
              ...(s.sectionId !== undefined ? { sectionId: s.sectionId } : {}),
            },
          }
        : {}),
      message: m !== undefined ? m.text : c.event !== undefined ? `${c.event.name} ${c.event.args}`.trim() : 'failed',
      source: m !== undefined ? 'message' : 'trace',
      line,
      ...(at !== undefined ? { at } : {}),
      ...(c.event !== undefined ? { event: note(c.event) } : {}),
      path: c.chain.map((n) => ('idstr' in n ? n.idstr : n.name)),
      messages: m !== undefined ? this.errorTexts : [],
    };
  }

  // ---------------------------------------------------------------- sections

  private openSection(
    e: TraceEventLine,
    dir: Direction,
    kind: 'section' | 'configuration',
    idstr: string,
    sectionId: number | undefined,
  ): SectionNode {
    const s: SectionNode = {
      seq: this.sections.length,
      kind,
      dir,
      idstr,
      instance: undefined,
      version: undefined,
      sectionId,
      handler: undefined,
      parts: [],
      downtime: [],
      notes: [],
      children: [],
      stack: [],
      failed: false,
      ok: true,
      failurePoint: false,
      lastEvent: undefined,
      startAt: e.timeUs,
      endAt: e.timeUs,
      line: e.line,
      endLine: e.line,
    };
    if (this.sections.length >= MAX_SECTIONS) {
      if (this.tooMany === undefined) this.tooMany = { count: 1, firstLine: e.line };
      else this.tooMany.count++;
      return s;
    }
    this.sections.push(s);
    if (sectionId !== undefined) this.byId.set(`${dir}:${sectionId}`, s);
    if (kind === 'section') {
      let index = this.byIdstr.get(idstr);
      if (index === undefined) this.byIdstr.set(idstr, (index = { byInstance: new Map(), unassigned: [] }));
      index.unassigned.push(s);
    }
    return s;
  }

  private enter(s: SectionNode, e: TraceEventLine, type: SectionPartType | undefined): void {
    if (this.current !== s) this.leaveSection();
    this.current = s;
    this.recent = s;
    s.parts.push({ type, ret: undefined, startAt: e.timeUs, endAt: e.timeUs, line: e.line, endLine: e.line });
    this.touch(e);
  }

  /** The next record starts: the current section is over for now (iterable ones come back). */
  private leaveSection(): void {
    const s = this.current;
    if (s === undefined) return;
    closeAll(s, s.dir === 'load' ? 'open' : undefined);
    this.current = undefined;
  }

  /** Extends the current section, its part and every open vmsd/field to this event. */
  private touch(e: TraceEventLine): void {
    const s = this.current;
    if (s === undefined) return;
    extend(s, e);
    const part = s.parts[s.parts.length - 1];
    if (part !== undefined) extend(part, e);
    for (const v of s.stack) {
      extend(v, e);
      if (v.field !== undefined) extend(v.field, e);
    }
    s.lastEvent = e;
    this.recent = s;
  }

  private markFailed(s: SectionNode, e: TraceEventLine, chain?: readonly (SpanNode | SectionNode)[]): void {
    s.failed = true;
    this.traceFailure ??= { message: undefined, section: s, chain: chain ?? openChain(s), event: e };
  }

  private onStartFull(e: TraceEventLine): void {
    const m = STARTFULL.exec(e.args);
    if (m === null) return;
    const id = Number(m[1]);
    const s = this.openSection(e, 'load', 'section', m[2] ?? '', id);
    this.assignInstance(s, Number(m[3]));
    s.version = Number(m[4]);
    this.enter(s, e, this.takePartType());
  }

  private onPartEnd(e: TraceEventLine): void {
    const id = Number(e.args.trim());
    if (!Number.isFinite(id)) return;
    // A PART/END whose START is not in the log (log cut at the top): keep it, name unknown.
    const s = this.byId.get(`load:${id}`) ?? this.openSection(e, 'load', 'section', `#${id}`, id);
    this.enter(s, e, this.takePartType());
  }

  private takePartType(): SectionPartType | undefined {
    const t = this.pendingType === undefined ? undefined : LOAD_PART_TYPES[this.pendingType];
    this.pendingType = undefined;
    return t;
  }

  private onPostMain(e: TraceEventLine): void {
    this.loadEvents++;
    this.marks.push(note(e));
    const ret = Number(e.args.trim());
    this.result = ret;
    const s = this.current;
    if (ret === 0 || s === undefined) {
      this.leaveSection();
      return;
    }
    // The main loop gave up inside this section: it stays current for the error lines that follow.
    this.touch(e);
    this.markFailed(s, e);
  }

  private onHandler(e: TraceEventLine): void {
    const s = this.current;
    if (s === undefined) return;
    const comma = e.args.indexOf(', ');
    if (comma >= 0) s.handler = e.args.slice(comma + 2);
    this.touch(e);
  }

  private onSaveStart(e: TraceEventLine): void {
    const m = SAVE_SECTION.exec(e.args);
    if (m === null) return;
    const id = Number(m[2]);
    const s = this.byId.get(`save:${id}`) ?? this.openSection(e, 'save', 'section', m[1] ?? '', id);
    this.enter(s, e, undefined);
  }

  private onSaveEnd(e: TraceEventLine): void {
    const m = SAVE_SECTION_END.exec(e.args);
    const s = this.current;
    if (m === null || s === undefined || s.sectionId !== Number(m[2])) return;
    this.touch(e);
    const ret = Number(m[3]);
    const part = s.parts[s.parts.length - 1];
    if (part !== undefined) part.ret = ret;
    closeAll(s, undefined);
    if (ret < 0) {
      s.notes.push(note(e));
      this.markFailed(s, e);
      return;
    }
    this.current = undefined;
  }

  private onSaveSkip(e: TraceEventLine): void {
    const m = SAVE_SECTION.exec(e.args);
    if (m !== null) this.skipped.push({ idstr: m[1] ?? '', sectionId: Number(m[2]), line: e.line });
  }

  private onDowntime(e: TraceEventLine): void {
    const f = e.fields;
    if (f === undefined) return;
    const idstr = f['idstr'] ?? '';
    const entry: DowntimeEntry = {
      type: f['type'] ?? '',
      idstr,
      instance: Number(f['instance_id'] ?? 0),
      us: Number(f['downtime'] ?? 0),
      line: e.line,
    };
    // One line per section per side in a real log: past MAX_SECTIONS they are counted, not kept.
    if (this.downtime.length >= MAX_SECTIONS) {
      if (this.tooManyDowntime === undefined) this.tooManyDowntime = { count: 1, firstLine: e.line };
      else this.tooManyDowntime.count++;
      return;
    }
    this.downtime.push(entry);
    const s = this.sectionFor(idstr, entry.instance);
    if (s === undefined) return;
    if (s.instance === undefined) this.assignInstance(s, entry.instance);
    s.downtime.push(entry);
    if (s === this.current) this.touch(e);
  }

  /** The latest section of `idstr` that is this instance or has none yet: two lookups, not a search. */
  private sectionFor(idstr: string, instance: number): SectionNode | undefined {
    const recent = this.recent;
    if (recent?.kind === 'section' && recent.idstr === idstr && (recent.instance === undefined || recent.instance === instance)) return recent;
    const index = this.byIdstr.get(idstr);
    if (index === undefined) return undefined;
    const same = index.byInstance.get(instance);
    const open = index.unassigned[index.unassigned.length - 1];
    if (same === undefined) return open;
    return open !== undefined && open.seq > same.seq ? open : same;
  }

  private assignInstance(s: SectionNode, instance: number): void {
    s.instance = instance;
    const index = s.kind === 'section' ? this.byIdstr.get(s.idstr) : undefined;
    if (index === undefined) return;
    // The section given an instance is the latest unassigned one (sectionFor only returns that).
    const at = index.unassigned.lastIndexOf(s);
    if (at >= 0) index.unassigned.splice(at, 1);
    const same = index.byInstance.get(instance);
    if (same === undefined || same.seq < s.seq) index.byInstance.set(instance, s);
  }

  /** The section a vmsd event belongs to; a vmsd outside any section is the configuration. */
  private sectionForVmsd(e: TraceEventLine, dir: Direction, name: string): SectionNode {
    if (this.current !== undefined) return this.current;
    const kind = name === 'configuration' ? 'configuration' : 'section';
    const s = this.openSection(e, dir, kind, name, undefined);
    this.enter(s, e, undefined);
    return s;
  }

  /** A span under `parent`, in the model unless the parent already has MAX_CHILDREN. */
  private newSpan(kind: InnerSpanKind, name: string, parent: SpanNode | SectionNode, e: TraceEventLine): SpanNode {
    const node = newSpan(kind, name, parent, e);
    if (parent.children.length < MAX_CHILDREN) parent.children.push(node);
    else if (this.tooManyChildren === undefined) this.tooManyChildren = { count: 1, firstLine: e.line };
    else this.tooManyChildren.count++;
    return node;
  }

  /** A vmsd past MAX_SPAN_DEPTH is counted, not opened; the section still extends to it. */
  private isTooDeep(s: SectionNode, e: TraceEventLine): boolean {
    if (s.stack.length < MAX_SPAN_DEPTH) return false;
    if (this.tooDeep === undefined) this.tooDeep = { count: 1, firstLine: e.line };
    else this.tooDeep.count++;
    this.touch(e);
    return true;
  }

  /** Nesting and sections left out of the model (see MAX_SPAN_DEPTH, MAX_SECTIONS). */
  unread(): TraceUnread[] {
    const out: TraceUnread[] = [];
    if (this.tooDeep !== undefined) out.push({ what: 'deep-nesting', ...this.tooDeep, limit: MAX_SPAN_DEPTH });
    if (this.tooMany !== undefined) out.push({ what: 'many-sections', ...this.tooMany, limit: MAX_SECTIONS });
    if (this.tooManyDowntime !== undefined) out.push({ what: 'many-downtime-lines', ...this.tooManyDowntime, limit: MAX_SECTIONS });
    if (this.tooManyChildren !== undefined) out.push({ what: 'many-children', ...this.tooManyChildren, limit: MAX_CHILDREN });
    return out;
  }

  // ---------------------------------------------------------------- vmsds, load side

  private onLoadState(e: TraceEventLine): void {
    const m = LOAD_STATE.exec(e.args);
    if (m === null) return;
    const name = m[1] ?? '';
    const s = this.sectionForVmsd(e, 'load', name);
    if (this.isTooDeep(s, e)) return;
    const top = s.stack[s.stack.length - 1];
    let kind: InnerSpanKind = 'vmsd';
    let parent: SpanNode | SectionNode = s;
    if (top !== undefined) {
      if (top.phase === 'subsections' || (top.phase === 'done' && name.startsWith(`${top.name}/`))) {
        kind = 'subsection';
        parent = top;
      } else {
        parent = top.field ?? top;
      }
    }
    const node = this.newSpan(kind, name, parent, e);
    node.version = Number(m[2]);
    s.stack.push(node);
    this.touch(e);
  }

  private onLoadField(e: TraceEventLine): void {
    const s = this.current;
    if (s === undefined) return;
    const body = e.args.includes(' exists=') ? e.args.replace(FIELD_EXISTS, '') : e.args;
    const found = findByPrefix(s.stack, body, ':');
    if (found === undefined) return;
    const [index, field] = found;
    popAbove(s, index, 'open');
    const v = s.stack[index];
    if (v === undefined) return;
    v.field = this.newSpan('field', field, v, e);
    this.touch(e);
  }

  private onElems(e: TraceEventLine): void {
    const s = this.current;
    if (s === undefined || s.dir !== 'load') return;
    const m = N_ELEMS.exec(e.args);
    const top = s.stack[s.stack.length - 1];
    if (m === null || top?.field === undefined || top.field.name !== m[1]) return;
    top.field.elems = Number(m[2]);
    this.touch(e);
  }

  private onSubsectionPhase(e: TraceEventLine, name: string, phase: 'subsections' | 'done', dir: Direction): void {
    const s = this.current;
    if (s === undefined) return;
    const index = findExact(s.stack, name);
    if (index === undefined) return;
    popAbove(s, index, dir === 'load' ? 'open' : undefined);
    const v = s.stack[index];
    if (v === undefined) return;
    v.field = undefined;
    v.phase = phase;
    this.touch(e);
  }

  private onSubsectionBad(e: TraceEventLine): void {
    const s = this.current;
    if (s === undefined) return;
    s.notes.push(note(e));
    const colon = e.args.indexOf(': ');
    const name = colon >= 0 ? e.args.slice(0, colon) : e.args;
    const index = findExact(s.stack, name);
    if (index !== undefined) popAbove(s, index, 'open');
    const v = index === undefined ? undefined : s.stack[index];
    if (v !== undefined) {
      v.field = undefined;
      v.phase = 'done';
    }
    this.touch(e);
  }

  private onLoadEnd(e: TraceEventLine): void {
    const s = this.current;
    if (s === undefined) return;
    const found = findByPrefix(s.stack, e.args, ' ');
    if (found === undefined) return;
    const [index, rest] = found;
    const m = STATUS_RET.exec(rest);
    const status = m?.[1] ?? rest;
    const ret = m === null ? undefined : Number(m[2]);
    const ok = status === 'end' && ret === 0;
    if (!ok) s.notes.push(note(e));
    this.closeVmsd(s, index, e, { status, ret, ok });
  }

  private onLoadSuccess(e: TraceEventLine): void {
    const s = this.current;
    if (s === undefined) return;
    const index = findExact(s.stack, e.args);
    if (index !== undefined) this.closeVmsd(s, index, e, { status: 'end', ret: undefined, ok: true });
  }

  private onLoadFail(e: TraceEventLine): void {
    const s = this.current;
    if (s === undefined) return;
    s.notes.push(note(e));
    const found = findByPrefix(s.stack, e.args, ' ');
    if (found === undefined) return;
    this.closeVmsd(s, found[0], e, { status: found[1], ret: undefined, ok: false });
  }

  private closeVmsd(
    s: SectionNode,
    index: number,
    e: TraceEventLine,
    how: { status: string; ret: number | undefined; ok: boolean },
  ): void {
    popAbove(s, index, 'open');
    const v = s.stack[index];
    if (v === undefined) return;
    v.field = undefined;
    this.touch(e);
    v.status = how.status;
    v.ret = how.ret;
    if (!how.ok) {
      v.ok = false;
      this.markFailed(s, e, chainTo(v));
    }
    s.stack.length = index;
  }

  private onFieldError(e: TraceEventLine): void {
    const s = this.current;
    if (s === undefined) return;
    s.notes.push(note(e));
    this.touch(e);
    const m = FIELD_ERROR.exec(e.args);
    const top = s.stack[s.stack.length - 1];
    const field = top?.field;
    if (m !== null && field !== undefined && field.name === m[1]) {
      field.ok = false;
      field.ret = Number(m[2]);
    }
    this.markFailed(s, e);
  }

  // ---------------------------------------------------------------- vmsds, save side

  private onSaveTop(e: TraceEventLine): void {
    const name = e.args;
    const s = this.sectionForVmsd(e, 'save', name);
    let kind: InnerSpanKind = 'vmsd';
    let parent: SpanNode | SectionNode = s;
    for (;;) {
      const top = s.stack[s.stack.length - 1];
      if (top === undefined) break;
      if (top.phase === 'fields') {
        parent = top.field ?? top;
        break;
      }
      if (top.pendingSub === name) {
        top.pendingSub = undefined;
        kind = 'subsection';
        parent = top;
        break;
      }
      // `top` finished its subsections without saying so: this vmsd is a sibling or an outer one's.
      top.field = undefined;
      s.stack.pop();
    }
    if (this.isTooDeep(s, e)) return;
    s.stack.push(this.newSpan(kind, name, parent, e));
    this.touch(e);
  }

  private onSaveLoop(e: TraceEventLine): void {
    const s = this.current;
    if (s === undefined) return;
    const m = SAVE_LOOP.exec(e.args);
    if (m === null) return;
    const found = findByPrefix(s.stack, m[1] ?? '', '/');
    if (found === undefined) return;
    const [index, fieldName] = found;
    popAbove(s, index, undefined);
    const v = s.stack[index];
    if (v === undefined) return;
    v.field = this.newSpan('field', fieldName, v, e);
    v.field.elems = Number(m[2]);
    this.touch(e);
  }

  private onSubsectionSaveLoop(e: TraceEventLine): void {
    const s = this.current;
    if (s === undefined) return;
    const [parentName, sub] = splitSubsectionLoop(s.stack, e.args);
    const index = findExact(s.stack, parentName);
    const v = index === undefined ? undefined : s.stack[index];
    if (index === undefined || v === undefined) {
      // vmstate_save_state_top is switched off (the virtio fixtures): keep a zero-length marker.
      const node = this.newSpan('subsection', sub, s, e);
      node.parentName = parentName;
      this.touch(e);
      return;
    }
    popAbove(s, index, undefined);
    v.field = undefined;
    v.phase = 'subsections';
    v.pendingSub = sub;
    this.touch(e);
  }

  private onPreSaveRes(e: TraceEventLine): void {
    const m = STATUS_RET.exec(e.args);
    if (m === null) return;
    const ret = Number(m[2]);
    if (ret !== 0) this.onPreSaveFail(e, m[1] ?? '', ret);
    else this.touch(e);
  }

  private onPreSaveFail(e: TraceEventLine, name: string, ret?: number): void {
    const s = this.current;
    if (s === undefined) return;
    s.notes.push(note(e));
    this.touch(e);
    const index = findExact(s.stack, name);
    const v = index === undefined ? undefined : s.stack[index];
    if (v !== undefined) {
      v.ok = false;
      v.status = 'pre-save';
      v.ret = ret;
    }
    this.markFailed(s, e);
  }
}

// ------------------------------------------------------------------ helpers

function newSpan(kind: InnerSpanKind, name: string, parent: SpanNode | SectionNode, e: TraceEventLine): SpanNode {
  const node: SpanNode = {
    kind,
    name,
    parentNode: parent,
    children: [],
    ok: true,
    failurePoint: false,
    version: undefined,
    elems: undefined,
    status: undefined,
    ret: undefined,
    parentName: undefined,
    phase: 'fields',
    field: undefined,
    pendingSub: undefined,
    startAt: e.timeUs,
    endAt: e.timeUs,
    line: e.line,
    endLine: e.line,
  };
  return node;
}

function extend(x: Extent, e: TraceEventLine): void {
  x.endLine = e.line;
  if (e.timeUs !== undefined) x.endAt = e.timeUs;
}

function note(e: TraceEventLine): TraceNote {
  return { name: e.name, args: e.args, line: e.line, ...(e.timeUs !== undefined ? { at: e.timeUs } : {}) };
}

/** Section, then each open vmsd and the field it is in: the path to the innermost open span. */
function openChain(s: SectionNode): (SpanNode | SectionNode)[] {
  const top = s.stack[s.stack.length - 1];
  const innermost = top?.field ?? top;
  return innermost === undefined ? [s] : chainTo(innermost);
}

/** From the section down to `node`. */
function chainTo(node: SpanNode): (SpanNode | SectionNode)[] {
  const chain: (SpanNode | SectionNode)[] = [];
  for (let n: SpanNode | SectionNode | undefined = node; n !== undefined; ) {
    chain.push(n);
    n = 'parentNode' in n ? n.parentNode : undefined;
  }
  return chain.reverse();
}

/**
 * Closes the vmsds above `index`. On the load side a vmsd without its end event did not finish
 * (`status: 'open'`); on the save side there are no end events, so that is the normal case.
 */
function popAbove(s: SectionNode, index: number, unclosedStatus: 'open' | undefined): void {
  while (s.stack.length > index + 1) {
    const v = s.stack.pop();
    if (v === undefined) break;
    v.field = undefined;
    if (unclosedStatus !== undefined && v.status === undefined) {
      v.status = unclosedStatus;
      v.ok = false;
    }
  }
}

function closeAll(s: SectionNode, unclosedStatus: 'open' | undefined): void {
  popAbove(s, -1, unclosedStatus);
}

function findExact(stack: readonly SpanNode[], name: string): number | undefined {
  for (let i = stack.length - 1; i >= 0; i--) if (stack[i]?.name === name) return i;
  return undefined;
}

/** The innermost open vmsd whose name, then `sep`, starts `text`; with the rest of `text`. */
function findByPrefix(stack: readonly SpanNode[], text: string, sep: string): [number, string] | undefined {
  for (let i = stack.length - 1; i >= 0; i--) {
    const name = stack[i]?.name;
    if (name !== undefined && text.startsWith(name) && text.startsWith(sep, name.length)) {
      return [i, text.slice(name.length + sep.length)];
    }
  }
  return undefined;
}

/** `cpu/cpu/poll_control_msr` → [`cpu`, `cpu/poll_control_msr`] (`%s/%s`, both may hold `/`). */
function splitSubsectionLoop(stack: readonly SpanNode[], args: string): [string, string] {
  const known = findByPrefix(stack, args, '/');
  if (known !== undefined) {
    const name = stack[known[0]]?.name ?? '';
    return [name, known[1]];
  }
  // Each try compares a prefix as long as `i`: bounded, so a line of slashes is not quadratic.
  for (let i = args.indexOf('/'); i >= 0 && i <= MAX_NAME_LENGTH; i = args.indexOf('/', i + 1)) {
    if (args.charCodeAt(2 * i + 1) !== 0x2f) continue;
    const parent = args.slice(0, i);
    if (args.startsWith(parent, i + 1)) return [parent, args.slice(i + 1)];
  }
  const slash = args.indexOf('/');
  return slash < 0 ? [args, ''] : [args.slice(0, slash), args.slice(slash + 1)];
}
