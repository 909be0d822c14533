/**
 * The pairings of the set on show: its active stream with each log, and the two logs with each
 * other, each judged by pairing.ts once both files are read, and paired when they describe
 * the same VM or the person chose to read them together.
 */
import { useMemo } from 'react';
import type { DecodedStream } from '../stream/StreamView.tsx';
import { useStreamDecode } from '../stream/use-stream-decode.ts';
import type { ParsedTraceLog } from '../../worker/parse-protocol.ts';
import { compareVms, streamFacts, traceFacts, type Pairing } from './pairing.ts';
import { useTraceLog } from './use-file-content.ts';
import { useWorkspaceState } from './workspace-context.ts';
import { activeFile, pairChoice, type WorkspaceFile } from './workspace-store.ts';

export type PairStatus = 'checking' | 'same' | 'different' | 'unknown';

export interface PairState {
  readonly a: WorkspaceFile;
  readonly b: WorkspaceFile;
  readonly status: PairStatus;
  readonly reasons: readonly string[];
  /** What the person chose against the finding: together, apart, or nothing. */
  readonly choice: boolean | undefined;
  /**
   * Read together: the same VM, or nothing says otherwise (still checking, or nothing to
   * compare: the person may keep them apart), or the person chose so.
   */
  readonly paired: boolean;
}

export interface Pairings {
  readonly stream: WorkspaceFile | undefined;
  readonly save: WorkspaceFile | undefined;
  readonly load: WorkspaceFile | undefined;
  readonly decoded: DecodedStream | undefined;
  readonly saveLog: ParsedTraceLog | undefined;
  readonly loadLog: ParsedTraceLog | undefined;
  readonly streamSave: PairState | undefined;
  readonly streamLoad: PairState | undefined;
  readonly saveLoad: PairState | undefined;
}

function pairState(a: WorkspaceFile, b: WorkspaceFile, judged: Pairing | undefined, choice: boolean | undefined): PairState {
  const status: PairStatus = judged === undefined ? 'checking' : judged.same === true ? 'same' : judged.same === false ? 'different' : 'unknown';
  return { a, b, status, reasons: judged?.reasons ?? [], choice, paired: choice ?? status !== 'different' };
}

export function usePairings(): Pairings {
  const state = useWorkspaceState();
  const stream = activeFile(state, 'stream');
  const save = activeFile(state, 'save');
  const load = activeFile(state, 'load');
  const decoded = useStreamDecode(stream?.file).query.data;
  const saveLog = useTraceLog(save).data;
  const loadLog = useTraceLog(load).data;

  const streamSide = useMemo(() => (decoded !== undefined ? streamFacts(decoded.result) : undefined), [decoded]);
  const saveSide = useMemo(() => (saveLog !== undefined ? traceFacts(saveLog.model, save?.detection?.machine, 'save') : undefined), [saveLog, save]);
  const loadSide = useMemo(() => (loadLog !== undefined ? traceFacts(loadLog.model, load?.detection?.machine, 'load') : undefined), [loadLog, load]);

  const judge = (x: typeof streamSide, y: typeof streamSide): Pairing | undefined => (x !== undefined && y !== undefined ? compareVms(x, y) : undefined);
  const streamSaveJudged = useMemo(() => judge(streamSide, saveSide), [streamSide, saveSide]);
  const streamLoadJudged = useMemo(() => judge(streamSide, loadSide), [streamSide, loadSide]);
  const saveLoadJudged = useMemo(() => judge(saveSide, loadSide), [saveSide, loadSide]);

  return {
    stream,
    save,
    load,
    decoded,
    saveLog,
    loadLog,
    streamSave: stream !== undefined && save !== undefined ? pairState(stream, save, streamSaveJudged, pairChoice(state, stream.id, save.id)) : undefined,
    streamLoad: stream !== undefined && load !== undefined ? pairState(stream, load, streamLoadJudged, pairChoice(state, stream.id, load.id)) : undefined,
    saveLoad: save !== undefined && load !== undefined ? pairState(save, load, saveLoadJudged, pairChoice(state, save.id, load.id)) : undefined,
  };
}
