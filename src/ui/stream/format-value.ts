/**
 * Text for numbers, sizes and decoded values. Pure functions so the exact strings that tests
 * look for are tested once here.
 */
import { format } from 'd3-format';
import type { ByteRange, DecodedNode, NodeValue } from '../../format/index.ts';

const grouped = format(',');

export function hexOffset(n: number): string {
  return `0x${n.toString(16)}`;
}

/** Fixed-width hex offset for the hex view's gutter. */
export function paddedHex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

export function groupedInt(n: number): string {
  return grouped(n);
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

/** `713,398 B` under 1 KiB worth of rounding; `696.7 KiB`, `64 MiB` above it. */
export function humanBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  let v = n;
  let unit = 0;
  while (v >= 1024 && unit < UNITS.length - 1) {
    v /= 1024;
    unit++;
  }
  const text = Number.isInteger(v) ? String(v) : v.toFixed(v < 10 ? 2 : 1);
  return `${text} ${UNITS[unit] as string}`;
}

/** Exact below a million, binary units above, so that a table column stays narrow. */
export function compactSize(n: number): string {
  return n < 1_000_000 ? groupedInt(n) : humanBytes(n);
}

export interface ValueText {
  readonly text: string;
  /** Hex form of integers, shown next to the decimal. */
  readonly hex?: string;
  /** Tells the stylesheet how to colour the value. */
  readonly tone: 'int' | 'bool' | 'string' | 'bytes' | 'note' | 'none';
}

export function isByteRange(v: NodeValue | undefined): v is ByteRange {
  return typeof v === 'object';
}

/**
 * Integers in decimal and in hex of their two's complement at the field's width, so that
 * `int64` -1 reads `0xffffffffffffffff` as it sits in the stream.
 */
export function intText(v: number | bigint, widthBytes: number | undefined): ValueText {
  const big = typeof v === 'bigint' ? v : BigInt(v);
  const bits = widthBytes !== undefined && widthBytes >= 1 && widthBytes <= 8 ? widthBytes * 8 : 64;
  const unsigned = big < 0n ? BigInt.asUintN(bits, big) : big;
  return { text: big.toString(), hex: `0x${unsigned.toString(16)}`, tone: 'int' };
}

export function formatNodeValue(node: DecodedNode): ValueText {
  const v = node.value;
  switch (node.kind) {
    case 'field':
      return leafText(v, node.end !== undefined ? node.end - node.start : undefined);
    case 'section':
    case 'footer':
      return typeof v === 'number' ? { text: `section id ${v}`, tone: 'note' } : none();
    case 'subsection':
      return typeof v === 'number' ? { text: `version ${v}`, tone: 'note' } : none();
    case 'opaque':
    case 'vmdesc':
      return isByteRange(v) ? bytesText(v) : none();
    case 'ram-block':
      return typeof v === 'number' ? { text: `${groupedInt(v)} bytes${node.note !== undefined ? ` (${node.note})` : ''}`, tone: 'note' } : none();
    default:
      return node.note !== undefined ? { text: node.note, tone: 'note' } : v !== undefined ? leafText(v, undefined) : none();
  }
}

function leafText(v: NodeValue | undefined, width: number | undefined): ValueText {
  if (v === undefined) return none();
  if (typeof v === 'number' || typeof v === 'bigint') return intText(v, width);
  if (typeof v === 'boolean') return { text: String(v), tone: 'bool' };
  if (typeof v === 'string') return { text: JSON.stringify(v), tone: 'string' };
  return bytesText(v);
}

function bytesText(r: ByteRange): ValueText {
  return { text: `${groupedInt(r.length)} ${r.length === 1 ? 'byte' : 'bytes'}`, tone: 'bytes' };
}

function none(): ValueText {
  return { text: '', tone: 'none' };
}

/** Printable ASCII for the hex view's text column. */
export function asciiChar(b: number): string {
  return b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
}
