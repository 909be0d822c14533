/**
 * The files of Debian's four QEMU builds as a release manager would load them: each build's
 * `-dump-vmstate` manifests, `query-machines` replies (plain, and with compat properties where
 * the build has them: 9.1 and later) and `-device help` list, from fixtures/versions,
 * fixtures/versions-extra and fixtures/real-runs/versions. Node only.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { FIXTURES } from '../../format/test-support/fixtures.ts';
import { parseQueryMachines, type QueryMachines, type VmstateManifest } from '../../manifest/index.ts';
import { parseDeviceHelp, type DeviceHelpEntry } from '../device-help.ts';
import { releaseBoard, type ReleaseBoard } from '../release-board.ts';
import { loadManifest } from './real-loads.ts';

export type Arch = 'x86_64' | 'aarch64';

export const X86_BUILDS = ['5.2', '7.2', '10.0', '11.1'] as const;
export const ARM_BUILDS = ['7.2', '10.0', '11.1'] as const;

/** The folders holding one build's files, most complete first. */
export function buildFolders(arch: Arch, version: string): string[] {
  const name = arch === 'aarch64' ? `aarch64-${version}` : version;
  return [join(FIXTURES, 'versions', name), join(FIXTURES, 'real-runs', 'versions', name), join(FIXTURES, 'versions-extra', name)].filter((d) => existsSync(d));
}

export interface BuildFiles {
  readonly version: string;
  /** Every manifest path, one per machine type it was dumped with (first folder that has it). */
  readonly manifests: readonly string[];
  readonly queryMachines: string | undefined;
  readonly compatProps: string | undefined;
  readonly devices: string | undefined;
}

export function buildFiles(arch: Arch, version: string): BuildFiles {
  const folders = buildFolders(arch, version);
  const first = (name: string): string | undefined => folders.map((d) => join(d, name)).find((p) => existsSync(p));
  const seen = new Set<string>();
  const manifests: string[] = [];
  for (const d of folders) {
    for (const f of readdirSync(d).sort()) {
      if (!/^vmstate-.*\.json\.gz$/.test(f) || seen.has(f)) continue;
      seen.add(f);
      manifests.push(join(d, f));
    }
  }
  return {
    version,
    manifests,
    queryMachines: first('qmp-query-machines.json'),
    compatProps: first('qmp-query-machines-compat-props.json.gz'),
    devices: first('devices.txt') ?? first('devices.txt.gz'),
  };
}

export function readText(path: string): string {
  return path.endsWith('.gz') ? gunzipSync(readFileSync(path)).toString('utf8') : readFileSync(path, 'utf8');
}

const machinesCache = new Map<string, QueryMachines>();

export function loadQueryMachines(path: string): QueryMachines {
  const cached = machinesCache.get(path);
  if (cached !== undefined) return cached;
  const parsed = parseQueryMachines(readText(path), path);
  if (!parsed.ok) throw new Error(`${path}: ${parsed.error.message}`);
  machinesCache.set(path, parsed.value);
  return parsed.value;
}

export function loadDevices(path: string): DeviceHelpEntry[] {
  return parseDeviceHelp(readText(path));
}

export interface LoadedBuild {
  readonly version: string;
  readonly manifest: VmstateManifest;
  /** The reply with compat properties when the build has one, else the plain reply. */
  readonly machines: QueryMachines | undefined;
  readonly devices: readonly DeviceHelpEntry[] | undefined;
}

export function loadBuild(arch: Arch, version: string): LoadedBuild {
  const f = buildFiles(arch, version);
  const first = f.manifests[0];
  if (first === undefined) throw new Error(`no manifest of ${arch} ${version}`);
  const machines = f.compatProps ?? f.queryMachines;
  return { version, manifest: loadManifest(first), machines: machines === undefined ? undefined : loadQueryMachines(machines), devices: f.devices === undefined ? undefined : loadDevices(f.devices) };
}

const boards = new Map<Arch, ReleaseBoard>();

/** The board of every build of an architecture, built once per test file. */
export function fourBuildBoard(arch: Arch = 'x86_64'): ReleaseBoard {
  const cached = boards.get(arch);
  if (cached !== undefined) return cached;
  const builds = (arch === 'x86_64' ? X86_BUILDS : ARM_BUILDS).map((v) => loadBuild(arch, v));
  const result = releaseBoard(
    builds.map((b) => ({ version: b.version, manifest: b.manifest })),
    builds.flatMap((b) => (b.machines === undefined ? [] : [{ version: b.version, machines: b.machines }])),
  );
  if (!result.ok) throw new Error(result.error.message);
  boards.set(arch, result.value);
  return result.value;
}
