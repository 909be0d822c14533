/** Promise API over the parse worker: one worker per file (see one-shot-worker.ts). */
import { callWorker } from './one-shot-worker.ts';
import { isParseReply, type Parsed, type ParseAs, type ParseRequest } from './parse-protocol.ts';

let nextId = 1;

export function parseInWorker(blob: Blob, name: string, as: ParseAs, signal?: AbortSignal): Promise<Parsed> {
  const id = nextId++;
  const request: ParseRequest = { type: 'parse', id, blob, name, as };
  const spawn = (): Worker => new Worker(new URL('./parse.worker.ts', import.meta.url), { type: 'module', name: `parse ${id}` });
  return callWorker<Parsed>(
    spawn,
    request,
    'parse',
    (reply) => {
      if (!isParseReply(reply) || reply.id !== id) return undefined;
      return reply.type === 'parsed' ? { value: reply.value } : { error: new Error(`could not read ${name}: ${reply.message}`) };
    },
    signal,
  );
}
