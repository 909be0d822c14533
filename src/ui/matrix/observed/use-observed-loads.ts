/**
 * The workspace's results files of real loads (`migscope run`'s results.csv, the fixtures'
 * loads), each row with its files and migscope's prediction for it.
 *
 * A prediction decodes the row's stream in a worker and keeps only the verdict (the decoded
 * tree is dropped), two streams at a time: a run folder holds a stream per load, and decoding
 * them all at once would start as many workers.
 */
import { useQueries, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { parseQemuCommandLine } from '../../../analysis/explain/qemu-cmdline.ts';
import { predictRun, readRunResults, type ReadRunResult, type RunPrediction } from '../../../analysis/run-results.ts';
import { decodeInWorker } from '../../../worker/client.ts';
import { readFileText } from '../../../worker/file-text.ts';
import { useParsedFiles } from '../../workspace/use-file-content.ts';
import { useWorkspaceState } from '../../workspace/workspace-context.ts';
import type { WorkspaceFile } from '../../workspace/workspace-store.ts';
import { rowFiles, type RowFiles } from './observed-files.ts';

/** Streams decoded at once for predictions. */
const CONCURRENT = 2;
/** More rows than this are predicted on request, row by row. */
export const AUTO_PREDICT_ROWS = 64;

export interface ObservedRow {
  readonly row: ReadRunResult;
  readonly files: RowFiles;
  readonly prediction: { readonly status: 'none' | 'queued' | 'pending' | 'error'; readonly message?: string } | { readonly status: 'ready'; readonly value: RunPrediction };
}

export interface ObservedFile {
  readonly file: WorkspaceFile;
  readonly status: 'loading' | 'failed' | 'ready';
  readonly message: string | undefined;
  readonly rows: readonly ObservedRow[];
  readonly skipped: readonly string[];
}

type PredictionKey = readonly ['run-prediction', string, string, string, string, string];

const predictionKey = (row: ReadRunResult, files: RowFiles): PredictionKey => ['run-prediction', files.stream?.id ?? '', files.destCmdline?.id ?? '', row.dest, row.machine, `${row.outcome} ${row.firstError}`];

/** `requested`: rows (by prediction key text) the user asked to predict beyond the automatic ones. */
export function useObservedLoads(requested: ReadonlySet<string>): readonly ObservedFile[] {
  const state = useWorkspaceState();
  const parsed = useParsedFiles('load-outcomes');
  const queryClient = useQueryClient();

  const files = useMemo(
    () =>
      parsed.map(({ file, query }): Omit<ObservedFile, 'rows'> & { readonly rows: readonly Omit<ObservedRow, 'prediction'>[] } => {
        if (query.isPending) return { file, status: 'loading', message: undefined, rows: [], skipped: [] };
        const text = query.data?.as === 'text' ? query.data.text : undefined;
        if (text === undefined) return { file, status: 'failed', message: query.error?.message ?? 'not readable as text', rows: [], skipped: [] };
        const read = readRunResults(text);
        if (!read.ok) return { file, status: 'failed', message: read.message, rows: [], skipped: [] };
        return {
          file,
          status: 'ready',
          message: undefined,
          rows: read.rows.map((row) => ({ row, files: rowFiles(row, state.files) })),
          skipped: read.skipped.map((s) => `row ${s.row}: ${s.message}`),
        };
      }),
    [parsed, state.files],
  );

  const all = files.flatMap((f) => f.rows);
  const auto = all.length <= AUTO_PREDICT_ROWS;
  const wanted = all.map((r) => r.files.stream !== undefined && (auto || requested.has(JSON.stringify(predictionKey(r.row, r.files)))));
  // Rows start in order, CONCURRENT at a time: a row runs once fewer than that before it are unsettled.
  let unsettled = 0;
  const enabled = all.map((r, i) => {
    if (wanted[i] !== true) return false;
    const s = queryClient.getQueryState(predictionKey(r.row, r.files));
    const settled = s?.status === 'success' || s?.status === 'error';
    if (settled) return true;
    if (unsettled >= CONCURRENT) return false;
    unsettled++;
    return true;
  });
  const results = useQueries({
    queries: all.map((r, i) => ({
      queryKey: predictionKey(r.row, r.files),
      queryFn: async ({ signal }: { signal: AbortSignal }): Promise<RunPrediction> => {
        const stream = r.files.stream;
        if (stream === undefined) throw new Error('no stream');
        const reply = await decodeInWorker(stream.file, stream.file.name, { signal });
        const cmd = r.files.destCmdline;
        const parsedCmd = cmd !== undefined ? parseQemuCommandLine(await readFileText(cmd.file, cmd.file.name)) : undefined;
        return predictRun(reply.result, r.row, parsedCmd?.ok === true ? parsedCmd.value : undefined);
      },
      enabled: enabled[i] === true,
      staleTime: Number.POSITIVE_INFINITY,
      retry: false,
    })),
  });

  let at = 0;
  return files.map((f) => ({
    ...f,
    rows: f.rows.map((r): ObservedRow => {
      const i = at++;
      const q = results[i];
      if (wanted[i] !== true || q === undefined) return { ...r, prediction: { status: 'none' } };
      if (q.isSuccess) return { ...r, prediction: { status: 'ready', value: q.data } };
      if (q.isError) return { ...r, prediction: { status: 'error', message: q.error.message } };
      return { ...r, prediction: { status: enabled[i] === true ? 'pending' : 'queued' } };
    }),
  }));
}

/** The key a row's "Predict" request is kept under. */
export function predictionRequestKey(r: Pick<ObservedRow, 'row' | 'files'>): string {
  return JSON.stringify(predictionKey(r.row, r.files));
}
