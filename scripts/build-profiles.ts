/**
 * Writes src/analysis/build-profiles/debian-builds.json: for each Debian QEMU build in
 * fixtures/real-runs/versions (5.2, 7.2, 10.0, 11.1; x86_64 and aarch64), its release and the
 * property defaults its `-device NAME,help` printed for the devices the real runs used, and the
 * sizes of the RAM blocks (firmware, option ROMs, video RAM) its own streams carry, by name
 * without the device path. The analysis layer uses them for the destination when only its
 * release is given.
 *
 *   npx tsx scripts/build-profiles.ts
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseDevicePropertiesHelp } from '../src/manifest/device-properties.ts';
import { decodeRealStream, realRuns } from '../src/analysis/test-support/real-runs.ts';
import { splitIdstr } from '../src/analysis/explain/idstr.ts';

const root = join(import.meta.dirname, '..');
const versions = join(root, 'fixtures', 'real-runs', 'versions');
const shared = join(root, 'fixtures', 'versions');

interface Profile {
  readonly arch: string;
  readonly release: string;
  readonly qemu: string;
  readonly package: string;
  readonly devices: Record<string, Record<string, string>>;
  /** RAM block name (device path dropped) -> used length, when every stream of the build agrees. */
  readonly ramBlocks: Record<string, number>;
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
  profiles.push({ arch, release, qemu: m?.[1] ?? release, package: m?.[2] ?? '', devices, ramBlocks: await ramBlocksOf(arch, release) });
}
const out = join(root, 'src', 'analysis', 'build-profiles', 'debian-builds.json');
writeFileSync(out, `${JSON.stringify({ _source: 'scripts/build-profiles.ts from fixtures/real-runs/versions/*/device-props.json.gz', profiles }, undefined, 1)}\n`);
console.log(`${out}: ${profiles.map((p) => `${p.arch} ${p.qemu} (${Object.keys(p.devices).length} devices, ${Object.keys(p.ramBlocks).length} RAM blocks)`).join(', ')}`);
