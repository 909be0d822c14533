/** Promise API over the analysis worker: one worker per request (see one-shot-worker.ts). */
import type { MatrixMachines, MatrixManifest, MatrixOptions, MatrixStream } from '../analysis/compat-matrix.ts';
import type { MachineTiers, TierVersionInput } from '../analysis/machine-tiers.ts';
import type { BoardMachines, BoardManifest } from '../analysis/release-board.ts';
import { callWorker } from './one-shot-worker.ts';
import { isAnalysisReply, type AnalysisRequest, type BoardResult, type MatrixResult } from './analysis-protocol.ts';

let nextId = 1;

function call<T>(request: AnalysisRequest, pick: (reply: unknown) => T | undefined, signal?: AbortSignal): Promise<T> {
  const spawn = (): Worker => new Worker(new URL('./analysis.worker.ts', import.meta.url), { type: 'module', name: `analysis ${request.id}` });
  return callWorker<T>(
    spawn,
    request,
    request.type,
    (reply) => {
      if (!isAnalysisReply(reply) || reply.id !== request.id) return undefined;
      if (reply.type === 'error') return { error: new Error(`${request.type}: ${reply.message}`) };
      const value = pick(reply);
      return value === undefined ? undefined : { value };
    },
    signal,
  );
}

export function releaseBoardInWorker(manifests: readonly BoardManifest[], machines: readonly BoardMachines[], signal?: AbortSignal): Promise<BoardResult> {
  return call({ type: 'board', id: nextId++, manifests, machines }, (r) => (isAnalysisReply(r) && r.type === 'board' ? r.result : undefined), signal);
}

export function machineTiersInWorker(inputs: readonly TierVersionInput[], signal?: AbortSignal): Promise<MachineTiers> {
  return call({ type: 'tiers', id: nextId++, inputs }, (r) => (isAnalysisReply(r) && r.type === 'tiers' ? r.tiers : undefined), signal);
}

export function compatMatrixInWorker(
  manifests: readonly MatrixManifest[],
  streams: readonly MatrixStream[],
  machines: readonly MatrixMachines[],
  options: MatrixOptions,
  signal?: AbortSignal,
): Promise<MatrixResult> {
  return call({ type: 'matrix', id: nextId++, manifests, streams, machines, options }, (r) => (isAnalysisReply(r) && r.type === 'matrix' ? r.result : undefined), signal);
}
