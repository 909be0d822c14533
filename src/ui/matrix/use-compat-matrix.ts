/**
 * The matrix of the workspace's manifests, as `migscope matrix` builds it from the same files:
 * one manifest set per release, that release's query-machines when loaded, and optionally the
 * active stream narrowing its release's columns. Built in the analysis worker (tens to hundreds
 * of milliseconds per machine type, npm run bench).
 */
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { compatMatrixInWorker } from '../../worker/analysis-client.ts';
import type { CompatMatrix, MatrixMachines, MatrixManifest, MatrixStream } from '../../analysis/compat-matrix.ts';
import { streamFacts } from '../../analysis/stream-facts.ts';
import { useStreamDecode } from '../stream/use-stream-decode.ts';
import { useWorkspaceState } from '../workspace/workspace-context.ts';
import { activeFile, type WorkspaceFile } from '../workspace/workspace-store.ts';
import type { FileVersion } from './file-versions.ts';
import { sortVersions } from './file-versions.ts';
import { useMatrixOptions } from './matrix-options.ts';
import { useFileVersions } from './use-file-versions.ts';
import { useStableList } from './use-stable-list.ts';
import { useVersionedFiles, type VersionedFile } from './use-versioned-files.ts';

export interface MatrixStreamInfo {
  readonly file: WorkspaceFile;
  readonly version: FileVersion;
  readonly machineType: string | undefined;
  /** Why it does not narrow the matrix although asked to, when it does not. */
  readonly unused: string | undefined;
}

export interface MatrixState {
  readonly pending: boolean;
  /** Manifests and query-machines, for the file list. */
  readonly files: readonly VersionedFile[];
  /** Releases with a usable manifest, oldest first. */
  readonly versions: readonly string[];
  readonly machineOptions: readonly string[];
  readonly stream: MatrixStreamInfo | undefined;
  /** Why there is no matrix, when there is none. */
  readonly problem: string | undefined;
  readonly matrix: CompatMatrix | undefined;
  /** Said about the inputs by the view (the analysis adds its own notes to the matrix). */
  readonly notes: readonly string[];
}

export function useCompatMatrix(): MatrixState {
  const state = useWorkspaceState();
  const options = useMatrixOptions();
  const versioned = useVersionedFiles();
  const versionsOf = useFileVersions();
  const streamFile = activeFile(state, 'stream');
  const decode = useStreamDecode(options.narrow ? streamFile?.file : undefined);

  const files = versioned.files.filter((f) => f.kind === 'vmstate-manifest' || f.kind === 'query-machines');
  const manifests: MatrixManifest[] = [];
  const machines: MatrixMachines[] = [];
  const notes: string[] = [];
  for (const f of files) {
    const version = f.version.version;
    if (version === undefined) continue;
    if (f.manifest !== undefined) manifests.push({ version, manifest: f.manifest });
    if (f.machines !== undefined) {
      if (machines.some((m) => m.version === version)) notes.push(`${f.file.file.name}: a second query-machines reply for ${version}; the first one is used.`);
      else machines.push({ version, machines: f.machines });
    }
  }
  const unversioned = files.filter((f) => f.version.version === undefined && f.problem === undefined && !f.pending);
  for (const f of unversioned) notes.push(`${f.file.file.name}: its QEMU release is unknown; type it in the file list to use it.`);

  const streamVersion = streamFile !== undefined ? versionsOf.of(streamFile.id) : undefined;
  const decoded = decode.query.data?.result;
  const facts = useMemo(() => (decoded !== undefined ? streamFacts(decoded) : undefined), [decoded]);
  let unused: string | undefined;
  const streams: MatrixStream[] = [];
  if (options.narrow && streamFile !== undefined) {
    if (streamVersion?.version === undefined) unused = 'type the release that saved it';
    else if (!manifests.some((m) => m.version === streamVersion.version)) unused = `no manifest of ${streamVersion.version} is loaded`;
    else if (decode.query.isError) unused = `it does not decode: ${decode.query.error.message}`;
    else if (facts !== undefined) streams.push({ version: streamVersion.version, facts });
  }

  const stableManifests = useStableList(manifests.flatMap((m) => [m.version, m.manifest]));
  // What the matrix is built from: the parsed files by id with their release, the stream, the machine type.
  const key = [
    ...files.flatMap((f) => (f.version.version !== undefined && (f.manifest !== undefined || f.machines !== undefined) ? [`${f.file.id}@${f.version.version}`] : [])),
    ...(streams.length > 0 && streamFile !== undefined ? [`stream ${streamFile.id}@${streamVersion?.version ?? '?'}`] : []),
    `machine ${options.machine ?? '-'}`,
  ];
  const query = useQuery({
    queryKey: ['compat-matrix', ...key],
    queryFn: ({ signal }) => compatMatrixInWorker(manifests, streams, machines, options.machine !== undefined ? { machine: options.machine } : {}, signal),
    enabled: manifests.length > 0,
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
  const result = manifests.length > 0 ? query.data : undefined;

  const machineOptions = useMemo(() => {
    const names = new Set<string>();
    for (const m of manifests) if (m.manifest.machine !== undefined) names.add(m.manifest.machine);
    if (facts?.machineType !== undefined) names.add(facts.machineType);
    if (options.machine !== undefined) names.add(options.machine);
    return [...names].sort();
  }, [stableManifests, facts, options.machine]);

  const versions = sortVersions(manifests.map((m) => m.version));
  return {
    pending: versioned.pending || (options.narrow && streamFile !== undefined && decode.query.isPending) || (manifests.length > 0 && query.isPending),
    files,
    versions,
    machineOptions,
    stream:
      streamFile !== undefined && streamVersion !== undefined
        ? { file: streamFile, version: streamVersion, machineType: facts?.machineType ?? decoded?.configuration?.machineType, unused }
        : undefined,
    problem: query.isError ? query.error.message : result === undefined ? 'Load the -dump-vmstate manifests of two or more QEMU releases.' : result.ok ? undefined : result.error.message,
    matrix: result?.ok === true ? result.value : undefined,
    notes,
  };
}
