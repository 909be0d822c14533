/**
 * Replays one section body as the destination's loader would read it: the fields the stream's
 * vmdesc says were written, against the fields the destination's manifest would read at the
 * section's version, then the subsections that were sent.
 *
 * Names are not on the wire, bytes are. So a field of another name but the same size in the
 * same place is a rename (read correctly), a struct whose nested vmsd has the same name is the
 * same bytes, and only what cannot be lined up is reported. Two things the manifest cannot
 * show are never called failures: whether a conditional field (`field_exists`) is read, and
 * whether an array the destination reads has any elements (a VARRAY of 0 elements leaves no
 * vmdesc entry at all, e.g. piix4_pm `memhp.acpi_memory_hotplug.devs` in every i440fx stream).
 */
import type { VmdescField, VmdescVmsd } from '../../format/model.ts';
import type { VmstateDescription, VmstateField } from '../../manifest/vmstate-manifest.ts';
import { fieldNamesMatch } from '../static-checker.ts';

export type LayoutFindingKind =
  /** The stream sent a subsection the destination's vmsd does not have. */
  | 'unknown-subsection'
  | 'subsection-too-new'
  | 'subsection-too-old'
  /** The stream holds bytes of a field the destination does not read here. */
  | 'stream-field-unread'
  /** The destination reads a field the stream does not hold. */
  | 'dest-field-missing'
  /** Same field, another element size. */
  | 'size-differs'
  /** Another name, same bytes: read correctly. */
  | 'renamed';

export interface LayoutFinding {
  readonly kind: LayoutFindingKind;
  /** `fails`: QEMU refuses it; `at-risk`: depends on what the manifest cannot show; `note`: harmless. */
  readonly severity: 'fails' | 'at-risk' | 'note';
  /** vmsd names from the section down: `['e1000', 'e1000/mit_state']`. */
  readonly vmsdPath: readonly string[];
  /** The stream's field (vmdesc name) or subsection the finding is about, for locating its bytes. */
  readonly streamPath: readonly string[];
  readonly field?: string | undefined;
  readonly streamSize?: number | undefined;
  readonly destSize?: number | undefined;
  readonly version?: number | undefined;
  readonly destVersion?: number | undefined;
  readonly destMinimum?: number | undefined;
  readonly text: string;
}

/** Element sizes of these vmdesc types are fixed by their VMStateInfo and comparable. */
const SCALAR_TYPES: ReadonlySet<string> = new Set([
  'bool',
  'int8',
  'int16',
  'int32',
  'int64',
  'uint8',
  'uint16',
  'uint32',
  'uint64',
  'int32 le',
  'uint32 le',
  'timer',
  'float64',
  'uint8 equal',
  'uint16 equal',
  'uint32 equal',
  'int32 equal',
  'uint64 equal',
]);

interface StreamGroup {
  /** The vmdesc name (with a `[n]` occurrence suffix when the vmsd repeats the name). */
  readonly name: string;
  readonly entries: readonly VmdescField[];
  readonly index: number;
}

type Presence = 'yes' | 'maybe';

interface DestEntry {
  readonly field: VmstateField;
  readonly presence: Presence;
  /** Which occurrence of its name this is among the vmsd's fields (vmdesc `name[n]`). */
  readonly occurrence: number;
  readonly repeated: boolean;
}

/**
 * Compares a section body (the vmdesc device entry) with the destination's description at the
 * section's version. Findings follow load order: fields, then subsections.
 */
export interface LayoutOptions {
  /**
   * False when the destination's manifest does not print array counts (QEMU up to 9.x): a
   * field's `size` is then one element's, and a stream field of a multiple of it in the same
   * place can be the same array (e1000e `core.eitr_intr_pending`, 5 bools, against 10.0's
   * `unused` of 5 bytes; the real 10.0 -> 5.2 loads succeed).
   */
  readonly arrayCounts?: boolean;
}

export function compareLayout(stream: VmdescVmsd, dest: VmstateDescription, version: number, options: LayoutOptions = {}): LayoutFinding[] {
  const out: LayoutFinding[] = [];
  countsKnown = options.arrayCounts !== false;
  compareVmsd(stream, dest, version, [dest.name], [], out);
  countsKnown = true;
  return out;
}

/** Set for the duration of one compareLayout() call (the comparison is synchronous). */
let countsKnown = true;

/** Counts the findings that would stop a load: a cheap score to pick among same-named vmsds. */
export function layoutScore(findings: readonly LayoutFinding[]): number {
  let score = 0;
  for (const f of findings) score += f.severity === 'fails' ? 100 : f.severity === 'at-risk' ? 10 : f.kind === 'renamed' ? 1 : 0;
  return score;
}

function compareVmsd(
  stream: VmdescVmsd,
  dest: VmstateDescription,
  version: number,
  vmsdPath: readonly string[],
  streamPath: readonly string[],
  out: LayoutFinding[],
): void {
  compareFields(stream.fields, dest, version, vmsdPath, streamPath, out);
  for (const sub of stream.subsections ?? []) {
    const name = sub.vmsd_name ?? '';
    const subPath = [...streamPath, name];
    const known = dest.subsections?.find((s) => s.name === name);
    const v = sub.version ?? 0;
    if (known === undefined) {
      out.push({
        kind: 'unknown-subsection',
        severity: 'fails',
        vmsdPath: [...vmsdPath, name],
        streamPath: subPath,
        version: v,
        text: `subsection '${name}' (v${v}) is not among the destination's subsections of '${dest.name}'${listNames(dest.subsections)}`,
      });
      // The loader stops at an unknown subsection; nothing after it is read.
      return;
    }
    if (v > known.versionId) {
      out.push({
        kind: 'subsection-too-new',
        severity: 'fails',
        vmsdPath: [...vmsdPath, name],
        streamPath: subPath,
        version: v,
        destVersion: known.versionId,
        destMinimum: known.minimumVersionId,
        text: `subsection '${name}' is version ${v}; the destination loads up to version ${known.versionId}`,
      });
      return;
    }
    if (known.minimumVersionId !== undefined && v < known.minimumVersionId) {
      out.push({
        kind: 'subsection-too-old',
        severity: 'fails',
        vmsdPath: [...vmsdPath, name],
        streamPath: subPath,
        version: v,
        destVersion: known.versionId,
        destMinimum: known.minimumVersionId,
        text: `subsection '${name}' is version ${v}; the destination needs at least version ${known.minimumVersionId}`,
      });
      return;
    }
    compareVmsd(sub, known, v, [...vmsdPath, name], subPath, out);
  }
}

function listNames(subs: readonly VmstateDescription[] | undefined): string {
  if (subs === undefined || subs.length === 0) return ' (it has none)';
  return ` (it has ${subs.map((s) => `'${s.name}'`).join(', ')})`;
}

function groupStream(fields: readonly VmdescField[]): StreamGroup[] {
  const groups: { name: string; entries: VmdescField[]; index: number }[] = [];
  for (const f of fields) {
    const last = groups[groups.length - 1];
    // Uncompressed array elements repeat the name (with an `index` key up to 10.x, without it
    // in 11.1): one field. Distinct fields of one name carry `[n]` suffixes, so never repeat.
    if (last !== undefined && last.name === f.name) last.entries.push(f);
    else groups.push({ name: f.name, entries: [f], index: groups.length });
  }
  return groups;
}

function destEntries(dest: VmstateDescription, version: number): DestEntry[] {
  const fields = dest.fields ?? [];
  const counts = new Map<string, number>();
  for (const f of fields) counts.set(f.field, (counts.get(f.field) ?? 0) + 1);
  const seen = new Map<string, number>();
  const out: DestEntry[] = [];
  for (const f of fields) {
    const occurrence = seen.get(f.field) ?? 0;
    seen.set(f.field, occurrence + 1);
    // vmstate_field_exists(): a test function alone decides; otherwise "present since".
    const presence: Presence | undefined = f.fieldExists ? 'maybe' : f.versionId <= version ? 'yes' : undefined;
    if (presence === undefined) continue;
    out.push({ field: f, presence, occurrence, repeated: (counts.get(f.field) ?? 0) > 1 });
  }
  return out;
}

/** Does the stream field group stand for this destination field (same bytes by name)? */
function sameField(table: string, group: StreamGroup, entry: DestEntry): boolean {
  const s = group.name;
  const d = entry.field.field;
  if (s === d) return !entry.repeated || entry.occurrence === 0 || !hasIndexSuffix(s);
  const m = /^(.*)\[(\d+)\]$/.exec(s);
  if (m !== null && entry.repeated && (m[1] === d || fieldNamesMatch(table, m[1] ?? '', d))) {
    return Number(m[2]) === entry.occurrence;
  }
  if (fieldNamesMatch(table, s, d) || (m !== null && fieldNamesMatch(table, m[1] ?? '', d))) return true;
  // A struct field renamed around the same nested vmsd (ps2kbd `common` -> `parent_obj`).
  const nested = group.entries[0]?.struct?.vmsd_name;
  return nested !== undefined && nested === entry.field.description?.name;
}

function hasIndexSuffix(name: string): boolean {
  return /\[\d+\]$/.test(name);
}

function groupBytes(group: StreamGroup): number {
  let n = 0;
  for (const e of group.entries) n += e.size * (e.array_len ?? 1);
  return n;
}

/** Could these be the same bytes under two names (a rename)? */
function sizesAgree(group: StreamGroup, entry: DestEntry): boolean {
  const first = group.entries[0];
  if (first === undefined) return false;
  const d = entry.field;
  if (first.struct !== undefined || first.type === 'struct') return d.description !== undefined;
  if (d.description !== undefined) return false;
  if (d.size === 0) return true;
  if (first.size === d.size || groupBytes(group) === d.size) return true;
  return !countsKnown && d.num === undefined && groupBytes(group) % d.size === 0;
}

function sameSize(group: StreamGroup, entry: DestEntry): boolean {
  const first = group.entries[0];
  return first === undefined || entry.field.size === 0 || first.size === entry.field.size || groupBytes(group) === entry.field.size || first.struct !== undefined;
}

function compareFields(
  streamFields: readonly VmdescField[],
  dest: VmstateDescription,
  version: number,
  vmsdPath: readonly string[],
  streamPath: readonly string[],
  out: LayoutFinding[],
): void {
  const groups = groupStream(streamFields);
  const wanted = destEntries(dest, version);
  let i = 0;
  let j = 0;
  const table = dest.name;
  const unread = (g: StreamGroup): void => {
    const bytes = groupBytes(g);
    if (bytes === 0) return;
    out.push({
      kind: 'stream-field-unread',
      severity: 'fails',
      vmsdPath,
      streamPath: [...streamPath, g.name],
      field: g.name,
      streamSize: bytes,
      version,
      text: `the stream holds ${bytes} byte${bytes === 1 ? '' : 's'} of '${g.name}' in '${dest.name}' v${version}, which the destination does not read there`,
    });
  };
  const missing = (e: DestEntry, next: StreamGroup | undefined): void => {
    if (e.presence === 'maybe') return;
    // A struct array the destination reads may simply have no elements (no vmdesc entry).
    const couldBeEmpty = e.field.description !== undefined || e.field.size === 0;
    out.push({
      kind: 'dest-field-missing',
      severity: couldBeEmpty ? 'note' : 'at-risk',
      vmsdPath,
      streamPath: next === undefined ? streamPath : [...streamPath, next.name],
      field: e.field.field,
      destSize: e.field.size,
      version,
      text: couldBeEmpty
        ? `the destination reads '${e.field.field}' in '${dest.name}' v${version}; the stream lists no element of it (an empty array reads nothing)`
        : `the destination reads '${e.field.field}' (${e.field.size} bytes, present since v${e.field.versionId}) in '${dest.name}' v${version}, which the stream does not hold`,
    });
  };

  while (j < wanted.length) {
    const entry = wanted[j] as DestEntry;
    const group = groups[i];
    if (group === undefined) {
      missing(entry, undefined);
      j++;
      continue;
    }
    if (sameField(table, group, entry)) {
      matchPair(group, entry, vmsdPath, streamPath, out);
      i++;
      j++;
      continue;
    }
    const laterDest = findIndex(wanted, j + 1, (e) => sameField(table, group, e));
    const laterStream = findIndex(groups, i + 1, (g) => sameField(table, g, entry));
    if (laterDest < 0 && laterStream < 0) {
      if (entry.presence === 'maybe' && !sizesAgree(group, entry)) {
        j++;
        continue;
      }
      if (sizesAgree(group, entry)) {
        out.push({
          kind: 'renamed',
          severity: 'note',
          vmsdPath,
          streamPath: [...streamPath, group.name],
          field: entry.field.field,
          version,
          text:
            sameSize(group, entry)
              ? `'${group.name}' of the stream is read as '${entry.field.field}' (same size, same place)`
              : `'${group.name}' of the stream (${groupBytes(group)} bytes) is read as '${entry.field.field}' (${entry.field.size}-byte elements; the destination's manifest does not give the array's count, so ${groupBytes(group) / entry.field.size} elements are assumed)`,
        });
        if (group.entries[0]?.struct !== undefined && entry.field.description !== undefined) {
          compareVmsd(group.entries[0].struct, entry.field.description, entry.field.description.versionId, [...vmsdPath, entry.field.description.name], [...streamPath, group.name], out);
        }
      } else {
        unread(group);
        missing(entry, group);
      }
      i++;
      j++;
      continue;
    }
    if (laterDest >= 0 && (laterStream < 0 || laterDest - j <= laterStream - i)) {
      for (let k = j; k < laterDest; k++) missing(wanted[k] as DestEntry, group);
      j = laterDest;
    } else {
      for (let k = i; k < laterStream; k++) unread(groups[k] as StreamGroup);
      i = laterStream;
    }
  }
  for (; i < groups.length; i++) unread(groups[i] as StreamGroup);
}

function matchPair(group: StreamGroup, entry: DestEntry, vmsdPath: readonly string[], streamPath: readonly string[], out: LayoutFinding[]): void {
  const first = group.entries[0];
  if (first === undefined) return;
  const d = entry.field;
  if (first.struct !== undefined && d.description !== undefined) {
    // A nested struct carries no version: the destination reads it at its own version_id.
    for (const e of group.entries) {
      if (e.struct !== undefined) compareVmsd(e.struct, d.description, d.description.versionId, [...vmsdPath, d.description.name], [...streamPath, group.name], out);
    }
    return;
  }
  if (SCALAR_TYPES.has(first.type) && d.size !== 0 && first.size !== d.size) {
    out.push({
      kind: 'size-differs',
      severity: 'fails',
      vmsdPath,
      streamPath: [...streamPath, group.name],
      field: d.field,
      streamSize: first.size,
      destSize: d.size,
      text: `'${d.field}' is ${first.size} byte${first.size === 1 ? '' : 's'} per element in the stream (${first.type}) and ${d.size} on the destination`,
    });
  }
}

function findIndex<T>(list: readonly T[], from: number, pred: (item: T) => boolean): number {
  for (let k = from; k < list.length; k++) if (pred(list[k] as T)) return k;
  return -1;
}
