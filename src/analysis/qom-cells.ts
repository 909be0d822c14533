/**
 * One verdict per QOM type for one ordered pair of builds: the judge's findings regrouped by the
 * QOM type they are about, plus whether the manifests can say anything at all about its state.
 *
 * Why QOM types and not vmsd names: one vmsd name can stand for different vmsds (10.0's `vga` is
 * PCI VGA's and isa-vga's), and a rename of one of them (isa-vga saves as `vga-isa` from 11.1)
 * must not paint the others. A release manager also thinks in `-device` names.
 *
 * Why "not comparable": a vmsd with no fields at all (QEMU registers `{.unmigratable = 1}` or an
 * empty placeholder, e.g. nvme before 11.1) or with a field of size 0 and no description (a
 * device-defined VMStateInfo such as `virtio`, `msix`: the device's own code writes whatever it
 * wants there) hides the state the loader will really read. The real loads of 10.0 streams into
 * 11.1 fail inside the `virtio` field (ring sizes), where every manifest says nothing changed.
 * Such a device is `at-risk` whatever the layout comparison says: never `fine`, never a certain
 * failure.
 */
import type { VmstateDescription, VmstateDevice, VmstateManifest } from '../manifest/vmstate-manifest.ts';
import type { JudgeReport } from './judge-findings.ts';
import { worstVerdict, type JudgeFinding, type Verdict } from './verdict.ts';

/** Which side of the pair has the QOM type. */
export type Presence = 'both' | 'source' | 'dest' | 'neither';

export interface Opacity {
  /** `none`: every field is described; `no-fields`: the vmsd has none; `opaque`: size-0 device-defined fields. */
  readonly kind: 'none' | 'no-fields' | 'opaque';
  /** Paths of the opaque fields (`virtio-net > virtio`), or the vmsd for `no-fields`. */
  readonly where: readonly string[];
}

export interface QomCell {
  readonly qomType: string;
  /** The vmsd name (a stream section's idstr suffix) on the source side, else the destination's. */
  readonly section: string;
  /** The destination's vmsd name, when it differs (a renamed section). */
  readonly destSection: string | undefined;
  readonly presence: Presence;
  /** False when either side's vmsd has no fields or an opaque field. */
  readonly comparable: boolean;
  /** Why it is not comparable, per side. */
  readonly opacity: { readonly source: Opacity | undefined; readonly dest: Opacity | undefined };
  /** The judge's own verdict over the findings (what a layout comparison says). */
  readonly layoutVerdict: Verdict;
  /** The cell's verdict: `layoutVerdict`, made `at-risk` when not comparable. */
  readonly verdict: Verdict;
  readonly findings: readonly JudgeFinding[];
}

const opacityCache = new WeakMap<VmstateDevice, Opacity>();

/** Whether a manifest entry describes its state fully, has no fields, or hides some of it. */
export function opacityOf(device: VmstateDevice): Opacity {
  const known = opacityCache.get(device);
  if (known !== undefined) return known;
  const d = device.description;
  let out: Opacity;
  if (d === undefined || ((d.fields ?? []).length === 0 && (d.subsections ?? []).length === 0)) {
    out = { kind: 'no-fields', where: [d?.name ?? device.qomType] };
  } else {
    const where: string[] = [];
    collectOpaque(d, [d.name], where);
    out = where.length > 0 ? { kind: 'opaque', where } : { kind: 'none', where: [] };
  }
  opacityCache.set(device, out);
  return out;
}

/**
 * Size-0 fields that are plain bytes, not device code: `VMSTATE_VBUFFER_UINT32` buffers whose
 * length is a capacity the device fixes (util/fifo8.c `Fifo8.data`, hw/sd/sdhci.c
 * `fifo_buffer`; the same in 5.2, 7.2, 10.0 and 11.1). A manifest prints them exactly like a
 * device-defined VMStateInfo (size 0, no description), so they are named here by their vmsd.
 */
const BYTE_BUFFERS: ReadonlySet<string> = new Set(['Fifo8\u0000data', 'sdhci\u0000fifo_buffer']);

function collectOpaque(d: VmstateDescription, path: readonly string[], out: string[]): void {
  for (const f of d.fields ?? []) {
    const here = [...path, f.field];
    if (f.description !== undefined) collectOpaque(f.description, here, out);
    else if (f.size === 0 && !BYTE_BUFFERS.has(`${d.name}\u0000${f.field}`)) out.push(here.join(' > '));
  }
  for (const s of d.subsections ?? []) collectOpaque(s, [...path, s.name], out);
}

/** The sentence a not-comparable cell shows. */
export function opacityReason(cell: Pick<QomCell, 'qomType' | 'opacity'>, source: string, dest: string): string {
  const parts: string[] = [];
  const say = (o: Opacity | undefined, build: string): void => {
    if (o === undefined || o.kind === 'none') return;
    if (o.kind === 'no-fields') parts.push(`in ${build} its vmsd ${o.where[0] ?? ''} has no fields (a placeholder: QEMU marks such devices unmigratable or saves nothing)`);
    else parts.push(`in ${build} ${o.where.length === 1 ? 'the field' : 'the fields'} ${o.where.slice(0, 3).join(', ')}${o.where.length > 3 ? ` and ${o.where.length - 3} more` : ''} ${o.where.length === 1 ? 'is' : 'are'} written by the device's own code (size 0, no description)`);
  };
  say(cell.opacity.source, source);
  say(cell.opacity.dest, dest);
  return `Not comparable from the manifests: ${parts.join('; ')}. What the loader will read there cannot be seen, so ${cell.qomType} is at risk between these builds whatever the layouts say.`;
}

/**
 * The cells of one pair, one per QOM type either manifest has, in the order of `order` (QOM
 * types neither side has are left out).
 */
export function qomCells(report: JudgeReport, source: VmstateManifest, dest: VmstateManifest, order: readonly string[]): QomCell[] {
  const byType = new Map<string, JudgeFinding[]>();
  for (const f of report.findings) {
    for (const q of f.qomTypes) {
      const list = byType.get(q) ?? [];
      list.push(f);
      byType.set(q, list);
    }
  }
  const out: QomCell[] = [];
  for (const qomType of order) {
    const src = source.devices.get(qomType);
    const dst = dest.devices.get(qomType);
    const srcName = src?.description?.name;
    const dstName = dst?.description?.name;
    if (srcName === undefined && dstName === undefined) continue;
    const presence: Presence = srcName !== undefined && dstName !== undefined ? 'both' : srcName !== undefined ? 'source' : 'dest';
    // Findings about the whole vmsd of other QOM types that share its name do not apply: the
    // judge groups by vmsd name, so a type both sides have may also collect the "only in one
    // binary" finding of a same-named vmsd it is not.
    const findings = (byType.get(qomType) ?? []).filter((f) => {
      if (presence !== 'both') return true;
      return f.kind !== 'device-only-in-dest' && f.kind !== 'device-only-in-source';
    });
    const opacity = { source: src !== undefined && srcName !== undefined ? opacityOf(src) : undefined, dest: dst !== undefined && dstName !== undefined ? opacityOf(dst) : undefined };
    // Only sides that have the type count: a device one build lacks is judged by presence.
    const comparable = presence !== 'both' || ((opacity.source?.kind ?? 'none') === 'none' && (opacity.dest?.kind ?? 'none') === 'none');
    const layoutVerdict = worstVerdict(findings.map((f) => f.verdict));
    out.push({
      qomType,
      section: srcName ?? dstName ?? qomType,
      destSection: srcName !== undefined && dstName !== undefined && dstName !== srcName ? dstName : undefined,
      presence,
      comparable,
      opacity,
      layoutVerdict,
      verdict: comparable ? layoutVerdict : 'at-risk',
      findings,
    });
  }
  return out;
}
