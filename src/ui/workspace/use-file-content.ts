/**
 * The parsed content of workspace files, through TanStack Query: each file is parsed once (in
 * the parse worker), shared by every view that asks, and counted by `__appIdle` while parsing.
 *
 * Streams are not here: they are decoded by use-stream-decode.ts, which also feeds the hex view.
 */
import { useQueries, useQuery, type UseQueryResult } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { QueryMachines, Result, VmstateManifest } from '../../manifest/index.ts';
import type { Parsed, ParseAs, ParsedCommandLine, ParsedDeviceProperties, ParsedMachineCatalog, ParsedTraceLog } from '../../worker/parse-protocol.ts';
import { parseInWorker } from '../../worker/parse-client.ts';
import type { FileKind } from './detect-file.ts';
import { filesOfKind, type WorkspaceFile } from './workspace-store.ts';
import { useWorkspaceState } from './workspace-context.ts';

/** How each kind of text file is read; streams and unknown files are not parsed here. */
const PARSE_AS: Readonly<Partial<Record<FileKind, ParseAs>>> = {
  'trace-log': 'trace-log',
  'vmstate-manifest': 'vmstate-manifest',
  'query-machines': 'query-machines',
  'device-help': 'device-help',
  'device-properties': 'text',
  'command-line': 'text',
  'device-models': 'device-models',
  'load-outcomes': 'text',
  'domain-xml': 'assigned-devices',
  'mdev-types': 'mdev-types',
  'mdev-config': 'mdev-config',
};

export function parseAsFor(kind: FileKind): ParseAs | undefined {
  return PARSE_AS[kind];
}

function parseQuery(file: WorkspaceFile | undefined, as: ParseAs) {
  return {
    queryKey: ['parse', as, file?.id ?? 'none'] as const,
    queryFn: ({ signal }: { signal: AbortSignal }): Promise<Parsed> => {
      if (file === undefined) return Promise.reject(new Error('no file'));
      return parseInWorker(file.file, file.file.name, as, signal);
    },
    enabled: file !== undefined,
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  };
}

/** A trace log or destination stderr: its model and text. */
export function useTraceLog(file: WorkspaceFile | undefined): UseQueryResult<ParsedTraceLog> {
  return useQuery({
    ...parseQuery(file, 'trace-log'),
    select: (p: Parsed) => {
      if (p.as !== 'trace-log') throw new Error(`${file?.file.name ?? 'file'} is not a trace log`);
      return p;
    },
  });
}

export function useVmstateManifest(file: WorkspaceFile | undefined): UseQueryResult<Result<VmstateManifest>> {
  return useQuery({
    ...parseQuery(file, 'vmstate-manifest'),
    select: (p: Parsed) => {
      if (p.as !== 'vmstate-manifest') throw new Error(`${file?.file.name ?? 'file'} is not a manifest`);
      return p.result;
    },
  });
}

export function useQueryMachines(file: WorkspaceFile | undefined): UseQueryResult<Result<QueryMachines>> {
  return useQuery({
    ...parseQuery(file, 'query-machines'),
    select: (p: Parsed) => {
      if (p.as !== 'query-machines') throw new Error(`${file?.file.name ?? 'file'} is not a query-machines reply`);
      return p.result;
    },
  });
}

/** One of the Explain view's destination inputs, parsed in the worker as `as` says. */
export function useParsedAs<A extends 'command-line' | 'device-properties' | 'machine-catalog'>(
  file: WorkspaceFile | undefined,
  as: A,
): UseQueryResult<Extract<ParsedCommandLine | ParsedDeviceProperties | ParsedMachineCatalog, { as: A }>> {
  return useQuery({
    ...parseQuery(file, as),
    select: (p: Parsed) => {
      if (p.as !== as) throw new Error(`${file?.file.name ?? 'file'} did not parse as ${as}`);
      return p as Extract<ParsedCommandLine | ParsedDeviceProperties | ParsedMachineCatalog, { as: A }>;
    },
  });
}

export interface ParsedFile {
  readonly file: WorkspaceFile;
  readonly query: UseQueryResult<Parsed>;
}

/**
 * Every loaded file of one kind, each with its parse: what a view combining many files (a
 * matrix of manifests, hosts with their query-machines) starts from.
 */
export function useParsedFiles(kind: FileKind, asOverride?: ParseAs): readonly ParsedFile[] {
  const state = useWorkspaceState();
  const files = useMemo(() => filesOfKind(state, kind), [state, kind]);
  const as = asOverride ?? parseAsFor(kind);
  const queries = useQueries({ queries: files.map((f) => parseQuery(as !== undefined ? f : undefined, as ?? 'text')) });
  return files.map((file, i) => ({ file, query: queries[i] as UseQueryResult<Parsed> }));
}
