/**
 * The parsed form of one trace log: plain JSON-ready data. Every span keeps the log line where
 * it starts and the line of the last event that belongs to it, so a view can link back.
 */

/** The prefix style of the trace lines (not of the error lines, which always use ISO times). */
export type TraceFormat = 'pid-epoch' | 'iso' | 'iso-tid' | 'bare' | 'mixed' | 'none';

export type TraceSide = 'save' | 'load' | 'unknown';

/**
 * What `start` / `end` of every span count: microseconds since the Unix epoch when every trace
 * line carries a time, otherwise 1-based line numbers (bare `event args` logs).
 */
export type TimeBase = 'us' | 'line';

interface Extent {
  readonly start: number;
  readonly end: number;
  /** 1-based line of the first event of the span. */
  readonly line: number;
  /** 1-based line of the last event that belongs to the span. */
  readonly endLine: number;
}

export type InnerSpanKind = 'vmsd' | 'subsection' | 'field';

/** A vmsd being saved/loaded, one of its subsections, or one of its fields. */
export interface InnerSpan extends Extent {
  readonly kind: InnerSpanKind;
  /** vmsd name (`cpu`, `cpu/poll_control_msr`) or field name (`env.regs`). */
  readonly name: string;
  /** Load side: the version the vmsd is loaded at (`vmstate_load_state cpu v12`). */
  readonly version?: number;
  /** Fields: element count (`vmstate_n_elems` on load, `[n]` of `vmstate_save_state_loop`). */
  readonly elems?: number;
  /** How a vmsd ended: `end`, `too new`, `too old` (<= 10.0), `post-load` (11.1 fail reason), `open`. */
  readonly status?: string;
  /** Return value from `vmstate_load_state_end`, `vmstate_load_field_error`, pre_save. */
  readonly ret?: number;
  /** Subsections whose parent vmsd was not traced (per-element events off): the parent's name. */
  readonly parent?: string;
  readonly ok: boolean;
  /** The innermost span that was open when the first error line was printed. */
  readonly failurePoint?: true;
  readonly children: readonly InnerSpan[];
}

export type SectionPartType = 'start' | 'part' | 'end' | 'full';

/** One record of a section in the stream: iterable sections (ram) have several. */
export interface SectionPart extends Extent {
  /** Load side only (from `qemu_loadvm_state_section <type>`); the save trace does not say. */
  readonly type?: SectionPartType;
  /** Save side: the `-> ret` of `savevm_section_end`. */
  readonly ret?: number;
}

export interface DowntimeEntry {
  /** `iterable` or `non-iterable`. */
  readonly type: string;
  readonly idstr: string;
  readonly instance: number;
  readonly us: number;
  readonly line: number;
}

/** A noteworthy event without a span of its own (checkpoints, commands, subsection probes). */
export interface TraceNote {
  readonly name: string;
  readonly args: string;
  readonly line: number;
  readonly at?: number;
}

export interface SectionSpan extends Extent {
  /** `configuration` is the header record loaded/saved before any numbered section. */
  readonly kind: 'section' | 'configuration';
  readonly idstr: string;
  /** Load side: from the section header; save side: only from 11.1's `vmstate_downtime_save`. */
  readonly instance?: number;
  /** Load side only: the section version from the stream header. */
  readonly version?: number;
  readonly sectionId?: number;
  /** vmsd name from `vmstate_load`/`vmstate_save` (`(old)` = legacy save/load handlers). */
  readonly handler?: string;
  readonly ok: boolean;
  readonly failurePoint?: true;
  readonly parts: readonly SectionPart[];
  /** 10.0+: `vmstate_downtime_save` / `vmstate_downtime_load` entries for this section. */
  readonly downtime?: readonly DowntimeEntry[];
  /** `vmstate_subsection_load_bad`, `vmstate_load_field_error`, `vmstate_load_state_fail` lines. */
  readonly notes?: readonly TraceNote[];
  readonly children: readonly InnerSpan[];
}

export interface MigrationSpan extends Extent {
  /** Load side: `qemu_loadvm_state_post_main` (0 ok, -2 ENOENT, -22 EINVAL, -5 EIO). */
  readonly result?: number;
  /** Phase events: state header/setup/cleanup, commands, downtime checkpoints. */
  readonly marks: readonly TraceNote[];
}

export interface TraceMessage {
  readonly line: number;
  readonly at?: number;
  readonly severity: 'error' | 'warning' | 'info';
  readonly program: string;
  readonly text: string;
}

export interface TraceFailure {
  /** The section being saved/loaded when the first error line was printed. */
  readonly section?: {
    readonly kind: 'section' | 'configuration';
    readonly idstr: string;
    readonly instance?: number;
    readonly sectionId?: number;
  };
  /** Text of the first error line (after `<program>: `); a description when only the trace shows it. */
  readonly message: string;
  /** `message`: an error line; `trace`: no error line, but the trace reports a failed section/result. */
  readonly source: 'message' | 'trace';
  readonly line: number;
  readonly at?: number;
  /** The last trace event of the failing section before the error (else the last event before it). */
  readonly event?: TraceNote;
  /** Names from the section down to the failure point, e.g. `[e1000 idstr, e1000, e1000/full_mac_state, mac_reg]`. */
  readonly path: readonly string[];
  /** Every error line from the first one on (<= 10.1 print one line per layer). */
  readonly messages: readonly string[];
}

export interface TraceModel {
  readonly format: TraceFormat;
  readonly side: TraceSide;
  /** Number of trace event lines. */
  readonly events: number;
  readonly timeBase: TimeBase;
  readonly migration: MigrationSpan;
  /** In the order they first appear in the log (= stream order). */
  readonly sections: readonly SectionSpan[];
  /** Save side: `savevm_section_skip` (the section's `needed` was false: not in the stream). */
  readonly skipped: readonly { readonly idstr: string; readonly sectionId: number; readonly line: number }[];
  /** All downtime entries, including ones without a section in the stream (`dirty-bitmap`). */
  readonly downtime: readonly DowntimeEntry[];
  readonly messages: readonly TraceMessage[];
  readonly failure?: TraceFailure;
  /** Input beyond anything QEMU writes, left unread so a hostile or damaged log stays linear. */
  readonly unread?: readonly TraceUnread[];
}

/**
 * Lines longer than `limit` characters (no QEMU trace or error line comes near), vmsds opened
 * deeper than `limit` (QEMU nests a handful), sections and downtime lines past the `limit`-th
 * (a VM has a few hundred), or spans inside one span past the `limit`-th: counted, with the
 * first line, and left out of the model.
 */
export interface TraceUnread {
  readonly what: 'long-lines' | 'deep-nesting' | 'many-sections' | 'many-downtime-lines' | 'many-children';
  readonly count: number;
  readonly firstLine: number;
  readonly limit: number;
}
