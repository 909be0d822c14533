/**
 * The release board of the workspace, as `migscope matrix --all-machines` builds it from the
 * same files: each build's manifests and query-machines replies (labelled by their build), and
 * any CSV of real load outcomes, marked against it. The board is built in the analysis worker:
 * over four builds it takes hundreds of milliseconds (npm run bench), which on the main thread
 * froze the page.
 */
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { markLoads, parseLoadOutcomes, type ObservedSummary } from '../../../analysis/observed-loads.ts';
import type { BoardMachines, BoardManifest, ReleaseBoard } from '../../../analysis/release-board.ts';
import { releaseBoardInWorker } from '../../../worker/analysis-client.ts';
import { useParsedFiles } from '../../workspace/use-file-content.ts';
import { useStableList } from '../use-stable-list.ts';
import { useVersionedFiles, type VersionedFile } from '../use-versioned-files.ts';

export interface ObservedFile {
  readonly name: string;
  readonly problem: string | undefined;
  readonly rows: number;
}

export interface ReleaseBoardState {
  readonly pending: boolean;
  readonly files: readonly VersionedFile[];
  readonly board: ReleaseBoard | undefined;
  /** Why there is no board, when there is none. */
  readonly problem: string | undefined;
  readonly observed: ObservedSummary | undefined;
  readonly observedFiles: readonly ObservedFile[];
  readonly notes: readonly string[];
}

export function useReleaseBoard(): ReleaseBoardState {
  const versioned = useVersionedFiles();
  const outcomes = useParsedFiles('load-outcomes');
  const files = versioned.files.filter((f) => f.kind === 'vmstate-manifest' || f.kind === 'query-machines');
  const manifests: BoardManifest[] = [];
  const machines: BoardMachines[] = [];
  const notes: string[] = [];
  // What the board is built from: each parsed file by id, with the build it is labelled with.
  const key: string[] = [];
  for (const f of files) {
    const version = f.version.version;
    if (version === undefined) {
      if (!f.pending && f.problem === undefined) notes.push(`${f.file.file.name}: its QEMU build is unknown; type it on its chip in Files.`);
      continue;
    }
    if (f.manifest !== undefined) manifests.push({ version, manifest: f.manifest });
    if (f.machines !== undefined) machines.push({ version, machines: f.machines });
    if (f.manifest !== undefined || f.machines !== undefined) key.push(`${f.file.id}@${version}`);
  }
  const query = useQuery({
    queryKey: ['release-board', ...key],
    queryFn: ({ signal }) => releaseBoardInWorker(manifests, machines, signal),
    enabled: manifests.length > 0,
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
  const result = manifests.length > 0 ? query.data : undefined;

  const texts = useStableList(outcomes.flatMap((o) => [o.file.id, o.query.data]));
  const parsedOutcomes = useMemo(
    () =>
      outcomes.map((o) => {
        const data = o.query.data;
        if (data?.as !== 'text') return { name: o.file.file.name, problem: o.query.isError ? o.query.error.message : undefined, loads: [] };
        const parsed = parseLoadOutcomes(data.text);
        return parsed.ok ? { name: o.file.file.name, problem: undefined, loads: parsed.loads } : { name: o.file.file.name, problem: `line ${parsed.error.line}: ${parsed.error.message}`, loads: [] };
      }),
    // `texts` stands for the parsed outcome files.
    [texts],
  );
  const board = result?.ok === true ? result.value : undefined;
  const observed = useMemo(() => {
    const loads = parsedOutcomes.flatMap((o) => o.loads);
    return board !== undefined && loads.length > 0 ? markLoads(board, loads) : undefined;
  }, [board, parsedOutcomes]);
  return {
    pending: versioned.pending || outcomes.some((o) => o.query.isPending) || (manifests.length > 0 && query.isPending),
    files,
    board,
    problem: query.isError
      ? query.error.message
      : result === undefined
        ? 'Load the -dump-vmstate manifests of two or more QEMU builds (and their query-machines replies).'
        : result.ok
          ? undefined
          : result.error.message,
    observed,
    observedFiles: parsedOutcomes.map((o) => ({ name: o.name, problem: o.problem, rows: o.loads.length })),
    notes,
  };
}
