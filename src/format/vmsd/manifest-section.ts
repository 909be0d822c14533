/**
 * A FULL section decoded with a -dump-vmstate manifest (manifest-body.ts), and the check of a
 * section the vmdesc decoded against the manifest: where both exist the vmdesc wins, and what
 * the manifest would have read differently is listed (a stream saved by another build says so).
 */
import type { Cursor } from '../bytes/cursor.ts';
import type { Diagnostic } from '../errors.ts';
import type { DecodedNode } from '../model.ts';
import { findFooter } from '../stream/opaque.ts';
import { decodeManifestBody, type ManifestBodyResult } from './manifest-body.ts';
import { schemaFor, vmsdNameOf, type SchemaIndex, type SchemaVmsd } from './schema.ts';

/** Bodies above this are not read into memory for the layout search; they stay opaque. */
export const MANIFEST_MAX_BODY = 16 * 1024 * 1024;

export interface ManifestSectionInput {
  readonly cur: Cursor;
  readonly index: SchemaIndex;
  readonly idstr: string;
  readonly sectionId: number;
  readonly versionId: number;
  readonly bodyStart: number;
  readonly path: readonly string[];
  readonly diagnostics: Diagnostic[];
}

export type ManifestSectionResult =
  | { readonly ok: true; readonly children: DecodedNode[]; readonly note: string }
  | { readonly ok: false; readonly reason: string };

/**
 * Finds the body's footer, then decodes the body with the manifest's description of the
 * section's vmsd. Leaves the cursor at the footer either way.
 */
export async function decodeSectionWithManifest(input: ManifestSectionInput): Promise<ManifestSectionResult & { readonly footerAt: number }> {
  const { cur, index, idstr } = input;
  const footerAt = await findFooter(cur, input.sectionId, `section '${idstr}'`);
  cur.seek(footerAt);
  const found = schemaFor(index, idstr);
  if (found === undefined) {
    return {
      ok: false,
      footerAt,
      reason: `the manifest has no vmsd '${vmsdNameOf(idstr)}' (-dump-vmstate lists only the vmsds of device classes)`,
    };
  }
  const length = footerAt - input.bodyStart;
  if (length > MANIFEST_MAX_BODY) return { ok: false, footerAt, reason: `its body of ${length} bytes is larger than the ${MANIFEST_MAX_BODY} bytes searched in memory` };
  const bytes = await cur.source.read(input.bodyStart, length);
  const tried = found.candidates.map((vmsd) => ({ vmsd, result: decodeManifestBody({ bytes, base: input.bodyStart, vmsd, version: input.versionId, path: input.path, inferCounts: index.schema.arrayCounts }) }));
  const fits = tried.filter((t): t is { vmsd: SchemaVmsd; result: Extract<ManifestBodyResult, { ok: true }> } => t.result.ok);
  if (fits.length > 1 && new Set(fits.map((t) => layoutKey(t.result.children))).size > 1) {
    return { ok: false, footerAt, reason: `${fits.length} different descriptions of vmsd '${found.vmsdName}' in the manifest fit its bytes` };
  }
  const fit = fits[0];
  if (fit === undefined) {
    const first = tried[0]?.result;
    return { ok: false, footerAt, reason: first !== undefined && !first.ok ? first.reason : 'no description fits' };
  }
  const { vmsd, result } = fit;
  if (input.versionId > vmsd.versionId) {
    input.diagnostics.push({
      severity: 'warning',
      code: 'MANIFEST_DISAGREES',
      offset: input.bodyStart,
      message: `${idstr}: the section has version ${input.versionId}, the manifest's vmsd '${vmsd.name}' version ${vmsd.versionId}: the stream was saved by another build than the manifest's`,
    });
  }
  for (const d of result.disagreements) {
    input.diagnostics.push({ severity: 'warning', code: 'MANIFEST_DISAGREES', offset: input.bodyStart, message: `${idstr}: ${d}` });
  }
  for (const u of result.unsized) {
    input.diagnostics.push({
      severity: 'info',
      code: 'MANIFEST_CANNOT_SAY',
      offset: input.bodyStart,
      message: `${idstr}: the manifest gives no size or type for field '${u}' (a device-defined type such as virtio, or a buffer sized by another field); its bytes up to what follows are shown as opaque`,
    });
  }
  const counts = result.inferred.filter((s) => s.includes('elements (the manifest gives no count'));
  if (counts.length > 0) {
    input.diagnostics.push({ severity: 'info', code: 'MANIFEST_COUNT_INFERRED', offset: input.bodyStart, message: `${idstr}: ${counts.join('; ')}` });
  }
  const note =
    `decoded with the manifest ${index.schema.file} as schema (vmsd '${vmsd.name}' version ${vmsd.versionId}), fitted to the bytes up to the footer` +
    (result.inferred.length > 0 ? `; not given by the manifest: ${result.inferred.join('; ')}` : '');
  return { ok: true, footerAt, children: result.children, note };
}

/** What the manifest says of a body the vmdesc decoded. */
export type ManifestCheck =
  | { readonly kind: 'same' }
  /** It reads other fields, or other bytes, or the section's version is not its build's. */
  | { readonly kind: 'differs'; readonly why: string }
  /** It cannot decode the body alone (no unique layout, a field with no size...). */
  | { readonly kind: 'cannot-say'; readonly why: string }
  | { readonly kind: 'absent' };

/** Decodes a body the vmdesc already decoded with the manifest too, and compares the two. */
export async function compareWithManifest(cur: Cursor, index: SchemaIndex, idstr: string, versionId: number, bodyStart: number, bodyEnd: number, path: readonly string[], fromVmdesc: readonly DecodedNode[]): Promise<ManifestCheck> {
  const found = schemaFor(index, idstr);
  if (found === undefined) return { kind: 'absent' };
  const length = bodyEnd - bodyStart;
  if (length > MANIFEST_MAX_BODY) return { kind: 'cannot-say', why: `its body of ${length} bytes is larger than the ${MANIFEST_MAX_BODY} bytes searched in memory` };
  const bytes = await cur.source.read(bodyStart, length);
  const want = layoutLines(fromVmdesc);
  let check: ManifestCheck = { kind: 'absent' };
  for (const vmsd of found.candidates) {
    if (versionId > vmsd.versionId) {
      check = { kind: 'differs', why: `the section has version ${versionId}, the manifest's vmsd '${vmsd.name}' version ${vmsd.versionId}` };
      continue;
    }
    const r = decodeManifestBody({ bytes, base: bodyStart, vmsd, version: versionId, path, inferCounts: index.schema.arrayCounts });
    if (!r.ok) {
      if (check.kind !== 'differs') check = { kind: 'cannot-say', why: r.reason };
      continue;
    }
    const got = layoutLines(r.children);
    const i = firstDifference(want, got);
    if (i === undefined) return { kind: 'same' };
    check = { kind: 'differs', why: `the vmdesc has ${want[i] ?? 'nothing more'} where the manifest has ${got[i] ?? 'nothing more'}` };
  }
  return check;
}

/** One line per field, struct and subsection: path, kind and byte range (not device-state children). */
function layoutLines(nodes: readonly DecodedNode[]): string[] {
  const out: string[] = [];
  const visit = (list: readonly DecodedNode[]): void => {
    for (const n of list) {
      if (n.kind !== 'field' && n.kind !== 'struct' && n.kind !== 'subsection') continue;
      out.push(`${n.kind} '${n.path.slice(1).join('/')}' at 0x${n.start.toString(16)}-0x${(n.end ?? n.start).toString(16)}`);
      if (n.kind !== 'field' && n.children !== undefined) visit(n.children);
    }
  };
  visit(nodes);
  return out;
}

function layoutKey(nodes: readonly DecodedNode[]): string {
  return layoutLines(nodes).join('\n');
}

function firstDifference(a: readonly string[], b: readonly string[]): number | undefined {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return undefined;
}
