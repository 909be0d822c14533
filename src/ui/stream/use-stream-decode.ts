/**
 * Decoding a file, held by TanStack Query: a file decoded once is not decoded again while it
 * stays in the cache, and dropping another file while one decodes cancels the first (the query
 * function honours the query's AbortSignal by terminating the worker).
 */
import { useQuery, useQueryClient, type UseQueryResult } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import type { DecodeProgress } from '../../format/index.ts';
import { decodeInWorker } from '../../worker/client.ts';
import { hexSourceFor } from '../hex/hex-source.ts';
import type { DecodedStream } from './StreamView.tsx';
import { buildStreamIndex } from './stream-index.ts';

export function decodeQueryKey(file: File): readonly unknown[] {
  return ['decode', file.name, file.size, file.lastModified];
}

export interface StreamDecode {
  readonly query: UseQueryResult<DecodedStream>;
  /** Progress of the decode in flight for this file, if it reported any yet. */
  readonly progress: DecodeProgress | undefined;
  readonly cancel: () => Promise<void>;
}

export function useStreamDecode(file: File | undefined): StreamDecode {
  const queryClient = useQueryClient();
  const key = file !== undefined ? decodeQueryKey(file) : ['decode', 'none'];
  const keyText = JSON.stringify(key);
  const [progress, setProgress] = useState<{ readonly key: string; readonly value: DecodeProgress } | undefined>(undefined);

  const query = useQuery({
    queryKey: key,
    queryFn: async ({ signal }): Promise<DecodedStream> => {
      if (file === undefined) throw new Error('no file');
      const reply = await decodeInWorker(file, file.name, { signal, onProgress: (value) => setProgress({ key: keyText, value }) });
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
  return { query, progress: progress?.key === keyText ? progress.value : undefined, cancel };
}
