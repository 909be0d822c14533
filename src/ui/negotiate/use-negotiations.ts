/**
 * Every ordered pair of the workspace's builds negotiated, as `migscope negotiate FILE...` does
 * from the same files: one manifest per build (the first loaded), that build's query-machines
 * reply (the one with compat properties when both are loaded).
 *
 * With "only the stream's devices" on, as `migscope negotiate --src A --dest B --stream S
 * --whitelist W` does: the pairs from the build that saved the active stream to every other
 * build, each narrowed to the devices the stream carries and its subsections checked against
 * what each destination knows and against the subsection whitelist built from the fixtures'
 * real-run streams (bundled: fixtures/real-runs/subsection-whitelist.json).
 */
import { useMemo } from 'react';
import type { MatrixMachines, MatrixManifest } from '../../analysis/compat-matrix.ts';
import { computeNegotiation, negotiateAllPairs, type Negotiation, type NegotiationResult } from '../../analysis/negotiation.ts';
import { streamFacts, type StreamFacts } from '../../analysis/stream-facts.ts';
import { compareVersions } from '../../analysis/machine-names.ts';
import { whitelistFromJson, type SubsectionWhitelist } from '../../analysis/subsection-whitelist.ts';
import whitelistJson from '../../../fixtures/real-runs/subsection-whitelist.json';
import { useFileVersions } from '../matrix/use-file-versions.ts';
import { useStableList } from '../matrix/use-stable-list.ts';
import { useVersionedFiles, type VersionedFile } from '../matrix/use-versioned-files.ts';
import { useStreamDecode } from '../stream/use-stream-decode.ts';
import { useWorkspaceState } from '../workspace/workspace-context.ts';
import { activeFile, type WorkspaceFile } from '../workspace/workspace-store.ts';

export interface NegotiationsState {
  readonly pending: boolean;
  readonly files: readonly VersionedFile[];
  readonly pairs: readonly Negotiation[];
  /** Why a pair could not be negotiated, when one could not. */
  readonly problems: readonly string[];
  /** The active stream, which can narrow the pairs to its devices. */
  readonly stream: { readonly file: WorkspaceFile; readonly version: string | undefined } | undefined;
  /** Whether the pairs are narrowed to the stream (asked, and possible). */
  readonly narrowed: boolean;
}

const BUILT_IN_WHITELIST: SubsectionWhitelist | undefined = (() => {
  const w = whitelistFromJson(whitelistJson);
  return w.ok ? w.value : undefined;
})();

export function useNegotiations(withStream: boolean): NegotiationsState {
  const { files, pending } = useVersionedFiles();
  const state = useWorkspaceState();
  const versions = useFileVersions();
  const streamFile = activeFile(state, 'stream');
  const decode = useStreamDecode(withStream ? streamFile?.file : undefined);
  const decoded = decode.query.data?.result;
  const facts = useMemo(() => (decoded?.configuration !== undefined ? streamFacts(decoded) : undefined), [decoded]);
  const streamVersion = streamFile !== undefined ? versions.of(streamFile.id).version : undefined;

  const used = files.filter((f) => f.kind === 'vmstate-manifest' || f.kind === 'query-machines');
  const manifests: MatrixManifest[] = [];
  const machines: MatrixMachines[] = [];
  for (const f of used) {
    const version = f.version.version;
    if (version === undefined) continue;
    if (f.manifest !== undefined && !manifests.some((m) => m.version === version)) manifests.push({ version, manifest: f.manifest });
    if (f.machines !== undefined) {
      const at = machines.findIndex((m) => m.version === version);
      const withProps = f.machines.machines.some((m) => m.compatProps !== undefined);
      if (at < 0) machines.push({ version, machines: f.machines });
      else if (withProps) machines[at] = { version, machines: f.machines };
    }
  }
  const narrow = withStream && streamFile !== undefined;
  const stable = useStableList([...manifests.flatMap((m) => [m.version, m.manifest]), ...machines.flatMap((m) => [m.version, m.machines]), narrow, facts, streamVersion, streamFile?.file.name]);
  const computed = useMemo((): { results: NegotiationResult[]; problems: string[] } => {
    if (!narrow) return { results: manifests.length >= 2 ? negotiateAllPairs(manifests, machines) : [], problems: [] };
    return streamPairs(manifests, machines, facts, streamVersion, streamFile?.file.name ?? 'the stream');
  }, [stable]);
  const problems = [...computed.problems, ...computed.results.flatMap((r) => (r.ok ? [] : [r.error.message]))];
  if (narrow && decode.query.isError) problems.unshift(`${streamFile.file.name} does not decode: ${decode.query.error.message}`);
  return {
    pending: pending || (narrow && decode.query.isPending),
    files: used,
    pairs: computed.results.flatMap((r) => (r.ok ? [r.value] : [])),
    problems,
    stream: streamFile !== undefined ? { file: streamFile, version: streamVersion } : undefined,
    narrowed: narrow,
  };
}

/** From the stream's build to every other loaded build, with the stream and the whitelist. */
function streamPairs(manifests: readonly MatrixManifest[], machines: readonly MatrixMachines[], facts: StreamFacts | undefined, version: string | undefined, name: string): { results: NegotiationResult[]; problems: string[] } {
  if (facts === undefined) return { results: [], problems: [] };
  if (version === undefined) return { results: [], problems: [`The build that saved ${name} is not known: set its release in the Files panel.`] };
  const source = manifests.find((m) => m.version === version);
  if (source === undefined) return { results: [], problems: [`Load the -dump-vmstate manifest of ${version}, the build that saved ${name}.`] };
  const dests = manifests.filter((m) => m.version !== version).sort((a, b) => compareVersions(a.version, b.version));
  if (dests.length === 0) return { results: [], problems: [`Load the manifest of a build to send ${name} to (${version} saved it).`] };
  // The real runs' whitelist keys aarch64 builds apart: the same version is another binary.
  const aarch64 = facts.machineType?.startsWith('virt') === true;
  const results = dests.map((dest) => computeNegotiation({ source, dest, machines, stream: facts, whitelist: BUILT_IN_WHITELIST, whitelistBuild: aarch64 ? `aarch64-${dest.version}` : dest.version }));
  return { results, problems: [] };
}
