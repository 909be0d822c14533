/**
 * Decodes a device's body with a `-dump-vmstate` manifest as its schema, when the stream has no
 * vmdesc for it (suppress-vmdesc, a cut trailer). QEMU writes the fields of the vmsd in order,
 * each present field `count x size` bytes, nested structs recursively, then the subsections it
 * needs as `0x05 name be32-version body` (vmstate_save_state_v, vmstate_subsection_save).
 *
 * The manifest fixes most of that layout, but not all of it (schema.ts): whether a field with a
 * test function was written, the count of an array the manifest prints no `num` for (every
 * array before QEMU 10.x, variable arrays in every version), the length of a field with no
 * size. Those are choices, and the body's own bytes decide between them: the body ends at its
 * footer (found by scanning, as for any section without a vmdesc) and every subsection starts
 * with its marker and name, which the loader matches the same way (vmstate_subsection_load).
 *
 * So the body is searched for the layouts that read it exactly to its end: first with every
 * count the manifest does not give taken as one element, then allowing one such count to be
 * otherwise. A layout is used only when it is the one layout at its level; the decisions it took
 * are written into the nodes' notes. Several layouts, none, or too many to try leave the device
 * opaque with the reason. Values are read as unsigned big-endian integers (sizes 1, 2, 4, 8) or
 * byte ranges: a manifest has no field types.
 */
import type { DecodedNode, NodeValue } from '../model.ts';
import { QEMU_VM_SUBSECTION } from '../stream/constants.ts';
import type { SchemaField, SchemaVmsd } from './schema.ts';

/** Layout steps tried per device before giving up (the real devices need at most a few thousand). */
export const MANIFEST_MAX_STEPS = 200_000;
/** Layouts with a count not from the manifest collected before choosing among them. */
const MAX_SOLUTIONS = 16;

export interface ManifestBodyInput {
  /** Exactly the body: from after the section header to the footer. */
  readonly bytes: Uint8Array;
  /** Absolute offset of bytes[0]. */
  readonly base: number;
  readonly vmsd: SchemaVmsd;
  /** The version in the section header: fields newer than it are not on the wire. */
  readonly version: number;
  /** The section node's path; children extend it. */
  readonly path: readonly string[];
  /**
   * Whether a count the manifest does not give may be inferred. Only for manifests that print
   * `num` (QEMU 10.x and later), where such a field is one element or a variable array: in an
   * older manifest every array lacks its count, and one inferred count would fit a device with
   * two arrays wrongly (kvm-tpr-opt's `unused` read as 8 elements to make up for `get_tpr`).
   */
  readonly inferCounts: boolean;
  readonly maxSteps?: number;
}

export type ManifestBodyResult =
  | {
      readonly ok: true;
      readonly children: DecodedNode[];
      /** Decisions the manifest did not give, in words (tested fields, counts), for the note. */
      readonly inferred: readonly string[];
      /** Where the bytes disagree with the manifest's build (a subsection version it lacks...). */
      readonly disagreements: readonly string[];
      /** Fields whose length the manifest does not give, read as the bytes up to what follows. */
      readonly unsized: readonly string[];
    }
  | { readonly ok: false; readonly reason: string };

interface Option {
  readonly value: number;
  readonly cost: number;
}

type Next = (pos: number, budget: number) => boolean;

class StepLimit extends Error {}

/** Builds nodes while a chosen layout is replayed (search runs emit nothing). */
class Sink {
  private readonly stack: DecodedNode[][];
  readonly inferred: string[] = [];
  /** The counts other than one this layout took, with a value read before them that equals it. */
  readonly deviations: { readonly count: number; readonly evidence: string | undefined }[] = [];
  readonly disagreements: string[] = [];
  readonly unsized: string[] = [];

  constructor(readonly root: DecodedNode[]) {
    this.stack = [root];
  }

  private get top(): DecodedNode[] {
    return this.stack[this.stack.length - 1] as DecodedNode[];
  }

  /** The nodes read so far in the innermost open vmsd (struct, subsection or the body). */
  get siblings(): readonly DecodedNode[] {
    return this.top;
  }

  leaf(node: DecodedNode): void {
    this.top.push(node);
  }

  open(node: DecodedNode): void {
    this.top.push(node);
    this.stack.push(node.children as DecodedNode[]);
  }

  close(end: number): void {
    this.stack.pop();
    const parent = this.top;
    const node = parent[parent.length - 1] as DecodedNode;
    node.end = end;
  }
}

class Walk {
  steps = 0;
  /** Offsets (ascending) where a subsection header of this device's vmsds starts. */
  readonly headers: readonly number[];
  readonly trail: number[] = [];
  /** Why a branch stopped other than by running past the end (for the failure reason). */
  blocked: string | undefined;
  replay: readonly number[] | undefined;
  replayAt = 0;
  /** How far from one the count that differs may be, in this search. */
  maxDeviation = 0;
  sink: Sink | undefined;

  constructor(
    readonly b: Uint8Array,
    readonly base: number,
    readonly maxSteps: number,
    vmsd: SchemaVmsd,
  ) {
    this.headers = headerOffsets(b, vmsd);
  }

  /**
   * Whether the bytes [from, to) hold no subsection header of this device: in the true layout
   * every such header is one (a field's data holding the marker, the length and a whole
   * subsection name is not a case worth a layout), so a layout that reads one as data is wrong.
   */
  clean(from: number, to: number): boolean {
    const h = this.headers;
    let lo = 0;
    let hi = h.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((h[mid] as number) < from) lo = mid + 1;
      else hi = mid;
    }
    return lo === h.length || (h[lo] as number) >= to;
  }

  step(): void {
    if (++this.steps > this.maxSteps) throw new StepLimit();
  }

  /** A choice point: every option in turn when searching, the recorded one when replaying. */
  choose(options: readonly Option[], budget: number, go: (value: number, budget: number) => boolean): boolean {
    if (this.replay !== undefined) {
      const value = this.replay[this.replayAt++] as number;
      const cost = options.find((o) => o.value === value)?.cost ?? 0;
      return go(value, budget - cost);
    }
    for (const o of options) {
      if (o.cost > budget) continue;
      this.trail.push(o.value);
      if (go(o.value, budget - o.cost)) return true;
      this.trail.pop();
    }
    return false;
  }
}

export function decodeManifestBody(input: ManifestBodyInput): ManifestBodyResult {
  const end = input.bytes.length;
  const w = new Walk(input.bytes, input.base, input.maxSteps ?? MANIFEST_MAX_STEPS, input.vmsd);
  // A layout is replayed with the budget it was found with: the walk takes the same turns.
  const replay = (trail: readonly number[], budget: number): Sink => {
    const sink = new Sink([]);
    w.replay = trail;
    w.replayAt = 0;
    w.sink = sink;
    walkVmsd(w, input.vmsd, input.version, input.path, 0, budget, true, ZERO, (pos) => pos === end);
    w.replay = undefined;
    w.sink = undefined;
    return sink;
  };
  try {
    // Every count the manifest does not give is one element: the only choices left are fields a
    // test function decides, and two layouts that both fit are a real ambiguity.
    const exact = search(w, input, 0, 2);
    if (exact.length > 1) return { ok: false, reason: `the manifest's fields fit the ${end} bytes in more than one way (${describeFork(exact)}), so none is shown` };
    if (exact.length === 1) return done(replay(exact[0] as number[], 0), []);
    if (!input.inferCounts) {
      return {
        ok: false,
        reason: w.blocked ?? `the manifest prints no array counts (QEMU 9.x and older), and with every field one element its fields do not end at the footer, ${end} bytes after the header`,
      };
    }
    // One count otherwise (a variable array, or any array of a manifest without `num`), searched
    // nearest to one first: the counts within 1, 2, 4, ... of one. A count far from one that
    // fits is most often a field read past the data it stands for (nothing but the footer and
    // the subsection headers constrains where data ends), so the nearest layout is the one shown.
    for (let d = 1; d <= end + 1; d *= 2) {
      w.maxDeviation = d;
      const found = search(w, input, 1, MAX_SOLUTIONS);
      if (found.length === 0) continue;
      if (found.length === 1) return done(replay(found[0] as number[], 1), []);
      if (found.length >= MAX_SOLUTIONS) return { ok: false, reason: `${MAX_SOLUTIONS} or more layouts of the manifest's fields fit the ${end} bytes, so none is shown` };
      return choose(found.map((trail) => replay(trail, 1)), found, end);
    }
    return { ok: false, reason: w.blocked ?? `no layout of the manifest's fields ends at the footer, ${end} bytes after the header` };
  } catch (e) {
    if (e instanceof StepLimit) return { ok: false, reason: `more than ${w.maxSteps} layouts of the manifest's fields would have to be tried` };
    if (e instanceof RangeError) return { ok: false, reason: 'the manifest nests too deeply to try its layouts' };
    throw e;
  }
}

/**
 * Several layouts with one inferred count fit: the count nearest one, then, between equals, the
 * one whose count is a value read before it in the same struct (QEMU takes a variable array's
 * count from a field of the same struct, num_offset).
 */
function choose(sinks: readonly Sink[], trails: readonly (readonly number[])[], end: number): ManifestBodyResult {
  const distance = (k: Sink): number => Math.max(0, ...k.deviations.map((d) => Math.abs(d.count - 1)));
  const nearest = Math.min(...sinks.map(distance));
  let pool = sinks.filter((k) => distance(k) === nearest);
  let rule = 'its count is the nearest to one';
  if (pool.length > 1) {
    const withEvidence = pool.filter((k) => k.deviations.every((d) => d.evidence !== undefined));
    if (withEvidence.length > 0) {
      pool = withEvidence;
      rule = "its count is the nearest to one and equals a value read before it in the same struct, as QEMU takes a variable array's count from a field";
    }
  }
  if (pool.length !== 1) return { ok: false, reason: `${sinks.length} layouts of the manifest's fields fit the ${end} bytes and none is nearer than the others (${describeFork(trails)}), so none is shown` };
  return done(pool[0] as Sink, [`${sinks.length} layouts fit the bytes; this one is shown because ${rule}`]);
}

function search(w: Walk, input: ManifestBodyInput, budget: number, enough: number): number[][] {
  const end = input.bytes.length;
  const solutions: number[][] = [];
  w.trail.length = 0;
  walkVmsd(w, input.vmsd, input.version, input.path, 0, budget, true, ZERO, (pos) => {
    if (pos !== end) return false;
    solutions.push([...w.trail]);
    return solutions.length >= enough;
  });
  return solutions;
}

function done(sink: Sink, more: readonly string[]): ManifestBodyResult {
  return { ok: true, children: sink.root, inferred: [...sink.inferred, ...more], disagreements: sink.disagreements, unsized: sink.unsized };
}

function describeFork(solutions: readonly (readonly number[])[]): string {
  const [a = [], b = []] = solutions;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return `choice ${i + 1} can be ${a[i] ?? '-'} or ${b[i] ?? '-'}`;
}

/**
 * How many bytes a stretch of the layout can take when every count is the manifest's (or one):
 * from nothing written by a test function or needed subsection, to all of them. Used to cut off
 * branches that cannot end at the footer; a field with no size makes the most unbounded.
 */
interface Range {
  readonly min: number;
  readonly max: number;
}

const ZERO: Range = { min: 0, max: 0 };
const add = (a: Range, b: Range): Range => ({ min: a.min + b.min, max: a.max + b.max });
const times = (r: Range, n: number): Range => (n === 0 ? ZERO : { min: r.min * n, max: r.max * n });

const rangeMemo = new WeakMap<SchemaVmsd, Map<number, Range>>();

function vmsdRange(vmsd: SchemaVmsd, version: number): Range {
  let byVersion = rangeMemo.get(vmsd);
  const known = byVersion?.get(version);
  if (known !== undefined) return known;
  let r = subsectionsRange(vmsd, 0);
  for (const f of vmsd.fields ?? []) r = add(r, fieldRange(f, version));
  if (byVersion === undefined) {
    byVersion = new Map();
    rangeMemo.set(vmsd, byVersion);
  }
  byVersion.set(version, r);
  return r;
}

/** Subsections from index `from` on: none needed, up to all of them with every field. */
function subsectionsRange(vmsd: SchemaVmsd, from: number): Range {
  let max = 0;
  for (const sub of (vmsd.subsections ?? []).slice(from)) max += 2 + sub.name.length + 4 + vmsdRange(sub, Number.MAX_SAFE_INTEGER).max;
  return { min: 0, max };
}

function fieldRange(f: SchemaField, version: number): Range {
  if (!f.fieldExists && f.versionId > version) return ZERO;
  const count = f.num ?? 1;
  const present = f.description !== undefined ? times(vmsdRange(f.description, f.description.versionId), count) : f.size === 0 ? { min: 0, max: Infinity } : { min: f.size * count, max: f.size * count };
  return f.fieldExists ? { min: 0, max: present.max } : present;
}

/** Whether the bytes from `pos` to the end can be what `after` takes. */
function fits(w: Walk, pos: number, after: Range): boolean {
  const rest = w.b.length - pos;
  return rest >= after.min && rest <= after.max;
}

/** Field labels as QEMU's vmdesc writes them: a name used twice in one vmsd gets `[n]`. */
function fieldLabels(fields: readonly SchemaField[]): string[] {
  const total = new Map<string, number>();
  for (const f of fields) total.set(f.field, (total.get(f.field) ?? 0) + 1);
  const seen = new Map<string, number>();
  return fields.map((f) => {
    const n = seen.get(f.field) ?? 0;
    seen.set(f.field, n + 1);
    return (total.get(f.field) ?? 0) > 1 ? `${f.field}[${n}]` : f.field;
  });
}

/** One field in its vmsd, with what comes after it. */
interface FieldAt {
  readonly vmsd: SchemaVmsd;
  readonly f: SchemaField;
  readonly label: string;
  readonly version: number;
  readonly path: readonly string[];
  /** Nothing of the body's own fields follows (a field with no size can then run to the end). */
  readonly lastOfTop: boolean;
  /** What everything after this field takes. */
  readonly after: Range;
}

function walkVmsd(w: Walk, vmsd: SchemaVmsd, version: number, path: readonly string[], pos: number, budget: number, top: boolean, after: Range, next: Next): boolean {
  const fields = vmsd.fields ?? [];
  const labels = fieldLabels(fields);
  // tails[i]: what the fields after i, the subsections and `after` take.
  const tails: Range[] = new Array<Range>(fields.length);
  let acc = add(subsectionsRange(vmsd, 0), after);
  for (let i = fields.length - 1; i >= 0; i--) {
    tails[i] = acc;
    acc = add(fieldRange(fields[i] as SchemaField, version), acc);
  }
  const from = (start: number, pos0: number, bud: number): boolean => {
    // Fields that leave no choice are read in this loop; a continuation is made only where a
    // choice is (a test function, a count that may differ, a field with no size), so that long
    // vmsds and arrays do not deepen the stack.
    let p = pos0;
    let i = start;
    for (; i < fields.length; i++) {
      const f = fields[i] as SchemaField;
      const tail = tails[i] as Range;
      // With no count left to differ, a branch that cannot end at the footer ends here.
      if (bud === 0 && !fits(w, p, add(fieldRange(f, version), tail))) return false;
      if (!f.fieldExists && f.versionId > version) continue;
      if (f.fieldExists) break;
      const count = f.num ?? (bud === 0 ? 1 : undefined);
      if (count === undefined) break;
      const label = labels[i] as string;
      if (f.description === undefined) {
        if (f.size === 0) break;
        p = readLeaves(w, label, path, p, f.size, count);
      } else if (isRigid(f.description) && (count > 1 || bud === 0)) {
        p = readRigidStructs(w, f.description, label, path, p, count);
      } else {
        break;
      }
      if (p < 0) return false;
    }
    if (i === fields.length) return walkSubsections(w, vmsd, 0, path, p, bud, after, next);
    const f = fields[i] as SchemaField;
    const lastOfTop = top && fields.slice(i + 1).every((g) => !g.fieldExists && g.versionId > version);
    return walkField(w, { vmsd, f, label: labels[i] as string, version, path, lastOfTop, after: tails[i] as Range }, p, bud, (q, b2) => from(i + 1, q, b2));
  };
  return from(0, pos, budget);
}

function walkField(w: Walk, at: FieldAt, pos: number, budget: number, next: Next): boolean {
  w.step();
  const { f } = at;
  if (!f.fieldExists) {
    // vmstate_field_exists(): without a test, the field is on the wire from its version on.
    return f.versionId > at.version ? next(pos, budget) : walkPresent(w, at, pos, budget, next);
  }
  // A test function alone decides (it may look at the device's state): both are tried.
  return w.choose([{ value: 0, cost: 0 }, { value: 1, cost: 0 }], budget, (present, bud) => {
    w.sink?.inferred.push(`${[...at.path.slice(1), at.label].join('/')} ${present === 1 ? 'present' : 'absent'} (a test function decides)`);
    return present === 1 ? walkPresent(w, at, pos, bud, next) : next(pos, bud);
  });
}

function walkPresent(w: Walk, at: FieldAt, pos: number, budget: number, next: Next): boolean {
  const { f, label, path, after } = at;
  if (f.description === undefined && f.size === 0) return walkUnsized(w, at, pos, budget, next);
  if (f.num !== undefined) {
    return f.description === undefined ? walkLeaves(w, label, path, pos, f.size, f.num, budget, next) : walkStructs(w, f.description, label, path, pos, f.num, budget, after, next);
  }
  // No count in the manifest: one element, unless the bytes need another count (a deviation).
  if (f.description === undefined) {
    const counts: Option[] = [{ value: 1, cost: 0 }];
    if (budget > 0) {
      // The rest then has its own counts, so the count is bounded from both sides.
      const room = w.b.length - pos;
      const lo = Math.max(0, Math.ceil((room - after.max) / f.size), 1 - w.maxDeviation);
      const hi = Math.min(Math.floor((room - after.min) / f.size), 1 + w.maxDeviation);
      for (let c = lo; c <= hi; c++) if (c !== 1) counts.push({ value: c, cost: 1 });
    }
    return w.choose(counts, budget, (count, bud) => {
      if (count !== 1) w.sink?.inferred.push(countNote(w, path, label, count));
      return walkLeaves(w, label, path, pos, f.size, count, bud, next);
    });
  }
  const desc = f.description;
  return w.choose([{ value: 1, cost: 0 }, { value: 0, cost: 1 }], budget, (one, bud) =>
    one === 1 ? walkStructs(w, desc, label, path, pos, 1, bud, after, next) : walkStructsUntil(w, desc, label, path, pos, 0, bud, after, next),
  );
}

/**
 * Struct elements of a count the manifest does not give, other than one: after each element the
 * layout either stops or reads another, so a count too large fails as soon as its elements run
 * past the end. Elements are named `[i]` (the count is 0 or at least 2).
 */
function walkStructsUntil(w: Walk, desc: SchemaVmsd, label: string, path: readonly string[], pos: number, i: number, budget: number, after: Range, next: Next): boolean {
  if (i === 0 && isRigid(desc)) return walkRigidCount(w, desc, label, path, pos, budget, after, next);
  const options: Option[] = [];
  if (i !== 1 && fits(w, pos, after)) options.push({ value: 0, cost: 0 });
  // An element of no bytes would let any count fit: another is read only while bytes are left.
  if (w.b.length - pos > after.min && i < 1 + w.maxDeviation) options.push({ value: 1, cost: 0 });
  return w.choose(options, budget, (more, bud) => {
    if (more === 0) {
      w.sink?.inferred.push(countNote(w, path, label, i));
      return next(pos, bud);
    }
    const open: Range = { min: after.min, max: Infinity };
    return walkElement(w, desc, `${label}[${i}]`, label, path, pos, bud, open, (q, b2) => q > pos && walkStructsUntil(w, desc, label, path, q, i + 1, b2, after, next));
  });
}

/**
 * The same for elements with no choice inside: where each element ends follows from the bytes
 * alone, so the counts that leave the right room after them are listed in one loop and chosen
 * among (no continuation per element: arrays of thousands stay shallow).
 */
function walkRigidCount(w: Walk, desc: SchemaVmsd, label: string, path: readonly string[], pos: number, budget: number, after: Range, next: Next): boolean {
  const sink = w.sink;
  w.sink = undefined;
  const ends = [pos];
  for (;;) {
    const last = ends[ends.length - 1] as number;
    if (w.b.length - last <= after.min || ends.length > 1 + w.maxDeviation) break;
    const q = walkRigid(w, desc, desc.versionId, '', label, path, last);
    if (q <= last) break;
    ends.push(q);
  }
  w.sink = sink;
  const options: Option[] = [];
  ends.forEach((e, c) => {
    if (c !== 1 && fits(w, e, after)) options.push({ value: c, cost: 0 });
  });
  return w.choose(options, budget, (count, bud) => {
    if (w.sink !== undefined) {
      let p = pos;
      for (let k = 0; k < count; k++) p = walkRigid(w, desc, desc.versionId, `${label}[${k}]`, label, [...path, `${label}[${k}]`], p);
      w.sink.inferred.push(countNote(w, path, label, count));
    }
    return next(ends[count] as number, bud);
  });
}

/**
 * Elements of a known count. Inside the elements of an array of several, no count is inferred:
 * a variable array there would have a count per element, which one inferred count cannot give.
 */
function walkStructs(w: Walk, desc: SchemaVmsd, label: string, path: readonly string[], pos: number, count: number, budget: number, after: Range, next: Next): boolean {
  const one = vmsdRange(desc, desc.versionId);
  const inner = count > 1 ? 0 : budget;
  if (inner === 0 && isRigid(desc)) {
    // No choice inside any element: one loop, no continuation per element.
    const p = readRigidStructs(w, desc, label, path, pos, count);
    return p >= 0 && next(p, budget);
  }
  const element = (i: number, p: number, bud: number): boolean => {
    if (i === count) return next(p, count > 1 ? budget : bud);
    const rest = add(times(one, count - 1 - i), after);
    return walkElement(w, desc, count > 1 ? `${label}[${i}]` : label, label, path, p, count > 1 ? inner : bud, rest, (q, b2) => element(i + 1, q, b2));
  };
  return element(0, pos, budget);
}

function walkElement(w: Walk, desc: SchemaVmsd, name: string, field: string, path: readonly string[], pos: number, budget: number, after: Range, next: Next): boolean {
  w.step();
  const epath = [...path, name];
  const start = w.base + pos;
  if (budget === 0 && isRigid(desc)) {
    // No choice inside: read straight through, without a continuation per field.
    const q = walkRigid(w, desc, desc.versionId, name, field, epath, pos);
    return q >= 0 && next(q, budget);
  }
  w.sink?.open({ kind: 'struct', name, path: epath, start, end: undefined, type: 'struct', field, children: [] });
  // A nested struct is saved with its own vmsd's version (vmstate_save_state).
  return walkVmsd(w, desc, desc.versionId, epath, pos, budget, false, after, (q, b2) => {
    w.sink?.close(w.base + q);
    return next(q, b2);
  });
}

const rigidMemo = new WeakMap<SchemaVmsd, boolean>();

/** No field a test function decides and none without a size, at any depth (subsections too). */
function isRigid(vmsd: SchemaVmsd): boolean {
  const known = rigidMemo.get(vmsd);
  if (known !== undefined) return known;
  const rigid =
    (vmsd.fields ?? []).every((f) => !f.fieldExists && (f.description !== undefined ? isRigid(f.description) : f.size > 0)) &&
    (vmsd.subsections ?? []).every(isRigid);
  rigidMemo.set(vmsd, rigid);
  return rigid;
}

/**
 * One struct element of a rigid vmsd with every count its own (the manifest's `num` or one):
 * returns where it ends, or -1 when it runs past the end. Subsections are still found by their
 * headers. Emits the element's node when a layout is being built.
 */
function walkRigid(w: Walk, desc: SchemaVmsd, version: number, name: string, field: string, path: readonly string[], pos: number): number {
  w.step();
  const sink = w.sink;
  const node: DecodedNode | undefined = sink === undefined ? undefined : { kind: 'struct', name, path, start: w.base + pos, end: undefined, type: 'struct', field, children: [] };
  if (node !== undefined) sink?.open(node);
  const end = rigidBody(w, desc, version, path, pos);
  if (node !== undefined && end >= 0) sink?.close(w.base + end);
  return end;
}

function rigidBody(w: Walk, vmsd: SchemaVmsd, version: number, path: readonly string[], pos: number): number {
  const fields = vmsd.fields ?? [];
  const labels = fieldLabels(fields);
  let p = pos;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i] as SchemaField;
    if (f.versionId > version) continue;
    const label = labels[i] as string;
    const count = f.num ?? 1;
    p = f.description === undefined ? readLeaves(w, label, path, p, f.size, count) : readRigidStructs(w, f.description, label, path, p, count);
    if (p < 0) return -1;
  }
  let from = 0;
  for (;;) {
    const found = subsectionAt(w.b, p, vmsd, from);
    if (found === undefined) return p;
    w.step();
    const versionAt = p + 2 + found.nameLength;
    const version2 = new DataView(w.b.buffer, w.b.byteOffset + versionAt, 4).getUint32(0);
    const spath = [...path, found.sub.name];
    if (w.sink !== undefined) {
      if (version2 > found.sub.versionId) w.sink.disagreements.push(`subsection '${found.sub.name}' has version ${version2}, the manifest's build writes ${found.sub.versionId}`);
      w.sink.open({ kind: 'subsection', name: found.sub.name, path: spath, start: w.base + p, end: undefined, value: version2, children: [] });
    }
    p = rigidBody(w, found.sub, version2, spath, versionAt + 4);
    if (p < 0) return -1;
    w.sink?.close(w.base + p);
    from = found.index + 1;
  }
}

function countNote(w: Walk, path: readonly string[], label: string, count: number): string {
  const where = [...path.slice(1), label].join('/');
  if (w.sink === undefined) return where;
  // QEMU's variable arrays take their count from another field of the same struct (num_offset),
  // most often one written just before them.
  const evidence = w.sink.siblings.find((n) => n.kind === 'field' && (n.value === count || n.value === BigInt(count)));
  const by = evidence === undefined ? undefined : evidence.path.slice(1).join('/');
  w.sink.deviations.push({ count, evidence: by });
  return `${where}: ${count} elements (the manifest gives no count; the bytes up to the footer need this one${by !== undefined ? `, the value of '${by}' read before it` : ''})`;
}

function walkLeaves(w: Walk, label: string, path: readonly string[], pos: number, size: number, count: number, budget: number, next: Next): boolean {
  const after = readLeaves(w, label, path, pos, size, count);
  return after >= 0 && next(after, budget);
}

/** `count` elements of `size` bytes: where they end, or -1 past the end or over a header. */
function readLeaves(w: Walk, label: string, path: readonly string[], pos: number, size: number, count: number): number {
  const after = pos + count * size;
  if (after > w.b.length || !w.clean(pos, after)) return -1;
  if (w.sink !== undefined) {
    for (let i = 0; i < count; i++) {
      const name = count > 1 ? `${label}[${i}]` : label;
      w.sink.leaf(leafNode(w, [...path, name], name, label, pos + i * size, size));
    }
  }
  return after;
}

/** `count` elements of a rigid struct: where they end, or -1. */
function readRigidStructs(w: Walk, desc: SchemaVmsd, label: string, path: readonly string[], pos: number, count: number): number {
  let p = pos;
  for (let i = 0; i < count && p >= 0; i++) {
    const name = count > 1 ? `${label}[${i}]` : label;
    p = walkRigid(w, desc, desc.versionId, name, label, [...path, name], p);
  }
  return p;
}

function leafNode(w: Walk, path: readonly string[], name: string, field: string, start: number, size: number): DecodedNode {
  const at = w.base + start;
  const isInt = size === 1 || size === 2 || size === 4 || size === 8;
  return {
    kind: 'field',
    name,
    path,
    start: at,
    end: at + size,
    type: isInt ? `uint${size * 8}` : 'buffer',
    field,
    value: isInt ? readUint(w.b, start, size) : { offset: at, length: size },
    note: isInt
      ? 'read as an unsigned big-endian integer: a -dump-vmstate manifest gives the size of a field, not its type'
      : 'bytes: a -dump-vmstate manifest gives the size of a field, not its type',
  };
}

function readUint(b: Uint8Array, at: number, size: number): NodeValue {
  const view = new DataView(b.buffer, b.byteOffset + at, size);
  switch (size) {
    case 1:
      return view.getUint8(0);
    case 2:
      return view.getUint16(0);
    case 4:
      return view.getUint32(0);
    default:
      return view.getBigUint64(0);
  }
}

/**
 * A field the manifest gives no size and no description (`size: 0`): a buffer whose length
 * lives in another field (VMSTATE_VBUFFER*), or a device-defined info (`virtio`, `msix state`).
 * Its length can be told only when nothing of this vmsd's fields follows it: then it runs to the
 * first subsection of the device or to the footer.
 */
function walkUnsized(w: Walk, at: FieldAt, pos: number, budget: number, next: Next): boolean {
  const where = [...at.path.slice(1), at.label].join('/');
  if (!at.lastOfTop) {
    w.blocked ??= `field '${where}' has no size in the manifest (a device-defined type such as virtio or msix state, or a buffer whose size is in another field) and other fields follow it`;
    return false;
  }
  const end = w.b.length;
  let q = pos;
  while (q < end && subsectionAt(w.b, q, at.vmsd, 0) === undefined) q++;
  w.sink?.leaf({
    kind: 'field',
    name: at.label,
    path: [...at.path, at.label],
    start: w.base + pos,
    end: w.base + q,
    type: 'unknown',
    field: at.label,
    value: { offset: w.base + pos, length: q - pos },
    note: 'opaque: the manifest gives no size for this field (a device-defined type, or a buffer sized by another field); these are the bytes up to what follows it',
  });
  w.sink?.unsized.push(where);
  return next(q, budget);
}

/** The subsection of `vmsd` (from index `from` on) whose header starts at `at`. */
function subsectionAt(b: Uint8Array, at: number, vmsd: SchemaVmsd, from: number): { index: number; sub: SchemaVmsd; nameLength: number } | undefined {
  if (b[at] !== QEMU_VM_SUBSECTION || at + 2 > b.length) return undefined;
  const len = b[at + 1] as number;
  if (at + 2 + len + 4 > b.length) return undefined;
  const subs = vmsd.subsections ?? [];
  for (let index = from; index < subs.length; index++) {
    const sub = subs[index] as SchemaVmsd;
    if (sub.name.length === len && matchesName(b, at + 2, sub.name)) return { index, sub, nameLength: len };
  }
  return undefined;
}

/**
 * After a vmsd's fields, its subsections: while the next bytes are a subsection header with the
 * name of one of this vmsd's subsections, that subsection is read (with the version on the
 * wire); anything else ends them, as in vmstate_subsection_load. QEMU writes them in the order
 * of the vmsd's list (vmstate_subsection_save), so each is looked for after the one before.
 * No choice is made here.
 */
function walkSubsections(w: Walk, vmsd: SchemaVmsd, from: number, path: readonly string[], pos: number, budget: number, after: Range, next: Next): boolean {
  const found = subsectionAt(w.b, pos, vmsd, from);
  if (found === undefined) return next(pos, budget);
  w.step();
  const { index, sub, nameLength } = found;
  const versionAt = pos + 2 + nameLength;
  const version = new DataView(w.b.buffer, w.b.byteOffset + versionAt, 4).getUint32(0);
  const spath = [...path, sub.name];
  if (w.sink !== undefined) {
    if (version > sub.versionId) w.sink.disagreements.push(`subsection '${sub.name}' has version ${version}, the manifest's build writes ${sub.versionId}`);
    w.sink.open({ kind: 'subsection', name: sub.name, path: spath, start: w.base + pos, end: undefined, value: version, children: [] });
  }
  const inner = add(subsectionsRange(vmsd, index + 1), after);
  return walkVmsd(w, sub, version, spath, versionAt + 4, budget, false, inner, (q, b2) => {
    w.sink?.close(w.base + q);
    return walkSubsections(w, vmsd, index + 1, path, q, b2, after, next);
  });
}


/** Every offset of `b` where a subsection header named in `vmsd`'s tree begins. */
function headerOffsets(b: Uint8Array, vmsd: SchemaVmsd): number[] {
  const names = new Map<number, string[]>();
  const stack: SchemaVmsd[] = [vmsd];
  while (stack.length > 0) {
    const v = stack.pop() as SchemaVmsd;
    for (const s of v.subsections ?? []) {
      const list = names.get(s.name.length) ?? [];
      if (!list.includes(s.name)) list.push(s.name);
      names.set(s.name.length, list);
      stack.push(s);
    }
    for (const f of v.fields ?? []) if (f.description !== undefined) stack.push(f.description);
  }
  const out: number[] = [];
  if (names.size === 0) return out;
  for (let at = 0; at + 2 <= b.length; at++) {
    if (b[at] !== QEMU_VM_SUBSECTION) continue;
    const list = names.get(b[at + 1] as number);
    if (list === undefined || at + 2 + (b[at + 1] as number) > b.length) continue;
    if (list.some((name) => matchesName(b, at + 2, name))) out.push(at);
  }
  return out;
}

function matchesName(b: Uint8Array, at: number, name: string): boolean {
  for (let i = 0; i < name.length; i++) if (b[at + i] !== name.charCodeAt(i)) return false;
  return true;
}
