/**
 * One request to a fresh worker, as a promise. Each call gets its own worker, terminated when
 * the answer comes or the caller aborts: terminating stops even work with no abort point
 * (a gzip inflate, a large JSON parse) and frees its memory at once.
 */

/** What one message from the worker means: keep listening (undefined), or the outcome. */
export type WorkerOutcome<T> = { readonly value: T } | { readonly error: Error } | undefined;

export function callWorker<T>(
  spawn: () => Worker,
  request: unknown,
  what: string,
  onMessage: (data: unknown) => WorkerOutcome<T>,
  signal?: AbortSignal,
): Promise<T> {
  if (signal?.aborted === true) return Promise.reject(abortReason(signal, what));
  return new Promise<T>((resolve, reject) => {
    const worker = spawn();
    const finish = (): void => {
      worker.terminate();
      signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = (): void => {
      finish();
      reject(abortReason(signal, what));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.onmessage = (e: MessageEvent<unknown>) => {
      const outcome = onMessage(e.data);
      if (outcome === undefined) return;
      finish();
      if ('error' in outcome) reject(outcome.error);
      else resolve(outcome.value);
    };
    worker.onerror = (e: ErrorEvent) => {
      finish();
      reject(new Error(`${what} worker failed: ${e.message || 'could not start'}`));
    };
    worker.onmessageerror = () => {
      finish();
      reject(new Error(`${what} worker sent a message that could not be received`));
    };
    worker.postMessage(request);
  });
}

function abortReason(signal: AbortSignal | undefined, what: string): unknown {
  return signal?.reason ?? new DOMException(`${what} cancelled`, 'AbortError');
}
