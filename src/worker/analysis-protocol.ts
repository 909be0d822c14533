/**
 * Messages to the analysis worker, which builds the compatibility matrix, the release board
 * (every machine type, every pair of builds) and the machine tiers off the main thread: over four builds' manifests that
 * is hundreds of milliseconds of work (npm run bench), too long for one task of the page.
 */
import type { compatMatrix, MatrixMachines, MatrixManifest, MatrixOptions, MatrixStream } from '../analysis/compat-matrix.ts';
import type { MachineTiers, TierVersionInput } from '../analysis/machine-tiers.ts';
import type { BoardMachines, BoardManifest, releaseBoard } from '../analysis/release-board.ts';

export type BoardResult = ReturnType<typeof releaseBoard>;
export type MatrixResult = ReturnType<typeof compatMatrix>;

export type AnalysisRequest =
  | { readonly type: 'board'; readonly id: number; readonly manifests: readonly BoardManifest[]; readonly machines: readonly BoardMachines[] }
  | {
      readonly type: 'matrix';
      readonly id: number;
      readonly manifests: readonly MatrixManifest[];
      readonly streams: readonly MatrixStream[];
      readonly machines: readonly MatrixMachines[];
      readonly options: MatrixOptions;
    }
  /** Tiers of every build; with manifests of two builds or more, checked against their board. */
  | { readonly type: 'tiers'; readonly id: number; readonly inputs: readonly TierVersionInput[] };

export type AnalysisReply =
  | { readonly type: 'board'; readonly id: number; readonly result: BoardResult }
  | { readonly type: 'matrix'; readonly id: number; readonly result: MatrixResult }
  | { readonly type: 'tiers'; readonly id: number; readonly tiers: MachineTiers }
  | { readonly type: 'error'; readonly id: number; readonly message: string };

export function isAnalysisReply(data: unknown): data is AnalysisReply {
  return typeof data === 'object' && data !== null && 'type' in data && 'id' in data && typeof (data as { id: unknown }).id === 'number';
}
