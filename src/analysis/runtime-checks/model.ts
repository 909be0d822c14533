/**
 * Checks that QEMU's device load code makes at run time, against values in the stream and the
 * destination's own configuration: what a layout comparison cannot see. Each family lives in its
 * own module and says which QEMU message it predicts, where that check lives in QEMU's source,
 * which releases make it (read from the Debian source packages of the builds in fixtures/, never
 * guessed) and which destination inputs it needs. A check whose inputs are at hand answers
 * `fails` (with QEMU's message and the bytes) or passes; one whose inputs are missing answers
 * `at-risk` naming exactly the missing input.
 */
import type { ExplainFailure, ExplainNote } from '../explain/model.ts';

export type CheckFamily = 'virtio-rings' | 'virtio-queue-count' | 'arm-cpregs' | 'subsection-state' | 'ram-blocks' | 'pci-config' | 'equal-fields' | 'virtio-features';

/** A destination input a check may need, spelled as the CLI option that gives it. */
export type DestinationInput = '--dest-version' | '--dest-cmdline' | '--dest-sample' | '--dest-manifest' | '--dest-machine';

export interface RuntimeCheckSpec {
  readonly family: CheckFamily;
  /** QEMU's format string, as printed. */
  readonly message: string;
  /** `hw/virtio/virtio.c virtio_load()` */
  readonly source: string;
  /** Which releases make the check, as read from the Debian sources of 5.2, 7.2, 10.0 and 11.1. */
  readonly releases: string;
  /** What the check needs to know of the destination. */
  readonly inputs: readonly DestinationInput[];
}

/** A destination device property that would make the check pass, for the caller to verify. */
export interface Remedy {
  /** The device's path (`0000:00:05.0`), as the section names it. */
  readonly path: string;
  readonly driver: string;
  readonly property: string;
  readonly value: string;
}

/** What one check concluded for one section (or for the stream, for RAM blocks). */
export type CheckOutcome =
  | { readonly verdict: 'fails'; readonly spec: RuntimeCheckSpec; readonly failure: ExplainFailure; readonly remedy?: Remedy | undefined }
  | { readonly verdict: 'at-risk'; readonly spec: RuntimeCheckSpec; readonly note: ExplainNote; readonly missing: readonly DestinationInput[] }
  | { readonly verdict: 'passes'; readonly spec: RuntimeCheckSpec; readonly note?: ExplainNote | undefined };
