/**
 * The tour's negotiation step: the version a device section carries, read against what
 * Debian's four builds accept for that vmsd (src/analysis/build-profiles/vmsd-ranges.json, from
 * their -dump-vmstate manifests), and the proposal QEMU discussed for when versions move
 * (qemu-devel 2009, "Migration issues and possible solutions"). Pure: model in, step out.
 */
import type { DecodedNode, DecodeResult, SectionRecord } from '../../format/index.ts';
import rangesData from '../../analysis/build-profiles/vmsd-ranges.json';
import { movedVersion, rangeText, type VmsdRanges } from '../../analysis/vmsd-ranges.ts';
import type { TourPart, TourStep } from './tour-steps.ts';

const RANGES = rangesData as unknown as VmsdRanges;

/** The ESP SCSI controllers' section: `migscope negotiate` shows 7.2 -> 5.2 fixed by negotiation. */
export const NEGOTIATION_EXAMPLE = movedVersion(RANGES, ['pciespscsi']);

function rangesOf(vmsd: string): { readonly build: string; readonly range: readonly [number, number] }[] {
  return Object.entries(RANGES).flatMap(([build, r]) => (r[vmsd] === undefined ? [] : [{ build, range: r[vmsd] }]));
}

/** The stream's device whose vmsd the builds' manifests know, preferring one whose range moved between them. */
function negotiationDevice(result: DecodeResult): { readonly section: SectionRecord; readonly vmsd: string } | undefined {
  const candidates = result.sections.flatMap((s) => {
    if (s.type !== 'FULL' || s.end === undefined) return [];
    const vmsd = s.idstr.slice(s.idstr.lastIndexOf('/') + 1);
    return rangesOf(vmsd).length > 0 ? [{ section: s, vmsd }] : [];
  });
  const moved = candidates.find((c) => new Set(rangesOf(c.vmsd).map((r) => r.range.join('..'))).size > 1);
  return moved ?? candidates[0];
}

export function negotiationStep(result: DecodeResult): TourStep | undefined {
  const found = negotiationDevice(result);
  const example = NEGOTIATION_EXAMPLE;
  if (found === undefined || example === undefined) return undefined;
  const header = found.section.node.children?.find((c) => c.kind === 'header');
  const version = header?.children?.find((c) => c.name === 'version_id');
  if (version === undefined || version.end === undefined) return undefined;
  const ranges = rangesOf(found.vmsd);
  const same = new Set(ranges.map((r) => r.range.join('..'))).size === 1;
  const v = found.section.versionId;
  const loads = ranges.filter((r) => v >= r.range[0] && v <= r.range[1]).map((r) => r.build);
  const tooNew = ranges.filter((r) => v > r.range[1]).map((r) => r.build);
  const tooOld = ranges.filter((r) => v < r.range[0]).map((r) => r.build);
  const verdict = [
    loads.length > 0 ? `version ${v} loads in ${loads.join(', ')}` : '',
    tooNew.length > 0 ? `is too new for ${tooNew.join(', ')}` : '',
    tooOld.length > 0 ? `is too old for ${tooOld.join(', ')}` : '',
  ].filter((x) => x !== '');
  const part: TourPart = { label: 'version_id', path: version.path, start: version.start, end: version.end, value: String(found.section.versionId) };
  const node = version as DecodedNode & { end: number };
  return {
    id: 'negotiation',
    title: `Versions and negotiation: ${found.section.idstr}`,
    body: [
      `This section says version ${found.section.versionId}: the version_id of the "${found.vmsd}" vmsd in the QEMU that saved it. The source always sends its own current version; the destination loads anything from its minimum_version_id to its version_id and refuses the rest ("incoming version_id ... is too new").`,
      `Debian's builds accept, for ${found.vmsd}: ${ranges.map((r) => `${r.build} ${rangeText(r.range)}`).join(', ')}${same ? ' (the same everywhere)' : ''}. So ${verdict.join(', and ')}.`,
      `Where versions moved, a 2009 qemu-devel proposal would negotiate: the source offers its range, the destination picks the highest version both hold, and the source leaves out the fields newer than that. In these builds ${example.vmsd} is ${rangeText(example.newerRange)} in ${example.newer} but ${rangeText(example.olderRange)} in ${example.older}: today ${example.newer} sends ${example.newerRange[1]} and ${example.older} refuses it; negotiated, both would use ${example.common}. QEMU never shipped it; machine-type compat properties pin older formats instead. The Negotiate tab and migscope negotiate show, pair by pair, which breaks it would fix.`,
    ],
    path: node.path,
    offset: node.start,
    highlight: { start: node.start, end: node.end },
    parts: [part],
  };
}
