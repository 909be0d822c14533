/**
 * Writes src/analysis/build-profiles/debian-builds.json: for each Debian QEMU build in
 * fixtures/real-runs/versions (5.2, 7.2, 10.0, 11.1; x86_64 and aarch64), its release and the
 * property defaults its `-device NAME,help` printed for the devices the real runs used, and the
 * sizes of the RAM blocks (firmware, option ROMs, video RAM) its own streams carry, by name
 * without the device path, and, for the builds that answer `query-machines` with
 * `"compat-props": true` (9.1 and later: 10.0, 11.1), the compat properties that versioned
 * machine types set on QOM types whose name starts with `virtio` (the virtio checks need them; the rest would make the file large).
 * The analysis layer uses them for the destination when only its release is given.
 *
 *   npx tsx scripts/build-profiles.ts
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseDevicePropertiesHelp } from '../src/manifest/device-properties.ts';
import { decodeRealStream, realRuns } from '../src/analysis/test-support/real-runs.ts';
import { splitIdstr } from '../src/analysis/explain/idstr.ts';
import { compareVersions, formatQemuVersion, type QemuVersion } from '../src/analysis/explain/qemu-version.ts';
import { compatMachineVersion } from '../src/analysis/build-profiles/index.ts';

const root = join(import.meta.dirname, '..');
const versions = join(root, 'fixtures', 'real-runs', 'versions');
const shared = join(root, 'fixtures', 'versions');
const extra = join(root, 'fixtures', 'versions-extra');

interface Profile {
  readonly arch: string;
  readonly release: string;
  readonly qemu: string;
  readonly package: string;
  readonly devices: Record<string, Record<string, string>>;
  /** RAM block name (device path dropped) -> used length, when every stream of the build agrees. */
  readonly ramBlocks: Record<string, number>;
  readonly virtioCompat?: VirtioCompat | undefined;
}

/**
 * The `virtio*` compat properties of every machine type, compactly: an entry with `upTo` applies
 * to every versioned machine type of the build up to that version (how hw_compat_X_Y arrays are
 * inherited), `family` limits it to one family (`pc-q35`: a pc_compat or q35-only entry), and
 * one with `machines` applies to those only. Entries are in the order QEMU applies them
 * (newest array first), so a later entry for the same property wins.
 */
interface VirtioCompat {
  readonly source: string;
  readonly machines: readonly string[];
  readonly props: readonly { qomType: string; property: string; value: string; upTo?: string; family?: string; machines?: string[] }[];
}

interface CompatReplyMachine {
  readonly name: string;
  readonly 'compat-props'?: readonly { 'qom-type': string; property: string; value: string }[];
}

function virtioCompatOf(dir: string): VirtioCompat | undefined {
  const file = [join(versions, dir, 'qmp-query-machines-compat-props.json.gz'), join(extra, dir, 'qmp-query-machines-compat-props.json.gz')].find((f) => existsSync(f));
  if (file === undefined) return undefined;
  const json = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as { return?: CompatReplyMachine[]; 'query-machines'?: { return: CompatReplyMachine[] } };
  const reply = json['query-machines']?.return ?? json.return ?? [];
  // Versioned machine types only: the others (boards, microvm, none) take no hw_compat array.
  const versioned = new Map<string, QemuVersion>();
  for (const m of reply) {
    const v = compatMachineVersion(m.name);
    if (v !== undefined) versioned.set(m.name, v);
  }
  const machines = [...versioned.keys()].sort();
  // Each (type, property, value) with the machine types that list it, in first-seen order.
  const seen = new Map<string, { qomType: string; property: string; value: string; on: Set<string> }>();
  for (const m of reply.filter((x) => versioned.has(x.name))) {
    for (const c of m['compat-props'] ?? []) {
      if (!c['qom-type'].startsWith('virtio')) continue;
      const key = JSON.stringify([c['qom-type'], c.property, c.value]);
      const e = seen.get(key) ?? { qomType: c['qom-type'], property: c.property, value: c.value, on: new Set<string>() };
      e.on.add(m.name);
      seen.set(key, e);
    }
  }
  const familyOf = (m: string): string => m.replace(/-[\d.]+$/, '');
  const props = [...seen.values()].map((e) => {
    const newest = [...e.on].map((m) => versioned.get(m) as QemuVersion).reduce((a, v) => (compareVersions(v, a) > 0 ? v : a));
    const families = new Set([...e.on].map(familyOf));
    const only = families.size === 1 ? [...families][0] : undefined;
    // Does "every versioned type (of `family`), up to `upTo` when given" describe the set?
    const describes = (family: string | undefined, upTo: QemuVersion | undefined): boolean =>
      [...versioned].every(([m, v]) => ((family === undefined || familyOf(m) === family) && (upTo === undefined || compareVersions(v, upTo) <= 0)) === e.on.has(m));
    const entry = { qomType: e.qomType, property: e.property, value: e.value };
    const upTo = formatQemuVersion(newest);
    if (describes(undefined, newest)) return { newest, entry: { ...entry, upTo } };
    if (only !== undefined && describes(only, undefined)) return { newest, entry: { ...entry, family: only } };
    if (only !== undefined && describes(only, newest)) return { newest, entry: { ...entry, family: only, upTo } };
    return { newest, entry: { ...entry, machines: [...e.on].sort() } };
  });
  // Newest array first, as QEMU adds them (a machine type's options call the next newer type's first).
  props.sort((a, b) => compareVersions(b.newest, a.newest));
  return { source: file.slice(root.length + 1), machines, props: props.map((p) => p.entry) };
}

/** Sizes of the blocks in every stream the build saved; a name seen with two sizes is left out. */
async function ramBlocksOf(arch: string, release: string): Promise<Record<string, number>> {
  const sizes = new Map<string, Set<number>>();
  const files = new Set(realRuns().filter((r) => r.arch === arch && r.src === release).map((r) => r.streamFile));
  for (const f of [...files].sort()) {
    for (const b of (await decodeRealStream(f)).ram?.blocks ?? []) {
      const name = splitIdstr(b.name).name;
      const set = sizes.get(name) ?? new Set<number>();
      set.add(b.usedLength);
      sizes.set(name, set);
    }
  }
  const out: Record<string, number> = {};
  for (const [name, set] of [...sizes].sort(([a], [b]) => a.localeCompare(b))) if (set.size === 1) out[name] = [...set][0] as number;
  return out;
}

function versionLine(dir: string, release: string): string {
  for (const d of [join(versions, dir), join(shared, release)]) {
    try {
      return readFileSync(join(d, 'version.txt'), 'utf8').split('\n')[0] ?? '';
    } catch {
      // the real runs keep only what the shared copy lacks
    }
  }
  throw new Error(`no version.txt for ${dir}`);
}

const profiles: Profile[] = [];
for (const dir of readdirSync(versions).sort()) {
  const arch = dir.startsWith('aarch64-') ? 'aarch64' : 'x86_64';
  const release = dir.replace(/^aarch64-/, '');
  const json = JSON.parse(gunzipSync(readFileSync(join(versions, dir, 'device-props.json.gz'))).toString('utf8')) as { devices: Record<string, { output: string }> };
  const help = parseDevicePropertiesHelp(Object.values(json.devices).map((d) => d.output).join('\n'));
  const devices: Record<string, Record<string, string>> = {};
  for (const [type, props] of [...help.devices].sort(([a], [b]) => a.localeCompare(b))) {
    const out: Record<string, string> = {};
    for (const p of [...props.values()].sort((a, b) => a.name.localeCompare(b.name))) if (p.defaultValue !== undefined) out[p.name] = p.defaultValue;
    devices[type] = out;
  }
  const line = versionLine(dir, release);
  const m = /version (\S+) \(Debian ([^)]+)\)/.exec(line);
  profiles.push({ arch, release, qemu: m?.[1] ?? release, package: m?.[2] ?? '', devices, ramBlocks: await ramBlocksOf(arch, release), virtioCompat: virtioCompatOf(dir) });
}
const out = join(root, 'src', 'analysis', 'build-profiles', 'debian-builds.json');
writeFileSync(out, `${JSON.stringify({ _source: 'scripts/build-profiles.ts from fixtures/real-runs/versions/*/device-props.json.gz and qmp-query-machines-compat-props.json.gz', profiles }, undefined, 1)}\n`);
console.log(`${out}: ${profiles.map((p) => `${p.arch} ${p.qemu} (${Object.keys(p.devices).length} devices, ${Object.keys(p.ramBlocks).length} RAM blocks${p.virtioCompat !== undefined ? `, ${p.virtioCompat.props.length} virtio compat properties` : ''})`).join(', ')}`);
