/**
 * Which QEMU release a workspace file describes. The workspace does not say (a browser gets a
 * file's name, not its folder), so the views that compare releases (Matrix, Tiers, Hosts) ask
 * here, and the user corrects what was guessed.
 *
 * Evidence, strongest first (the name rules are src/analysis/release-label.ts, which the CLI
 * reads too):
 *  - what the user typed;
 *  - the folder the file was picked from (`versions/7.2/...`, when the browser gives a path);
 *  - the name the samples use: `qemu-7.2.vmstate-...`, `7.2__...`;
 *  - for a query-machines reply, its newest versioned machine type (a build's newest
 *    `pc-q35-X.Y` is its own release);
 *  - for a manifest or a `-device help` list, the query-machines reply dropped next to it.
 *
 * A manifest's `vmschkmachine` is the machine type it was dumped with, never the release
 * (11.1 dumps pc-i440fx-5.2 too), so it is not evidence.
 */
import { compareVersions } from '../../analysis/machine-names.ts';
import { majorMinor, parseTypedVersion, versionFromName } from '../../analysis/release-label.ts';
import type { FileKind } from '../workspace/detect-file.ts';

export type VersionSource = 'typed' | 'folder' | 'file name' | 'machine types' | 'next to';

export interface FileVersion {
  /** `major.minor`; undefined when nothing tells. */
  readonly version: string | undefined;
  readonly source: VersionSource | undefined;
  /** One line for a tooltip: why this version. */
  readonly why: string;
}

export interface VersionEvidence {
  readonly id: string;
  readonly name: string;
  /** `webkitRelativePath` when the browser gave one. */
  readonly path: string;
  readonly kind: FileKind;
  /** Files from a sample set pair only with files of the same set, and user files likewise. */
  readonly group: string;
  /** Query-machines only: the version of its newest versioned machine type. */
  readonly newestMachine?: string | undefined;
  readonly typed?: string | undefined;
}

/** Kinds a release is paired onto from the query-machines next to them. */
const PAIRED_KINDS: ReadonlySet<FileKind> = new Set(['vmstate-manifest', 'device-help']);

/**
 * The version of every file. Manifests and device lists without a name that tells take the
 * version of the query-machines reply they were dropped with: files dropped together sit
 * together in the workspace, in the same order each time (a file manager sorts them), so the
 * files before the first reply tell how much of each drop comes before its reply. That pairs
 * "manifest, reply, manifest, reply", "reply, manifest, reply, manifest" and whole version
 * folders ("devices.txt, qmp-query-machines.json, vmstate-*.json.gz") alike.
 */
export function fileVersions(files: readonly VersionEvidence[]): ReadonlyMap<string, FileVersion> {
  const out = new Map<string, FileVersion>();
  for (const f of files) {
    const typed = f.typed !== undefined ? parseTypedVersion(f.typed) : undefined;
    if (typed !== undefined) {
      out.set(f.id, { version: typed, source: 'typed', why: 'typed in by you' });
      continue;
    }
    const named = versionFromName(f.name, f.path);
    if (named !== undefined) {
      out.set(f.id, { version: named.version, source: named.source, why: named.source === 'folder' ? `from its folder (${f.path})` : `from its file name (${f.name})` });
      continue;
    }
    if (f.kind === 'query-machines' && f.newestMachine !== undefined) {
      const v = majorMinor(f.newestMachine);
      out.set(f.id, { version: v, source: 'machine types', why: `its newest versioned machine type is ${v}` });
    }
  }
  pairUnlabelled(files, out);
  for (const f of files) if (!out.has(f.id)) out.set(f.id, { version: undefined, source: undefined, why: 'nothing tells; type the QEMU release' });
  return out;
}

function pairUnlabelled(files: readonly VersionEvidence[], out: Map<string, FileVersion>): void {
  const groups = new Map<string, VersionEvidence[]>();
  for (const f of files) {
    if (f.kind !== 'query-machines' && !PAIRED_KINDS.has(f.kind)) continue;
    const list = groups.get(f.group) ?? [];
    list.push(f);
    groups.set(f.group, list);
  }
  for (const list of groups.values()) {
    const anchors = list.flatMap((f, at) => (f.kind === 'query-machines' && out.get(f.id)?.version !== undefined ? [{ at, file: f }] : []));
    const first = anchors[0];
    if (first === undefined) continue;
    // The files before the first reply are the part of every drop that comes before its reply.
    const lead = first.at;
    const starts = anchors.map((a, i) => (i === 0 ? 0 : Math.max((anchors[i - 1]?.at ?? 0) + 1, a.at - lead)));
    list.forEach((f, at) => {
      if (!PAIRED_KINDS.has(f.kind) || out.has(f.id)) return;
      let owner = first.file;
      starts.forEach((s, i) => {
        const a = anchors[i];
        if (a !== undefined && s <= at) owner = a.file;
      });
      const v = out.get(owner.id)?.version;
      out.set(f.id, { version: v, source: 'next to', why: `from ${owner.name}, dropped with it (${v ?? '?'})` });
    });
  }
}

/** Versions oldest first (numeric: 5.2 < 7.2 < 11.1). */
export function sortVersions(versions: Iterable<string>): string[] {
  return [...new Set(versions)].sort(compareVersions);
}
