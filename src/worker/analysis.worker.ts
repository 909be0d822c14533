/** Builds the matrix, the release board or the machine tiers off the main thread; the knowledge is in src/analysis. */
import { compatMatrix } from '../analysis/compat-matrix.ts';
import { machineTiersOfBuilds } from '../analysis/machine-tiers.ts';
import { releaseBoard } from '../analysis/release-board.ts';
import type { AnalysisReply, AnalysisRequest } from './analysis-protocol.ts';

/** The DOM lib is loaded project-wide, so describe the worker scope we use by hand. */
interface WorkerScope {
  onmessage: ((e: MessageEvent<AnalysisRequest>) => void) | null;
  postMessage(message: AnalysisReply): void;
}

const scope = self as unknown as WorkerScope;

scope.onmessage = (e) => {
  const req = e.data;
  try {
    if (req.type === 'board') scope.postMessage({ type: 'board', id: req.id, result: releaseBoard(req.manifests, req.machines) });
    else if (req.type === 'matrix') scope.postMessage({ type: 'matrix', id: req.id, result: compatMatrix(req.manifests, req.streams, req.machines, req.options) });
    else scope.postMessage({ type: 'tiers', id: req.id, tiers: machineTiersOfBuilds(req.inputs) });
  } catch (err) {
    scope.postMessage({ type: 'error', id: req.id, message: err instanceof Error ? err.message : String(err) });
  }
};
