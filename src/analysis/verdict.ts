/**
 * The vocabulary of a compatibility answer: a verdict per finding, ordered so that the worst
 * finding decides a device, a cell of the matrix, or a whole check.
 *
 * `breaks` means QEMU's loader refuses the stream (for a device: every VM that has it);
 * `at-risk` means it depends on something the inputs cannot show (whether the VM has the
 * device, whether the source sends a conditional field or subsection, a destination-side test);
 * `fine` means the loader accepts it, and the finding only explains why.
 */

export type Verdict = 'breaks' | 'at-risk' | 'fine';

export const VERDICTS: readonly Verdict[] = ['breaks', 'at-risk', 'fine'];

const RANK: Readonly<Record<Verdict, number>> = { fine: 0, 'at-risk': 1, breaks: 2 };

export function verdictRank(v: Verdict): number {
  return RANK[v];
}

/** The worse of the verdicts; `fine` for none. */
export function worstVerdict(verdicts: Iterable<Verdict>): Verdict {
  let worst: Verdict = 'fine';
  for (const v of verdicts) if (RANK[v] > RANK[worst]) worst = v;
  return worst;
}

/** Lowers `breaks` to `at-risk` when the condition it depends on is not known to hold. */
export function capVerdict(v: Verdict, cap: Verdict): Verdict {
  return RANK[v] > RANK[cap] ? cap : v;
}

export type JudgeKind =
  // Whole devices
  /** The source binary has this vmsd, the destination binary does not. */
  | 'device-only-in-source'
  /** Only the destination has it: a VM keeps its reset state there, no error. */
  | 'device-only-in-dest'
  /** A QOM type both binaries have saves under another vmsd name in the destination. */
  | 'vmsd-renamed'
  // Versions on the wire (sections and subsections)
  /** Incoming version above the destination's `version_id`: `unsupported version` / `is too new`. */
  | 'version-too-new'
  /** Incoming version below the destination's `minimum_version_id`: `is too old`. */
  | 'version-too-old'
  /** Different `version_id`/`minimum_version_id`, but the incoming version is accepted. */
  | 'version-accepted'
  // Field layout
  /** A destination field whose `version_id` is above the incoming version: not read. */
  | 'field-gated'
  /** A field the destination reads that the source never writes. */
  | 'field-added'
  /** A field the source writes that the destination never reads. */
  | 'field-removed'
  /** Different names, same size and position: the bytes are read the same. */
  | 'field-renamed'
  /** An `unused` gap on one side stands for fields of the same total size on the other. */
  | 'field-unused'
  /** Same field, different element size or element count. */
  | 'field-size'
  /** The two field lists stop lining up here; the loader reads the rest misaligned. */
  | 'field-layout'
  /** Different `version_id` ("present since"), but both sides read it at the incoming version. */
  | 'field-version'
  /** A field with a test function (`field_exists`) on one side only, or sent/not sent. */
  | 'field-conditional'
  /** One side describes the field as a struct, the other not. */
  | 'field-description'
  /** A nested struct's vmsd version differs: each side uses its own (VMS_STRUCT has no version on the wire). */
  | 'struct-version'
  // Subsections
  /** A subsection the source may send (or sent) that the destination does not know. */
  | 'subsection-missing'
  // Stream-level facts
  /** The stream's machine type against the destination's. */
  | 'machine-type'
  /** The destination binary does not offer the machine type at all. */
  | 'machine-type-missing'
  /** A stream section no manifest describes (QEMU-internal state, or unknown). */
  | 'section-undescribed'
  /** The stream itself cannot be read to the end. */
  | 'stream-damaged'
  /** A check the destination's device load code makes on the stream's values (runtime-checks/). */
  | 'runtime-check';

export interface JudgeFinding {
  /** The vmsd name: the stream's idstr suffix (`ich9_ahci`), `configuration` for the machine type. */
  readonly device: string;
  /** QOM types (manifest top-level keys) that register this vmsd, source side first. */
  readonly qomTypes: readonly string[];
  /** Where in the vmsd: segments from the top vmsd down to the field or subsection. */
  readonly pathSegments: readonly string[];
  /** `pathSegments` joined with ` > ` (field names contain dots and subsection names slashes). */
  readonly path: string;
  readonly kind: JudgeKind;
  readonly verdict: Verdict;
  /** One sentence a reviewer understands, naming the QEMU error when there is one. */
  readonly reason: string;
  readonly sourceVersion?: number | undefined;
  readonly destVersion?: number | undefined;
  /** JSON path of the node in the source manifest, relative to its top-level entry (`.Description.Fields[3]`). */
  readonly sourceNode?: string | undefined;
  /** Same for the destination manifest. */
  readonly destNode?: string | undefined;
  /** For `runtime-check`: which check, where in the stream, and what it needs. */
  readonly runtime?: RuntimeCheckDetail | undefined;
}

/**
 * A runtime check's finding in plain values (offsets are stream offsets, in bytes), so the
 * judge's vocabulary does not depend on the explain model.
 */
export interface RuntimeCheckDetail {
  /** The check family (`virtio-rings`, `arm-cpregs`, ...). */
  readonly family: string;
  /** QEMU's format string for the check. */
  readonly check: string;
  /** Where QEMU makes it (`hw/virtio/virtio.c virtio_load()`). */
  readonly source: string;
  /** Which releases make it. */
  readonly releases: string;
  readonly section: { readonly idstr: string; readonly instance: number; readonly offset: number; readonly length: number } | undefined;
  /** The field QEMU refuses, below the section (`virtio/queues[0]/vring.num`). */
  readonly field: string | undefined;
  readonly offset: number | undefined;
  readonly length: number | undefined;
  /** What the destination prints (fails) or would print (at-risk), lines joined by newlines. */
  readonly message: string | undefined;
  readonly explanation: string | undefined;
  readonly fix: string | undefined;
  /** For at-risk: the destination inputs that would settle it, as the CLI options that give them. */
  readonly missing: readonly string[];
}

export const PATH_SEPARATOR = ' > ';

export function joinPath(segments: readonly string[]): string {
  return segments.join(PATH_SEPARATOR);
}

/** Counts per verdict, for summaries and exit codes. */
export interface VerdictCounts {
  readonly breaks: number;
  readonly 'at-risk': number;
  readonly fine: number;
}

export function countVerdicts(findings: readonly { readonly verdict: Verdict }[]): VerdictCounts {
  let breaks = 0;
  let atRisk = 0;
  let fine = 0;
  for (const f of findings) {
    if (f.verdict === 'breaks') breaks++;
    else if (f.verdict === 'at-risk') atRisk++;
    else fine++;
  }
  return { breaks, 'at-risk': atRisk, fine };
}

/** Breaks first, then at-risk, then fine; stable within a verdict. */
export function byVerdict<T extends { readonly verdict: Verdict }>(findings: readonly T[]): T[] {
  return [...findings].sort((a, b) => RANK[b.verdict] - RANK[a.verdict]);
}
