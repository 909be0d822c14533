/**
 * Which QEMU build each file of a set describes, from everything the set holds: shared by the
 * CLI (`matrix`, `tiers`, `compat-props`...) and the dashboard's release labels.
 *
 * Evidence, strongest first:
 *  1. what the user typed (`VERSION=FILE`, the label input);
 *  2. a QEMU version written in the content (`qemu version: 10.0.13` in a libvirt log, a QMP
 *     greeting or `query-version` reply, `# QEMU 10.0` in a .cmd file);
 *  3. for a `query-machines` reply, its newest versioned machine type (a build's newest
 *     `pc-q35-X.Y` is its own release);
 *  4. the folder or the name (`versions/11.1/...`, `qemu-7.2.*`);
 *  5. for a manifest, its content against the builds the replies name: every dump of one binary
 *     lists the same vmsds, so manifests with the same content are one build; a manifest dumped
 *     with `pc-q35-10.0` comes from 10.0 or later, and from a build that offers that type; a
 *     build can be claimed by one content only. When one build is left, that is the label;
 *  6. for a manifest or `-device help` list, the reply it was dropped with.
 *
 * A name loses to content that proves it wrong (a manifest dumped with pc-q35-11.1 named 10.0);
 * a name wins over content that only narrows it down (a manifest of 11.1 when only 10.0's reply
 * was loaded still matches 10.0). Every disagreement, ambiguity and clash is flagged.
 */
import { compareVersions, parseMachineName } from './machine-names.ts';
import { majorMinor, parseTypedVersion, versionFromName } from './release-label.ts';

/** The kinds of file a label applies to (the workspace's kinds, as strings). */
export type LabelKind =
  | 'vmstate-manifest'
  | 'query-machines'
  | 'device-help'
  | 'device-properties'
  | 'trace-log'
  | 'command-line'
  | 'stream'
  | 'load-outcomes'
  | 'device-models'
  | 'domain-xml'
  | 'mdev-types'
  | 'mdev-config'
  | 'unknown';

export type LabelSource = 'typed' | 'text' | 'machine types' | 'folder' | 'file name' | 'manifest content' | 'next to';

export interface LabelEvidence {
  readonly id: string;
  readonly name: string;
  /** The folder path when known (`webkitRelativePath`, a CLI path). */
  readonly path: string;
  readonly kind: LabelKind;
  /** Files of one origin (a sample set, the user's drops) pair only with each other. */
  readonly group: string;
  readonly typed?: string | undefined;
  /** A QEMU version the content names (`10.0.13`). */
  readonly textVersion?: string | undefined;
  /** Query-machines: the version of its newest versioned machine type; and the names it offers. */
  readonly newestMachine?: string | undefined;
  readonly machineNames?: readonly string[] | undefined;
  /** Whether a query-machines reply carries compat properties (a second kind of reply). */
  readonly compatProps?: boolean | undefined;
  /** Manifest: the machine type it was dumped with. */
  readonly manifestMachine?: string | undefined;
  /** Same value = same content (for a manifest, without its machine name). */
  readonly signature?: string | undefined;
}

export type LabelFlagKind = 'name disagrees' | 'ambiguous' | 'clash' | 'duplicate';

export interface LabelFlag {
  readonly kind: LabelFlagKind;
  readonly message: string;
}

export interface ReleaseLabel {
  /** `major.minor`; undefined when nothing tells. */
  readonly version: string | undefined;
  readonly source: LabelSource | undefined;
  /** One line: why this build. */
  readonly why: string;
  /** Builds the content allows, when it allows several. */
  readonly candidates: readonly string[];
  readonly flags: readonly LabelFlag[];
}

interface Working {
  version: string | undefined;
  source: LabelSource | undefined;
  why: string;
  candidates: string[];
  flags: LabelFlag[];
}

export function labelFiles(files: readonly LabelEvidence[]): ReadonlyMap<string, ReleaseLabel> {
  const out = new Map<string, Working>(files.map((f) => [f.id, { version: undefined, source: undefined, why: 'nothing tells; type the QEMU release', candidates: [], flags: [] }]));
  const get = (id: string): Working => out.get(id) as Working;
  const named = new Map<string, { version: string; source: 'folder' | 'file name' }>();

  for (const f of files) {
    const w = get(f.id);
    const typed = f.typed !== undefined ? parseTypedVersion(f.typed) : undefined;
    const byName = versionFromName(f.name, f.path);
    if (byName !== undefined) named.set(f.id, byName);
    if (typed !== undefined) set(w, typed, 'typed', 'typed in by you');
    else if (f.textVersion !== undefined) set(w, majorMinor(f.textVersion), 'text', `its content names QEMU ${f.textVersion}`);
    else if (f.kind === 'query-machines' && f.newestMachine !== undefined) set(w, majorMinor(f.newestMachine), 'machine types', `its newest versioned machine type is ${majorMinor(f.newestMachine)}`);
    else if (byName !== undefined) set(w, byName.version, byName.source, byName.source === 'folder' ? `from its folder (${f.path})` : `from its file name (${f.name})`);
  }

  labelManifests(files, out, named);
  pairUnlabelled(files, out);

  // A name that says otherwise than the content.
  for (const f of files) {
    const w = get(f.id);
    const n = named.get(f.id);
    if (n !== undefined && w.version !== undefined && w.source !== 'typed' && w.source !== n.source && n.version !== w.version) {
      w.flags.push({ kind: 'name disagrees', message: `its ${n.source} says ${n.version}, ${w.why}: ${w.version} is used` });
    }
  }
  flagClashes(files, out);
  return new Map([...out].map(([id, w]) => [id, { version: w.version, source: w.source, why: w.why, candidates: w.candidates, flags: w.flags }]));
}

function set(w: Working, version: string, source: LabelSource, why: string): void {
  w.version = version;
  w.source = source;
  w.why = why;
}

/** The builds the replies name, with the machine types each offers. */
function knownBuilds(files: readonly LabelEvidence[], out: ReadonlyMap<string, Working>): Map<string, Set<string>> {
  const builds = new Map<string, Set<string>>();
  for (const f of files) {
    if (f.kind !== 'query-machines') continue;
    const v = out.get(f.id)?.version;
    if (v === undefined) continue;
    const names = builds.get(v) ?? new Set<string>();
    for (const n of f.machineNames ?? []) names.add(n);
    builds.set(v, names);
  }
  return builds;
}

interface ContentGroup {
  readonly files: LabelEvidence[];
  /** The newest machine version any member was dumped with: the build is at least this. */
  floor: string | undefined;
  candidates: string[];
}

function labelManifests(files: readonly LabelEvidence[], out: Map<string, Working>, named: ReadonlyMap<string, { version: string; source: 'folder' | 'file name' }>): void {
  const builds = knownBuilds(files, out);
  const groups = new Map<string, ContentGroup>();
  for (const f of files) {
    if (f.kind !== 'vmstate-manifest' || f.signature === undefined) continue;
    const g = groups.get(f.signature) ?? { files: [], floor: undefined, candidates: [] };
    groups.set(f.signature, g);
    g.files.push(f);
    const v = f.manifestMachine !== undefined ? parseMachineName(f.manifestMachine).version : undefined;
    if (v !== undefined && (g.floor === undefined || compareVersions(majorMinor(v), g.floor) > 0)) g.floor = majorMinor(v);
  }
  if (groups.size === 0) return;
  const list = [...groups.values()];
  // A typed label speaks for every file of the same content: one binary wrote them.
  const taken = new Set<string>();
  for (const g of list) {
    const typed = g.files.find((f) => out.get(f.id)?.source === 'typed');
    const v = typed !== undefined ? out.get(typed.id)?.version : undefined;
    if (typed === undefined || v === undefined) continue;
    taken.add(v);
    for (const f of g.files) {
      const w = out.get(f.id);
      if (w !== undefined && w.source !== 'typed') set(w, v, 'manifest content', `the same content as ${typed.name}, typed as ${v}`);
    }
    g.candidates = [v];
  }
  const open = list.filter((g) => g.candidates.length === 0);
  for (const g of open) {
    g.candidates = [...builds]
      .filter(([b, offered]) => (g.floor === undefined || compareVersions(b, g.floor) >= 0) && g.files.every((f) => f.manifestMachine === undefined || offered.size === 0 || offered.has(f.manifestMachine)))
      .map(([b]) => b)
      .sort(compareVersions);
  }
  // One content per build: a build only one content can be leaves the others.
  let changed = true;
  while (changed) {
    changed = false;
    for (const g of open) {
      const left = g.candidates.filter((c) => !taken.has(c));
      if (left.length === 1 && g.candidates.length > 1) {
        g.candidates = left;
        changed = true;
      }
      if (g.candidates.length === 1 && !taken.has(g.candidates[0] ?? '')) {
        taken.add(g.candidates[0] ?? '');
        changed = true;
      }
    }
  }
  for (const g of open) {
    const only = g.candidates.length === 1 ? g.candidates[0] : undefined;
    for (const f of g.files) {
      const w = out.get(f.id);
      if (w === undefined || w.source === 'typed' || w.source === 'text') continue;
      w.candidates = g.candidates;
      const n = named.get(f.id);
      const why = g.floor !== undefined ? `its content matches ${only ?? g.candidates.join(', ')} among the loaded builds (dumped with ${f.manifestMachine ?? '?'}: ${g.floor} or later${g.files.length > 1 ? `; ${g.files.length} manifests share this content` : ''})` : `its content matches ${only ?? g.candidates.join(', ')}`;
      if (n !== undefined) {
        // A name the content rules out loses; otherwise the name is the more deliberate evidence.
        if (builds.has(n.version) && !g.candidates.includes(n.version) && only !== undefined) set(w, only, 'manifest content', why);
        else if (only !== undefined && only !== n.version) w.flags.push({ kind: 'name disagrees', message: `its ${n.source} says ${n.version}, but ${why}` });
      } else if (only !== undefined) {
        set(w, only, 'manifest content', why);
      } else if (g.candidates.length > 1) {
        w.why = `${why}; pick one`;
      }
      if (g.candidates.length > 1 && w.source !== 'folder' && w.source !== 'file name') {
        w.flags.push({ kind: 'ambiguous', message: `its content matches ${g.candidates.join(' and ')}: the loaded replies cannot tell which` });
      }
    }
  }
}

/** Kinds a release is paired onto from the query-machines reply next to them. */
const PAIRED_KINDS: ReadonlySet<LabelKind> = new Set(['vmstate-manifest', 'device-help']);

/**
 * Manifests and device lists nothing else labels take the version of the query-machines reply
 * they were dropped with: files dropped together sit together, in the same order each time (a
 * file manager sorts them), so the files before the first reply tell how much of each drop
 * comes before its reply. That pairs "manifest, reply, manifest, reply", "reply, manifest,
 * reply, manifest" and whole version folders ("devices.txt, qmp-query-machines.json,
 * vmstate-*.json.gz") alike.
 */
function pairUnlabelled(files: readonly LabelEvidence[], out: Map<string, Working>): void {
  const groups = new Map<string, LabelEvidence[]>();
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
    const lead = first.at;
    const starts = anchors.map((a, i) => (i === 0 ? 0 : Math.max((anchors[i - 1]?.at ?? 0) + 1, a.at - lead)));
    list.forEach((f, at) => {
      const w = out.get(f.id);
      if (!PAIRED_KINDS.has(f.kind) || w === undefined || w.version !== undefined) return;
      // A manifest whose content allows several builds pairs only onto one of them.
      let owner = first.file;
      starts.forEach((s, i) => {
        const a = anchors[i];
        if (a !== undefined && s <= at) owner = a.file;
      });
      const v = out.get(owner.id)?.version;
      if (v === undefined || (w.candidates.length > 0 && !w.candidates.includes(v))) return;
      set(w, v, 'next to', `from ${owner.name}, dropped with it (${v})`);
    });
  }
}

/** Two files of one kind claiming one build: the same content twice, or two contents. */
function flagClashes(files: readonly LabelEvidence[], out: Map<string, Working>): void {
  const byClaim = new Map<string, LabelEvidence[]>();
  for (const f of files) {
    const v = out.get(f.id)?.version;
    if (v === undefined || f.signature === undefined) continue;
    // Manifests of one build differ by machine type; a reply with compat properties is another kind of reply.
    const sub = f.kind === 'vmstate-manifest' ? (f.manifestMachine ?? '') : f.kind === 'query-machines' ? String(f.compatProps === true) : '';
    const key = `${f.kind}\u0000${sub}\u0000${v}`;
    const list = byClaim.get(key) ?? [];
    list.push(f);
    byClaim.set(key, list);
  }
  for (const [key, list] of byClaim) {
    if (list.length < 2) continue;
    const v = key.split('\u0000')[2] ?? '?';
    for (const f of list) {
      const others = list.filter((o) => o !== f);
      const different = others.filter((o) => o.signature !== f.signature);
      const w = out.get(f.id);
      if (w === undefined) continue;
      if (different.length > 0) w.flags.push({ kind: 'clash', message: `${different.map((o) => o.name).join(', ')} also claim${different.length === 1 ? 's' : ''} ${v} with other content: one of them is another build` });
      else w.flags.push({ kind: 'duplicate', message: `the same content as ${others.map((o) => o.name).join(', ')} (${v}): one of them is enough` });
    }
  }
  // Different manifest contents claiming one build clash even when dumped with other machine types.
  const manifestsBy = new Map<string, LabelEvidence[]>();
  for (const f of files) {
    const v = out.get(f.id)?.version;
    if (f.kind !== 'vmstate-manifest' || v === undefined || f.signature === undefined) continue;
    const list = manifestsBy.get(v) ?? [];
    list.push(f);
    manifestsBy.set(v, list);
  }
  for (const [v, list] of manifestsBy) {
    const contents = new Set(list.map((f) => f.signature));
    if (contents.size < 2) continue;
    for (const f of list) {
      const w = out.get(f.id);
      const others = list.filter((o) => o.signature !== f.signature && o.manifestMachine !== f.manifestMachine);
      if (w === undefined || others.length === 0 || w.flags.some((x) => x.kind === 'clash')) continue;
      w.flags.push({ kind: 'clash', message: `${others.map((o) => o.name).join(', ')} also claim${others.length === 1 ? 's' : ''} ${v} but list other vmsds: manifests of one build list the same` });
    }
  }
}
