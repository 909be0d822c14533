/**
 * The vocabulary of "why did (or will) this load fail": causes, verdicts and the failure record
 * that diagnosis (from a destination log) and prediction (from what is known of the
 * destination) both produce, so the CLI and the Explain view render one shape.
 */

export type ExplainCause =
  /** The stream's machine type differs from the destination's `-machine`. */
  | 'MACHINE_TYPE_MISMATCH'
  /** The destination QEMU does not have the machine type at all: it never starts. */
  | 'UNKNOWN_MACHINE_TYPE'
  /** A section (device) of the stream has no counterpart on the destination. */
  | 'UNKNOWN_SECTION'
  /** A section or subsection version above what the destination loads. */
  | 'VERSION_TOO_NEW'
  /** A section or subsection version below the destination's minimum. */
  | 'VERSION_TOO_OLD'
  /** A subsection the destination does not know (ENOENT before 10.2). */
  | 'UNKNOWN_SUBSECTION'
  /** Source and destination disagree on a device's fields: the destination reads other bytes. */
  | 'LAYOUT_MISMATCH'
  /** The stream's own bytes contradict themselves (footer, idstr, version against its vmdesc). */
  | 'CORRUPTED'
  /** A RAM block of the stream is unknown to the destination or has another size. */
  | 'RAMBLOCK_MISMATCH'
  /** The stream ends before its last section. */
  | 'TRUNCATED'
  /** Not a migration stream, or a header the destination refuses. */
  | 'BAD_HEADER'
  /** A device's own load check refused the values (EQUAL fields, PCI config, virtio features). */
  | 'DEVICE_CHECK_FAILED'
  /** A migration capability differs between the two sides. */
  | 'CAPABILITY_MISMATCH'
  /** A command (MIG_CMD) the destination does not know. */
  | 'UNKNOWN_COMMAND';

export const EXPLAIN_CAUSES: readonly ExplainCause[] = [
  'MACHINE_TYPE_MISMATCH',
  'UNKNOWN_MACHINE_TYPE',
  'UNKNOWN_SECTION',
  'VERSION_TOO_NEW',
  'VERSION_TOO_OLD',
  'UNKNOWN_SUBSECTION',
  'LAYOUT_MISMATCH',
  'CORRUPTED',
  'RAMBLOCK_MISMATCH',
  'TRUNCATED',
  'BAD_HEADER',
  'DEVICE_CHECK_FAILED',
  'CAPABILITY_MISMATCH',
  'UNKNOWN_COMMAND',
];

export type ExplainVerdict = 'fails' | 'loads' | 'at-risk';

/** Where a failure sits in the stream: a whole section record (header to footer). */
export interface FailureSection {
  readonly idstr: string;
  readonly instance: number;
  /** Offset of the section's type byte. */
  readonly offset: number;
  /** Bytes up to the end of its footer, or to where the stream stops. */
  readonly length: number;
}

/** One value read from the bytes where the failure sits, for the view to show next to the hex. */
export interface FailureValue {
  readonly name: string;
  readonly offset: number;
  readonly length: number;
  /** Decimal or hex text of the value; strings quoted. */
  readonly value: string;
}

export interface ExplainFailure {
  readonly cause: ExplainCause;
  readonly section: FailureSection | undefined;
  /** Path of the failing field below the section: `e1000/full_mac_state/mac_reg`, `footer`, ... */
  readonly field: string | undefined;
  /** The byte where the destination stops (or would stop). */
  readonly offset: number | undefined;
  /** Bytes of the failing element at `offset` (the field, the header entry, ...). */
  readonly length: number | undefined;
  /** What the destination's QEMU prints (its wording; several lines joined by newlines). */
  readonly message: string;
  readonly explanation: string;
  readonly fix: string;
  readonly values: readonly FailureValue[];
}

/** Something the inputs cannot settle, or worth saying although it does not stop the load. */
export interface ExplainNote {
  readonly severity: 'at-risk' | 'info';
  readonly code: string;
  readonly text: string;
  readonly section?: FailureSection | undefined;
  readonly offset?: number | undefined;
  /** For `at-risk`: the failure it would be, what QEMU would print then, and how to rule it out. */
  readonly cause?: ExplainCause | undefined;
  readonly message?: string | undefined;
  readonly fix?: string | undefined;
}

/** Which of the inputs decided the verdict. */
export type ExplainBasis = 'log' | 'prediction' | 'stream';
