/**
 * Where a decoded node's bytes end, for everything that shows a range: the Sections table, the
 * field details and hex selection, Explain, the Timeline. One rule, so that no two views give
 * the same section two sizes.
 *
 * A node the decoder finished ends where it says. A node it stopped inside (the section whose
 * footer check failed, the record a truncation cut) ends just after the byte decoding stopped
 * at: nothing after that byte was read as part of it, and what follows is, as far as anyone can
 * tell, the next records. When the stream ran out, the node ends with the stream.
 */
import type { DecodedNode, DecodeResult } from './model.ts';

export interface ByteExtent {
  readonly start: number;
  /** Exclusive. */
  readonly end: number;
  /** True when decoding stopped inside: `end` is where it stopped, not where the node ends. */
  readonly cut: boolean;
}

type StopInfo = Pick<DecodeResult, 'error' | 'source'>;

/** Where every node decoding stopped inside ends (exclusive). */
export function stopEnd(result: StopInfo): number {
  const size = result.source.size;
  const error = result.error;
  if (error === undefined || error.code === 'UNEXPECTED_EOF') return size;
  return Math.min(size, Math.max(0, error.offset + 1));
}

/** The bytes of a node (or of any record with `start` and a possibly missing `end`). */
export function nodeExtent(node: Pick<DecodedNode, 'start' | 'end'>, result: StopInfo): ByteExtent {
  if (node.end !== undefined) return { start: node.start, end: node.end, cut: false };
  return { start: node.start, end: Math.max(node.start, stopEnd(result)), cut: true };
}
