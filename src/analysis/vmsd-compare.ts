/**
 * Compares one vmsd of a source binary with the same vmsd of a destination binary the way
 * QEMU's loader (migration/vmstate.c `vmstate_load_state`) would read the source's bytes:
 *
 *  - a section or subsection carries its version on the wire; the destination refuses it above
 *    its `version_id` or below its `minimum_version_id`, otherwise reads every field whose
 *    `version_id` ("present since") is at most the incoming version;
 *  - a nested struct (VMS_STRUCT) carries no version: the source writes it at its own
 *    `version_id`, the destination reads it at its own;
 *  - names are not on the wire, bytes are: a renamed field of the same size and position is
 *    read correctly, an `unused` gap may stand for fields of the same total size, and anything
 *    else that does not line up makes the destination read misaligned (`Missing section footer`);
 *  - a field with a test function (`field_exists`) is on the wire only when the test passes,
 *    which neither manifest shows: a stream's vmdesc does;
 *  - a subsection is on the wire only when its `.needed` returned true on the source; the
 *    destination fails with ENOENT on a subsection it does not know.
 *
 * The comparison never stops at the first problem of a vmsd unless the rest cannot be aligned.
 */
import type { VmstateDescription, VmstateField } from '../manifest/vmstate-manifest.ts';
import { fieldNamesMatch } from './static-checker.ts';
import { capVerdict, type JudgeKind, type Verdict } from './verdict.ts';
import { wireDuplicateIndex } from './wire-description.ts';

/** What a stream shows about what the source really wrote; undefined answers mean "not known". */
export interface SentEvidence {
  /** The version the subsection was sent with, `false` when the body was decoded and it is absent. */
  subsection(name: string): number | false | undefined;
  /** Whether a field of a vmsd was written (from the stream's vmdesc). */
  field(vmsdName: string, fieldName: string): boolean | undefined;
}

export interface LayoutFinding {
  readonly segments: readonly string[];
  readonly kind: JudgeKind;
  readonly verdict: Verdict;
  readonly reason: string;
  readonly sourceVersion?: number | undefined;
  readonly destVersion?: number | undefined;
  /** Absolute JSON path in the source manifest. */
  readonly sourceNode?: string | undefined;
  readonly destNode?: string | undefined;
}

export interface CompareOptions {
  readonly evidence?: SentEvidence | undefined;
  /**
   * The source description was built from the stream's vmdesc: every field in it was written,
   * its element counts are exact, and conditional fields it lacks were not sent.
   */
  readonly sourceIsWire?: boolean | undefined;
  /** The section's idstr for messages; the vmsd name when not known. */
  readonly idstr?: string | undefined;
}

/**
 * Compares a top-level vmsd: the incoming section version against the destination's range,
 * then fields and subsections at that version.
 */
export function compareSection(
  src: VmstateDescription,
  dest: VmstateDescription,
  incomingVersion: number,
  options: CompareOptions = {},
): LayoutFinding[] {
  const c = new Comparer(options, src.name);
  c.section(src, dest, incomingVersion);
  return c.findings;
}

type Presence = 'always' | 'maybe';

interface Item {
  readonly f: VmstateField;
  readonly presence: Presence;
  /** Name of the vmsd whose field list holds the field (rename tables are per vmsd). */
  readonly owner: string;
  readonly segments: readonly string[];
  /** Which of the vmsd's fields of this name it is (0 for the first). */
  readonly dup: number;
  /** For fields read from a vmdesc: the index QEMU wrote (`config[1]`), undefined when unnumbered. */
  readonly wireDup: number | undefined;
}

/** Bytes of one field on the wire, as far as a manifest tells. */
type WireSize =
  | { readonly kind: 'bytes'; readonly bytes: number }
  /** An array whose element count the manifest omits (QEMU before 10.0 writes no `num`). */
  | { readonly kind: 'elements'; readonly element: number }
  /** Structs (their `size` is the C struct's) and variable buffers (`size` 0). */
  | { readonly kind: 'unknown' };

interface Scope {
  /** Verdicts are capped here when the enclosing subsection may not be sent at all. */
  readonly cap: Verdict;
  /** Why they are capped, appended to the reason. */
  readonly condition: string | undefined;
}

const CERTAIN: Scope = { cap: 'breaks', condition: undefined };
const MAX_RUN = 64;

class Comparer {
  readonly findings: LayoutFinding[] = [];
  private readonly evidence: SentEvidence | undefined;
  private readonly sourceIsWire: boolean;
  private readonly idstr: string;

  constructor(
    options: CompareOptions,
    private readonly top: string,
  ) {
    this.evidence = options.evidence;
    this.sourceIsWire = options.sourceIsWire ?? false;
    this.idstr = options.idstr ?? top;
  }

  private emit(scope: Scope, f: LayoutFinding): void {
    const verdict = capVerdict(f.verdict, scope.cap);
    const reason = verdict !== f.verdict && scope.condition !== undefined ? `${f.reason} This matters only if ${scope.condition}.` : f.reason;
    this.findings.push({ ...f, verdict, reason });
  }

  section(src: VmstateDescription, dest: VmstateDescription, v: number): void {
    const segments = [src.name];
    const destMin = dest.minimumVersionId ?? 0;
    const base = { segments, sourceVersion: v, destVersion: dest.versionId, sourceNode: src.jsonPath, destNode: dest.jsonPath };
    if (v > dest.versionId) {
      this.emit(CERTAIN, {
        ...base,
        kind: 'version-too-new',
        verdict: 'breaks',
        reason: `The source sends ${src.name} as version ${v} but the destination loads it only up to version ${dest.versionId}: QEMU fails with "unsupported version ${v} for '${this.idstr}' v${dest.versionId}".`,
      });
      return;
    }
    if (v < destMin) {
      this.emit(CERTAIN, {
        ...base,
        kind: 'version-too-old',
        verdict: 'breaks',
        reason: `The source sends ${src.name} as version ${v} but the destination needs at least version ${destMin}: QEMU fails with "${src.name}: incoming version_id ${v} is too old for local minimum version_id ${destMin}".`,
      });
      return;
    }
    if (v !== dest.versionId || (src.minimumVersionId ?? 0) !== destMin || src.versionId !== v) {
      this.emit(CERTAIN, {
        ...base,
        kind: 'version-accepted',
        verdict: 'fine',
        reason: `The source sends ${src.name} as version ${v}, which the destination accepts (it loads versions ${destMin} to ${dest.versionId}).`,
      });
    }
    this.walk(src, dest, v, v, segments, CERTAIN);
  }

  /** Fields, then subsections, of one vmsd read at the given versions. */
  private walk(src: VmstateDescription, dest: VmstateDescription, srcVersion: number, destVersion: number, segments: readonly string[], scope: Scope): void {
    const s = this.present(src, srcVersion, segments, scope, 'source');
    const d = this.present(dest, destVersion, segments, scope, 'dest');
    this.fields(s, d, scope);
    this.subsections(src, dest.subsections ?? [], segments, scope);
  }

  /** The fields a side reads or writes at `version`; gated destination fields are reported as fine. */
  private present(desc: VmstateDescription, version: number, segments: readonly string[], scope: Scope, side: 'source' | 'dest'): Item[] {
    const items: Item[] = [];
    const seen = new Map<string, number>();
    for (const f of desc.fields ?? []) {
      const fieldSegments = [...segments, f.field];
      const dup = seen.get(f.field) ?? 0;
      seen.set(f.field, dup + 1);
      const wireDup = side === 'source' && this.sourceIsWire ? wireDuplicateIndex(f) : undefined;
      const common = { f, owner: desc.name, segments: fieldSegments, dup, wireDup };
      if (f.fieldExists) items.push({ ...common, presence: 'maybe' });
      else if (f.versionId <= version) items.push({ ...common, presence: 'always' });
      else if (side === 'dest') {
        this.emit(scope, {
          segments: fieldSegments,
          kind: 'field-gated',
          verdict: 'fine',
          reason: `The destination reads "${f.field}" only from version ${f.versionId} on; at version ${version} it is not on the wire, so the source need not send it.`,
          sourceVersion: version,
          destVersion: f.versionId,
          destNode: f.jsonPath,
        });
      }
    }
    return items;
  }

  private namesMatch(a: Item, b: Item): boolean {
    const x = a.f.field;
    const y = b.f.field;
    // The vmdesc says which of several same-named fields was written.
    if (a.wireDup !== undefined && x === y && a.wireDup !== b.dup) return false;
    return (
      x === y ||
      fieldNamesMatch(a.owner, x, y, '10.1') ||
      fieldNamesMatch(b.owner, x, y, '10.1') ||
      fieldNamesMatch(this.top, x, y, '10.1')
    );
  }

  private size(item: Item, side: 'source' | 'dest'): WireSize {
    const f = item.f;
    if (f.description !== undefined) return { kind: 'unknown' };
    if (f.field === 'unused') return { kind: 'bytes', bytes: f.size };
    if (f.num !== undefined) return { kind: 'bytes', bytes: f.size * f.num };
    if (side === 'source' && this.sourceIsWire) return { kind: 'bytes', bytes: f.size };
    if (f.size <= 0) return { kind: 'unknown' };
    return { kind: 'elements', element: f.size };
  }

  /** Same element size, and the same count where both counts are known. */
  private sizesFit(s: Item, d: Item): boolean {
    if (s.f.description !== undefined || d.f.description !== undefined) return false;
    if (s.f.size <= 0 || d.f.size <= 0) return s.f.size === d.f.size;
    if (s.f.size !== d.f.size) return false;
    return s.f.num === undefined || d.f.num === undefined || s.f.num === d.f.num;
  }

  private fields(srcItems: Item[], destItems: Item[], scope: Scope): void {
    const S = [...srcItems];
    const D = [...destItems];
    let i = 0;
    let j = 0;
    const matchedDestNames = new Set<string>();
    // Every turn consumes a field or inlines a struct, so hostile manifests (self-similar
    // structs) are the only way to spin; the bound keeps them from hanging a view.
    for (let guard = 0; guard < 100_000; guard++) {
      const s = S[i];
      const d = D[j];
      if (s === undefined && d === undefined) return;
      if (s === undefined) {
        if (d !== undefined) this.destExtra(d, matchedDestNames, D.slice(j + 1), scope);
        j++;
        continue;
      }
      if (d === undefined) {
        this.sourceExtra(s, scope);
        i++;
        continue;
      }
      if (this.namesMatch(s, d)) {
        // Two conditional fields of one name are alternatives (PCIDevice's 256- and 4096-byte
        // config): the one whose size does not fit was not on the wire.
        if (!this.sizesFit(s, d) && s.f.description === undefined && d.f.description === undefined) {
          if (d.presence === 'maybe' && D.slice(j + 1).some((x) => x.f.field === d.f.field && this.sizesFit(s, x))) {
            j++;
            continue;
          }
          if (s.presence === 'maybe' && S.slice(i + 1).some((x) => x.f.field === s.f.field && this.sizesFit(x, d))) {
            i++;
            continue;
          }
        }
        matchedDestNames.add(d.f.field);
        this.matched(s, d, scope);
        i++;
        j++;
        continue;
      }
      const sNext = S[i + 1];
      const dNext = D[j + 1];
      if (s.presence === 'maybe' && sNext !== undefined && this.namesMatch(sNext, d)) {
        this.sourceExtra(s, scope);
        i++;
        continue;
      }
      if (d.presence === 'maybe' && dNext !== undefined && this.namesMatch(s, dNext)) {
        this.destExtra(d, matchedDestNames, D.slice(j + 1), scope);
        j++;
        continue;
      }
      // One side wrapped a run of fields into a struct: same bytes, one level deeper.
      if (this.startsStruct(d, s)) {
        D.splice(j, 1, ...this.expand(d, 'dest', scope));
        continue;
      }
      if (this.startsStruct(s, d)) {
        S.splice(i, 1, ...this.expand(s, 'source', scope));
        continue;
      }
      if (s.f.field === 'unused' || d.f.field === 'unused') {
        const run = this.byteRun(S, i, D, j);
        if (run !== undefined) {
          this.emit(scope, {
            segments: s.segments,
            kind: 'field-unused',
            verdict: 'fine',
            reason: `${describeRun(S.slice(i, run.i))} in the source and ${describeRun(D.slice(j, run.j))} in the destination cover the same ${run.bytes} bytes${run.assumed ? ' (assuming the array whose length the older manifest omits fills the gap)' : ''}; the loader skips unused bytes, so they line up.`,
            sourceNode: s.f.jsonPath,
            destNode: d.f.jsonPath,
          });
          i = run.i;
          j = run.j;
          continue;
        }
      }
      if (this.renameFits(s, d)) {
        const variable = s.f.description === undefined && s.f.size <= 0;
        this.emit(scope, {
          segments: s.segments,
          kind: 'field-renamed',
          verdict: variable ? 'at-risk' : 'fine',
          reason: variable
            ? `"${s.f.field}" is called "${d.f.field}" in the destination, at the same position; both are variable-length (their size comes from another field), so the manifests cannot show whether the bytes agree.`
            : `"${s.f.field}" is called "${d.f.field}" in the destination, with the same size and position; names are not on the wire, so the bytes are read the same.`,
          sourceNode: s.f.jsonPath,
          destNode: d.f.jsonPath,
        });
        if (this.presence(s, d, scope) && s.f.description !== undefined && d.f.description !== undefined) this.struct(s, d, scope);
        i++;
        j++;
        continue;
      }
      this.emit(scope, {
        segments: s.segments,
        kind: 'field-layout',
        verdict: 'breaks',
        reason: `The source writes "${s.f.field}" (${describeSize(s.f)}) where the destination reads "${d.f.field}" (${describeSize(d.f)}); from here on the destination reads the section misaligned and QEMU fails with "Missing section footer for ${this.idstr}" or loads garbage.`,
        sourceNode: s.f.jsonPath,
        destNode: d.f.jsonPath,
      });
      return;
    }
  }

  private renameFits(s: Item, d: Item): boolean {
    if (s.f.field === 'unused' || d.f.field === 'unused') return false;
    if (s.f.description !== undefined && d.f.description !== undefined) {
      return s.f.description.name === d.f.description.name || fieldNamesMatch(this.top, s.f.description.name, d.f.description.name, '10.1');
    }
    return this.sizesFit(s, d);
  }

  private startsStruct(container: Item, other: Item): boolean {
    const first = container.f.description?.fields?.[0];
    if (container.f.description === undefined || first === undefined) return false;
    const probe: Item = { f: first, presence: 'always', owner: container.f.description.name, segments: [], dup: 0, wireDup: undefined };
    return this.namesMatch(probe, other);
  }

  /** The fields of a struct field, inlined; its subsections are checked against none. */
  private expand(item: Item, side: 'source' | 'dest', scope: Scope): Item[] {
    const desc = item.f.description;
    if (desc === undefined) return [];
    if (side === 'source' && (desc.subsections?.length ?? 0) > 0) {
      this.subsections(desc, [], item.segments, scope);
    }
    return this.present(desc, desc.versionId, item.segments, scope, side);
  }

  /**
   * From an `unused` field on, takes fields of either side until both cover the same bytes.
   * Returns the indices after the run, or undefined when no such run exists.
   */
  private byteRun(S: readonly Item[], i: number, D: readonly Item[], j: number): { i: number; j: number; bytes: number; assumed: boolean } | undefined {
    let si = i;
    let dj = j;
    let sBytes = 0;
    let dBytes = 0;
    let sStretch: number | undefined;
    let dStretch: number | undefined;
    let assumed = false;
    // A field whose name appears further on in the other list belongs there, not in the gap.
    const takeable = (side: 'source' | 'dest'): boolean => {
      const item = side === 'source' ? S[si] : D[dj];
      if (item === undefined || this.size(item, side).kind === 'unknown') return false;
      if (item.f.field === 'unused') return true;
      const other = side === 'source' ? D.slice(dj) : S.slice(si);
      return !other.some((o) => this.namesMatch(item, o));
    };
    const take = (side: 'source' | 'dest'): boolean => {
      const item = side === 'source' ? S[si] : D[dj];
      if (item === undefined) return false;
      const z = this.size(item, side);
      if (z.kind === 'unknown') return false;
      const bytes = z.kind === 'bytes' ? z.bytes : z.element;
      const stretch = z.kind === 'elements' ? z.element : undefined;
      if (side === 'source') {
        si++;
        sBytes += bytes;
        sStretch = stretch;
      } else {
        dj++;
        dBytes += bytes;
        dStretch = stretch;
      }
      return true;
    };
    if (!take('source') || !take('dest')) return undefined;
    for (let n = 0; n < MAX_RUN; n++) {
      if (sBytes === dBytes) return { i: si, j: dj, bytes: sBytes, assumed };
      const short = sBytes < dBytes ? 'source' : 'dest';
      const gap = Math.abs(dBytes - sBytes);
      const stretch = short === 'source' ? sStretch : dStretch;
      if (takeable(short)) {
        take(short);
      } else if (stretch !== undefined && gap % stretch === 0) {
        // An array whose length the older manifest omits: assume it fills the gap.
        if (short === 'source') sBytes = dBytes;
        else dBytes = sBytes;
        assumed = true;
      } else {
        return undefined;
      }
    }
    return undefined;
  }

  private matched(s: Item, d: Item, scope: Scope): void {
    const node = { segments: s.segments, sourceNode: s.f.jsonPath, destNode: d.f.jsonPath };
    if (!this.presence(s, d, scope)) return;
    if (s.f.description !== undefined && d.f.description !== undefined) {
      this.struct(s, d, scope);
      return;
    }
    if (s.f.description !== undefined || d.f.description !== undefined) {
      this.emit(scope, {
        ...node,
        kind: 'field-description',
        verdict: 'at-risk',
        reason: `"${s.f.field}" is a struct on one side only (${s.f.description === undefined ? 'the destination' : 'the source'} describes its members); the manifests do not show whether the bytes agree.`,
      });
      return;
    }
    if (!this.sizesFit(s, d) && !(this.sourceIsWire && d.f.size <= 0)) {
      this.emit(scope, {
        ...node,
        kind: 'field-size',
        verdict: 'breaks',
        reason: `"${s.f.field}" is ${describeSize(s.f)} in the source and ${describeSize(d.f)} in the destination; the destination reads a different number of bytes and everything after it is misaligned ("Missing section footer for ${this.idstr}").`,
      });
      return;
    }
    if (s.f.versionId !== d.f.versionId && s.presence === 'always' && d.presence === 'always') {
      this.emit(scope, {
        ...node,
        kind: 'field-version',
        verdict: 'fine',
        reason: `"${s.f.field}"${s.f.field === d.f.field ? '' : ` (called "${d.f.field}" in the destination)`} is present since version ${s.f.versionId} in the source and since version ${d.f.versionId} in the destination; both put it on the wire at this version (a field's version_id is a lower bound, not a maximum).`,
        sourceVersion: s.f.versionId,
        destVersion: d.f.versionId,
      });
    }
  }

  /** Conditional fields on one side; false when the field was certainly not sent and nothing more applies. */
  private presence(s: Item, d: Item, scope: Scope): boolean {
    const node = { segments: s.segments, sourceNode: s.f.jsonPath, destNode: d.f.jsonPath };
    if (s.presence === 'maybe' && d.presence === 'always') {
      const sent = this.evidence?.field(s.owner, s.f.field);
      if (sent === false) {
        this.emit(scope, {
          ...node,
          kind: 'field-conditional',
          verdict: 'breaks',
          reason: `The source writes "${s.f.field}" only when its test passes, and this stream does not contain it; the destination always reads it, so it reads past the field into what follows ("Missing section footer for ${this.idstr}").`,
        });
        return false;
      }
      this.emit(scope, {
        ...node,
        kind: 'field-conditional',
        verdict: sent === true ? 'fine' : 'at-risk',
        reason:
          sent === true
            ? `The source writes "${s.f.field}" only when its test passes; this stream contains it, and the destination always reads it.`
            : `The source writes "${s.f.field}" only when its test passes, the destination always reads it: if the test fails on the source, the destination reads past it ("Missing section footer for ${this.idstr}").`,
      });
    } else if (s.presence === 'always' && d.presence === 'maybe' && !this.sourceIsWire) {
      this.emit(scope, {
        ...node,
        kind: 'field-conditional',
        verdict: 'at-risk',
        reason: `The destination reads "${s.f.field}" only when its test passes, the source always writes it: a VM configured the same way normally passes, otherwise the bytes are left unread ("Missing section footer for ${this.idstr}", the QEMU issue #932 pattern).`,
      });
    }
    return true;
  }

  /** A VMS_STRUCT field: each side uses its own vmsd version. */
  private struct(s: Item, d: Item, scope: Scope): void {
    const sd = s.f.description;
    const dd = d.f.description;
    if (sd === undefined || dd === undefined) return;
    if (s.f.num !== undefined && d.f.num !== undefined && s.f.num !== d.f.num) {
      this.emit(scope, {
        segments: s.segments,
        kind: 'field-size',
        verdict: 'breaks',
        reason: `"${s.f.field}" is an array of ${s.f.num} ${sd.name} in the source and ${d.f.num} in the destination; the destination reads a different number of elements ("Missing section footer for ${this.idstr}").`,
        sourceNode: s.f.jsonPath,
        destNode: d.f.jsonPath,
      });
      return;
    }
    if (sd.versionId !== dd.versionId) {
      this.emit(scope, {
        segments: s.segments,
        kind: 'struct-version',
        verdict: 'fine',
        reason: `The struct ${sd.name} is version ${sd.versionId} in the source and ${dd.versionId} in the destination; a nested struct carries no version on the wire, so each side uses its own and only the field layouts compared below matter.`,
        sourceVersion: sd.versionId,
        destVersion: dd.versionId,
        sourceNode: sd.jsonPath,
        destNode: dd.jsonPath,
      });
    }
    this.walk(sd, dd, sd.versionId, dd.versionId, s.segments, scope);
  }

  private sourceExtra(s: Item, scope: Scope): void {
    const node = { segments: s.segments, sourceNode: s.f.jsonPath };
    if (s.presence === 'maybe') {
      const sent = this.sourceIsWire ? true : this.evidence?.field(s.owner, s.f.field);
      this.emit(scope, {
        ...node,
        kind: 'field-conditional',
        verdict: sent === undefined ? 'at-risk' : sent ? 'breaks' : 'fine',
        reason:
          sent === false
            ? `The source writes "${s.f.field}" only when its test passes and this stream does not contain it, so the destination, which does not know the field, is not affected.`
            : sent === true
              ? `The source wrote "${s.f.field}", which the destination does not read; it is left in the stream ("Missing section footer for ${this.idstr}").`
              : `The source writes "${s.f.field}" when its test passes, and the destination does not read it: then the load fails with "Missing section footer for ${this.idstr}" (the QEMU issue #932 pattern; usually a machine-type compat property keeps it off for older machine types).`,
      });
      return;
    }
    this.emit(scope, {
      ...node,
      kind: 'field-removed',
      verdict: 'breaks',
      reason: `The source writes "${s.f.field}" (${describeSize(s.f)}), which the destination does not read at this version: the bytes stay in the stream and QEMU fails with "Missing section footer for ${this.idstr}".`,
    });
  }

  private destExtra(d: Item, matchedNames: ReadonlySet<string>, rest: readonly Item[], scope: Scope): void {
    const node = { segments: d.segments, destNode: d.f.jsonPath };
    if (this.sourceIsWire && d.presence === 'always' && d.f.description !== undefined && d.f.num === undefined) {
      this.emit(scope, {
        ...node,
        kind: 'field-added',
        verdict: 'fine',
        reason: `The stream's vmdesc has no "${d.f.field}": QEMU lists no entry for a variable-length array written with zero elements, which is what this struct array of the destination reads here (a fixed struct would have been listed).`,
      });
      return;
    }
    if (d.presence === 'maybe') {
      // The source's vmdesc lists only what it sent: an alternative of a field it did send
      // (same name) evaluated the same test the other way.
      const alternative = matchedNames.has(d.f.field) || rest.some((x) => x.f.field === d.f.field);
      if (this.sourceIsWire && alternative) return;
      this.emit(scope, {
        ...node,
        kind: 'field-conditional',
        verdict: 'at-risk',
        reason: this.sourceIsWire
          ? `The destination reads "${d.f.field}" when its test passes, and this stream does not contain it: if the source's test failed (or the source has no such field) while the destination's passes, the destination reads bytes that are not there ("Missing section footer for ${this.idstr}").`
          : `The destination reads "${d.f.field}" when its test passes, and the source never writes it: if the test passes on the destination it reads bytes that are not there ("Missing section footer for ${this.idstr}"; usually a machine-type compat property keeps it off for older machine types).`,
      });
      return;
    }
    this.emit(scope, {
      ...node,
      kind: 'field-added',
      verdict: 'breaks',
      reason: `The destination reads "${d.f.field}" (${describeSize(d.f)}) at this version but the source never writes it: a field added without a version bump or subsection, so the destination reads into what follows ("Missing section footer for ${this.idstr}").`,
    });
  }

  /** Subsections of `src` looked up by name in `destSubs`, as `vmstate_get_subsection` does (first match). */
  private subsections(src: VmstateDescription, destSubs: readonly VmstateDescription[], segments: readonly string[], scope: Scope): void {
    const seen = new Set<string>();
    for (const ss of src.subsections ?? []) {
      if (seen.has(ss.name)) continue;
      seen.add(ss.name);
      const subSegments = [...segments, ss.name];
      const dd = destSubs.find((x) => x.name === ss.name);
      const evidence = this.sourceIsWire ? ss.versionId : this.evidence?.subsection(ss.name);
      const base = { segments: subSegments, sourceNode: ss.jsonPath };
      if (dd === undefined) {
        this.emit(scope, {
          ...base,
          kind: 'subsection-missing',
          verdict: evidence === undefined ? 'at-risk' : evidence === false ? 'fine' : 'breaks',
          sourceVersion: typeof evidence === 'number' ? evidence : ss.versionId,
          reason:
            evidence === false
              ? `The destination does not know subsection ${ss.name}, but this stream does not contain it (its .needed test was false on the source).`
              : evidence === undefined
                ? `The source sends subsection ${ss.name} when its .needed test is true (often tied to a machine-type compat property or to guest state), and the destination does not know it: then the load fails with "No such file or directory" (ENOENT; 10.2+: "VM subsection '${ss.name}' in '${src.name}' does not exist").`
                : `The source sent subsection ${ss.name}, which the destination does not know: the load fails with "No such file or directory" (ENOENT; 10.2+: "VM subsection '${ss.name}' in '${src.name}' does not exist").`,
        });
        continue;
      }
      if (evidence === false) continue;
      const v = typeof evidence === 'number' ? evidence : ss.versionId;
      const inner: Scope = evidence === undefined ? { cap: capVerdict('at-risk', scope.cap), condition: `the source sends subsection ${ss.name}` } : scope;
      const destMin = dd.minimumVersionId ?? 0;
      const versions = { ...base, sourceVersion: v, destVersion: dd.versionId, destNode: dd.jsonPath };
      if (v > dd.versionId) {
        this.emit(inner, {
          ...versions,
          kind: 'version-too-new',
          verdict: 'breaks',
          reason: `The source sends subsection ${ss.name} as version ${v}, above the destination's ${dd.versionId}: QEMU fails with "${ss.name}: incoming version_id ${v} is too new for local version_id ${dd.versionId}".`,
        });
        continue;
      }
      if (v < destMin) {
        this.emit(inner, {
          ...versions,
          kind: 'version-too-old',
          verdict: 'breaks',
          reason: `The source sends subsection ${ss.name} as version ${v}, below the destination's minimum ${destMin}: QEMU fails with "${ss.name}: incoming version_id ${v} is too old for local minimum version_id ${destMin}".`,
        });
        continue;
      }
      if (v !== dd.versionId || (ss.minimumVersionId ?? 0) !== destMin) {
        this.emit(inner, {
          ...versions,
          kind: 'version-accepted',
          verdict: 'fine',
          reason: `Subsection ${ss.name} arrives as version ${v}, which the destination accepts (versions ${destMin} to ${dd.versionId}).`,
        });
      }
      this.walk(ss, dd, v, v, subSegments, inner);
    }
  }
}

function describeSize(f: VmstateField): string {
  if (f.description !== undefined) return `a ${f.description.name} struct${f.num !== undefined ? ` x ${f.num}` : ''}`;
  if (f.size <= 0) return 'variable size';
  if (f.num !== undefined) return `${f.num} x ${f.size} bytes`;
  return `${f.size} byte${f.size === 1 ? '' : 's'}`;
}

function describeRun(items: readonly Item[]): string {
  return items.map((x) => `"${x.f.field}"`).join(', ');
}
