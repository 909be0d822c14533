/**
 * Whether two files of a set describe the same VM: a stream and a trace or log, or the two
 * logs of one migration. A timeline only lines a log up with another, and only takes a
 * section's bytes from a stream, when they do; otherwise the reasons are shown and the person
 * chooses. Compared: the machine type (when both say it), the device sections in order with
 * their instance ids, section ids and versions (when both say them), and how many there are
 * (one side may stop early only where it says it stopped: a failed load, a cut stream).
 *
 * Pure: facts in, a verdict with its reasons out. Tested on real streams and logs.
 */
import type { DecodeResult } from '../../format/index.ts';
import type { TraceModel } from '../../trace/index.ts';

/** One device section as a file says it; unknown parts are left out. */
export interface SectionFact {
  readonly idstr: string;
  readonly instance?: number;
  readonly sectionId?: number;
  readonly version?: number;
}

export interface VmFacts {
  /** `stream`, `save trace`, `load log`: how the reasons name this side. */
  readonly what: string;
  readonly machine?: string;
  readonly sections: readonly SectionFact[];
  /** It stops before its end (a failed load, a cut stream): fewer sections are no mismatch. */
  readonly stoppedEarly: boolean;
}

export interface Pairing {
  /** True: the same VM; false: not; undefined: nothing to compare. */
  readonly same: boolean | undefined;
  /** Plain sentences: why (or why it cannot be told). */
  readonly reasons: readonly string[];
  /** How many sections both name alike, in order. */
  readonly matched: number;
}

/** Reasons listed at most: the first differences say it. */
const MAX_REASONS = 3;

export function streamFacts(result: DecodeResult): VmFacts {
  const sections: SectionFact[] = result.sections
    .filter((s) => s.type === 'START' || s.type === 'FULL')
    .map((s) => ({ idstr: s.idstr, instance: s.instanceId, sectionId: s.sectionId, version: s.versionId }));
  // The section decoding stopped in may have no record, only its node (`FULL idstr`): it was in the stream.
  const open = result.root.children?.find((n) => n.kind === 'section' && n.end === undefined && !result.sections.some((s) => s.start === n.start));
  const m = open !== undefined ? /^(?:START|FULL) (.*)$/.exec(open.name) : null;
  if (m !== null && m[1] !== undefined) sections.push({ idstr: m[1], ...(typeof open?.value === 'number' ? { sectionId: open.value } : {}) });
  return {
    what: 'stream',
    ...(result.configuration?.machineType !== undefined ? { machine: result.configuration.machineType } : {}),
    sections,
    stoppedEarly: result.error !== undefined,
  };
}

/** QEMU's message when the stream's machine type is not the destination's (savevm.c). */
const RECEIVED_MACHINE = /Machine type received is '([^']{1,200})' and local is '/;

/**
 * A trace log's sections. Save traces before 11.1 do not print instance ids; the n-th section
 * of an idstr is then not compared by instance (the timeline infers it, but that is a guess).
 *
 * The machine type: the one `machine` names for a source's log (its -machine is the stream's);
 * for a destination's, only the one its error says it received, since its own -machine may be
 * exactly what differs from the stream's (a log of that very stream's failed load).
 */
export function traceFacts(model: TraceModel, machine: string | undefined, role: 'save' | 'load' | undefined = undefined): VmFacts {
  // The workspace's role for the file (from its detection) wins: a log of error lines alone has no side of its own.
  const side = role ?? model.side;
  if (side !== 'save') {
    const received = model.messages.map((m) => RECEIVED_MACHINE.exec(m.text)?.[1]).find((x) => x !== undefined);
    machine = received;
  }
  const sections: SectionFact[] = model.sections
    .filter((s) => s.kind === 'section')
    .map((s) => ({
      idstr: s.idstr,
      ...(s.instance !== undefined ? { instance: s.instance } : {}),
      ...(s.sectionId !== undefined ? { sectionId: s.sectionId } : {}),
      ...(s.version !== undefined ? { version: s.version } : {}),
    }));
  const failed = model.failure !== undefined || (model.migration.result !== undefined && model.migration.result < 0);
  return {
    what: side === 'save' ? 'save trace' : side === 'load' ? 'load log' : 'log',
    ...(machine !== undefined ? { machine } : {}),
    sections,
    stoppedEarly: failed,
  };
}

export function compareVms(a: VmFacts, b: VmFacts): Pairing {
  const reasons: string[] = [];
  let different = false;
  if (a.machine !== undefined && b.machine !== undefined && a.machine !== b.machine) {
    different = true;
    reasons.push(`machine type: the ${a.what} is ${a.machine}, the ${b.what} ${b.machine}`);
  }

  const n = Math.min(a.sections.length, b.sections.length);
  let matched = 0;
  for (let i = 0; i < n; i++) {
    const x = a.sections[i] as SectionFact;
    const y = b.sections[i] as SectionFact;
    const diff = sectionDifference(x, y, `the ${a.what}`, `the ${b.what}`);
    if (diff !== undefined) {
      different = true;
      reasons.push(`section ${i + 1}: ${diff}`);
      break;
    }
    matched++;
  }

  if (!different && a.sections.length !== b.sections.length) {
    const [short, long] = a.sections.length < b.sections.length ? [a, b] : [b, a];
    if (!short.stoppedEarly) {
      different = true;
      const extra = long.sections.slice(short.sections.length, short.sections.length + 3).map((s) => sectionName(s));
      reasons.push(
        `sections: the ${long.what} has ${long.sections.length}, the ${short.what} ${short.sections.length} and does not stop early (${long.what} goes on with ${extra.join(', ')}${long.sections.length - short.sections.length > 3 ? ', …' : ''})`,
      );
    }
  }

  if (different) return { same: false, reasons: reasons.slice(0, MAX_REASONS), matched };
  if (matched === 0) {
    return {
      same: undefined,
      reasons: [`no device section to compare: the ${a.sections.length === 0 ? a.what : b.what} names none${a.machine === undefined || b.machine === undefined ? ', and not both name a machine type' : ''}`],
      matched,
    };
  }
  const said: string[] = [`the same ${matched} device section${matched === 1 ? '' : 's'} in the same order`];
  if (a.machine !== undefined && b.machine !== undefined) said.unshift(`machine type ${a.machine}`);
  const both = (k: keyof SectionFact): boolean => a.sections.slice(0, n).some((s, i) => s[k] !== undefined && b.sections[i]?.[k] !== undefined);
  const checked = [both('instance') ? 'instance ids' : undefined, both('sectionId') ? 'section ids' : undefined, both('version') ? 'versions' : undefined].filter((x) => x !== undefined);
  if (checked.length > 0) said.push(`with the same ${checked.join(', ')}`);
  if (a.sections.length !== b.sections.length) {
    const short = a.sections.length < b.sections.length ? a : b;
    said.push(`the ${short.what} stops after ${short.sections.length}`);
  }
  return { same: true, reasons: [said.join(', ')], matched };
}

function sectionName(s: SectionFact): string {
  return s.instance !== undefined ? `${s.idstr}#${s.instance}` : s.idstr;
}

/** How two sections at the same place differ, or undefined. */
function sectionDifference(x: SectionFact, y: SectionFact, a: string, b: string): string | undefined {
  if (x.idstr !== y.idstr) return `${a} has ${x.idstr}, ${b} ${y.idstr}`;
  if (x.instance !== undefined && y.instance !== undefined && x.instance !== y.instance) return `${x.idstr} is instance ${x.instance} in ${a}, ${y.instance} in ${b}`;
  if (x.sectionId !== undefined && y.sectionId !== undefined && x.sectionId !== y.sectionId) return `${x.idstr} has section id ${x.sectionId} in ${a}, ${y.sectionId} in ${b}`;
  if (x.version !== undefined && y.version !== undefined && x.version !== y.version) return `${x.idstr} is version ${x.version} in ${a}, ${y.version} in ${b}`;
  return undefined;
}
