/**
 * Decoding a file, held by TanStack Query: a file decoded once is not decoded again while it
 * stays in the cache, and dropping another file while one decodes cancels the first (the query
 * function honours the query's AbortSignal by terminating the worker).
 */
import { skipToken, useQuery, useQueryClient, type UseQueryResult } from '@tanstack/react-query';
import { useCallback } from 'react';
import type { DecodeProgress, VmstateSchema } from '../../format/index.ts';
import { decodeInWorker } from '../../worker/client.ts';
import { hexSourceFor } from '../hex/hex-source.ts';
import type { DecodedStream } from './StreamView.tsx';
import { buildStreamIndex } from './stream-index.ts';

/** A manifest used as the schema: its workspace file id keys the decode, the model is sent. */
export interface SchemaChoice {
  readonly id: string;
  readonly schema: VmstateSchema;
}

export function decodeQueryKey(file: File, schemaId?: string): readonly unknown[] {
  return schemaId === undefined ? ['decode', file.name, file.size, file.lastModified] : ['decode', file.name, file.size, file.lastModified, 'schema', schemaId];
}

/**
 * Progress lives in the query cache beside the decode, not in the state of whichever
 * component started it: several views read the same decode, and the one showing the bar may
 * not be the one whose query function ran.
 */
interface ProgressEntry {
  readonly value: DecodeProgress | undefined;
}

function progressKey(keyText: string): readonly unknown[] {
  return ['decode-progress', keyText];
}

export interface StreamDecode {
  readonly query: UseQueryResult<DecodedStream>;
  /** Progress of the decode in flight for this file, if it reported any yet. */
  readonly progress: DecodeProgress | undefined;
  readonly cancel: () => Promise<void>;
}

export function useStreamDecode(file: File | undefined, schema?: SchemaChoice): StreamDecode {
  const queryClient = useQueryClient();
  const key = file !== undefined ? decodeQueryKey(file, schema?.id) : ['decode', 'none'];
  const keyText = JSON.stringify(key);
  const progress = useQuery<ProgressEntry>({ queryKey: progressKey(keyText), queryFn: skipToken, staleTime: Number.POSITIVE_INFINITY });

  const query = useQuery({
    queryKey: key,
    queryFn: async ({ signal }): Promise<DecodedStream> => {
      if (file === undefined) throw new Error('no file');
      const setProgress = (value: DecodeProgress | undefined): void => {
        queryClient.setQueryData<ProgressEntry>(progressKey(keyText), { value });
      };
      // A decode run again (the cache let the last one go) starts from nothing.
      setProgress(undefined);
      const reply = await decodeInWorker(file, file.name, { signal, onProgress: setProgress, ...(schema !== undefined ? { schema: schema.schema } : {}) });
      const hex = hexSourceFor(file, reply.result.source, reply.streamBytes);
      return { file, result: reply.result, hex, index: buildStreamIndex(reply.result) };
    },
    enabled: file !== undefined,
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
    // An inflated stream can be hundreds of MiB: do not keep ones nobody looks at for long.
    gcTime: 60_000,
  });

  const cancel = useCallback(() => queryClient.cancelQueries({ queryKey: JSON.parse(keyText) as unknown[] }), [queryClient, keyText]);
  return { query, progress: progress.data?.value, cancel };
}
