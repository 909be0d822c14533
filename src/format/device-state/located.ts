/**
 * A value read from a decoded node, with the bytes it came from: what the accessors in this
 * folder return, so that a check or an explanation can quote each value at its own offset.
 */
import type { DecodedNode } from '../model.ts';

export interface Located<T> {
  readonly value: T;
  /** Absolute stream offset of the value's first byte. */
  readonly offset: number;
  readonly length: number;
  readonly node: DecodedNode;
}

export function located<T>(n: DecodedNode, value: T): Located<T> {
  return { value, offset: n.start, length: (n.end ?? n.start) - n.start, node: n };
}

export function byName(nodes: readonly DecodedNode[], name: string): DecodedNode | undefined {
  return nodes.find((n) => n.name === name);
}

export function numberAt(nodes: readonly DecodedNode[], name: string): Located<number> | undefined {
  const n = byName(nodes, name);
  return n !== undefined && typeof n.value === 'number' ? located(n, n.value) : undefined;
}

export function bigintAt(nodes: readonly DecodedNode[], name: string): Located<bigint> | undefined {
  const n = byName(nodes, name);
  return n !== undefined && typeof n.value === 'bigint' ? located(n, n.value) : undefined;
}

export function booleanAt(nodes: readonly DecodedNode[], name: string): Located<boolean> | undefined {
  const n = byName(nodes, name);
  return n !== undefined && typeof n.value === 'boolean' ? located(n, n.value) : undefined;
}
