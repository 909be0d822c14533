/**
 * Which QEMU build a workspace file describes, as the Matrix, Tiers, Compat and Hosts views and
 * the Files panel show it: src/analysis/release-evidence.ts reads it from what the files hold
 * (a version in the text, a reply's newest machine type, a manifest's content against the
 * loaded builds), then from names (a browser gets a file's name, and a folder only when one was
 * picked), then from the reply a file was dropped with; what the user typed wins.
 */
import { compareVersions } from '../../analysis/machine-names.ts';
import { labelFiles, type LabelEvidence, type LabelSource, type ReleaseLabel } from '../../analysis/release-evidence.ts';

export type VersionSource = LabelSource;

/** A file's build, why, and what to look at (release-evidence.ts's label). */
export type FileVersion = ReleaseLabel;

export type VersionEvidence = LabelEvidence;

export function fileVersions(files: readonly VersionEvidence[]): ReadonlyMap<string, FileVersion> {
  return labelFiles(files);
}

/** Versions oldest first (numeric: 5.2 < 7.2 < 11.1). */
export function sortVersions(versions: Iterable<string>): string[] {
  return [...new Set(versions)].sort(compareVersions);
}
