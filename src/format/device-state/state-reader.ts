/**
 * Reading a device-defined VMState field (`virtio`, `pci config`, ...) that is already in memory
 * into DecodedNodes. These fields are written by a device's own `put` function with no vmdesc
 * entry for their inside, so the layout comes from QEMU's source, and the bytes must prove it:
 * any read past the field, or any value the layout cannot have, throws `LayoutMismatch`, and
 * the caller keeps the field opaque with the reason instead of showing a tree that might be
 * wrong.
 */
import type { DecodedNode, NodeKind, NodeValue } from '../model.ts';

/** The bytes do not fit the layout read from QEMU's source; `offset` is absolute. */
export class LayoutMismatch extends Error {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/** Forward reader over `bytes`, which start at absolute stream offset `base`. */
export class StateReader {
  pos = 0;

  constructor(
    readonly bytes: Uint8Array,
    readonly base: number,
  ) {}

  /** Absolute stream offset of the next byte. */
  get at(): number {
    return this.base + this.pos;
  }

  get left(): number {
    return this.bytes.length - this.pos;
  }

  need(n: number, what: string): void {
    if (n > this.left) throw new LayoutMismatch(this.at, `${what} (${n} bytes) runs past the end of the field (${this.left} bytes left)`);
  }

  private byte(i: number): number {
    return this.bytes[this.pos + i] as number;
  }

  u8(what: string): number {
    this.need(1, what);
    return this.bytes[this.pos++] as number;
  }

  be16(what: string): number {
    this.need(2, what);
    const v = (this.byte(0) << 8) | this.byte(1);
    this.pos += 2;
    return v;
  }

  be32(what: string): number {
    this.need(4, what);
    const v = ((this.byte(0) << 24) | (this.byte(1) << 16) | (this.byte(2) << 8) | this.byte(3)) >>> 0;
    this.pos += 4;
    return v;
  }

  be64(what: string): bigint {
    const hi = this.be32(what);
    const lo = this.be32(what);
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  le16(what: string): number {
    this.need(2, what);
    const v = this.byte(0) | (this.byte(1) << 8);
    this.pos += 2;
    return v;
  }

  le32(what: string): number {
    this.need(4, what);
    const v = (this.byte(0) | (this.byte(1) << 8) | (this.byte(2) << 16) | (this.byte(3) << 24)) >>> 0;
    this.pos += 4;
    return v;
  }

  le64(what: string): bigint {
    const lo = this.le32(what);
    const hi = this.le32(what);
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  skip(n: number, what: string): void {
    this.need(n, what);
    this.pos += n;
  }

  /** True when the `n` bytes from the current position are all zero (bounds-checked). */
  zeros(n: number): boolean {
    if (n > this.left) return false;
    for (let i = 0; i < n; i++) if (this.byte(i) !== 0) return false;
    return true;
  }

  /** The byte at absolute offset `abs`, or undefined outside the field. */
  peekAt(abs: number): number | undefined {
    return this.bytes[abs - this.base];
  }
}

/**
 * Appends nodes under one parent while the reader moves forward: each node's range is the
 * bytes its read consumed, so siblings tile their parent by construction. Types name the
 * encoding: `uint16` etc. are QEMU's `qemu_put_be*` (as in vmdesc), `le16` etc. are
 * little-endian guest-visible memory (PCI config space, the MSI-X table).
 */
export class NodeSink {
  constructor(
    readonly r: StateReader,
    readonly path: readonly string[],
    readonly into: DecodedNode[],
  ) {}

  private leaf<T extends number | bigint | boolean>(name: string, type: string, read: (what: string) => T, note: string | undefined): T {
    const start = this.r.at;
    const value = read([...this.path, name].join('/'));
    this.push({ kind: 'field', name, path: [...this.path, name], start, end: this.r.at, type, value, ...(note !== undefined ? { note } : {}) });
    return value;
  }

  u8(name: string, note?: string): number {
    return this.leaf(name, 'uint8', (w) => this.r.u8(w), note);
  }

  /** vmstate-types.c put_bool writes 0 or 1; get_bool reads any non-zero byte as true. */
  bool(name: string, note?: string): boolean {
    return this.leaf(name, 'bool', (w) => this.r.u8(w) !== 0, note);
  }

  be16(name: string, note?: string): number {
    return this.leaf(name, 'uint16', (w) => this.r.be16(w), note);
  }

  be32(name: string, note?: string): number {
    return this.leaf(name, 'uint32', (w) => this.r.be32(w), note);
  }

  /** A be32 read as signed (VMSTATE_INT32*). */
  int32(name: string, type: string, note?: string): number {
    return this.leaf(name, type, (w) => this.r.be32(w) | 0, note);
  }

  be64(name: string, note?: string): bigint {
    return this.leaf(name, 'uint64', (w) => this.r.be64(w), note);
  }

  le16(name: string, note?: string): number {
    return this.leaf(name, 'le16', (w) => this.r.le16(w), note);
  }

  le32(name: string, note?: string): number {
    return this.leaf(name, 'le32', (w) => this.r.le32(w), note);
  }

  le64(name: string, note?: string): bigint {
    return this.leaf(name, 'le64', (w) => this.r.le64(w), note);
  }

  /** `n` bytes kept as a range (never copied). */
  bytes(name: string, n: number, type: string, note?: string, kind: NodeKind = 'field'): DecodedNode {
    const start = this.r.at;
    this.r.skip(n, [...this.path, name].join('/'));
    const node: DecodedNode = { kind, name, path: [...this.path, name], start, end: this.r.at, type, value: { offset: start, length: n }, ...(note !== undefined ? { note } : {}) };
    this.push(node);
    return node;
  }

  /** A group whose children are read by `body`; its range is what they consumed. */
  group(name: string, body: (sink: NodeSink) => void, opts: { kind?: NodeKind; type?: string; value?: NodeValue; note?: string } = {}): DecodedNode {
    const children: DecodedNode[] = [];
    const path = [...this.path, name];
    const node: DecodedNode = {
      kind: opts.kind ?? 'struct',
      name,
      path,
      start: this.r.at,
      end: undefined,
      type: opts.type ?? 'struct',
      children,
      ...(opts.value !== undefined ? { value: opts.value } : {}),
      ...(opts.note !== undefined ? { note: opts.note } : {}),
    };
    this.push(node);
    body(new NodeSink(this.r, path, children));
    node.end = this.r.at;
    return node;
  }

  push(node: DecodedNode): void {
    this.into.push(node);
  }
}

export function hex(n: number | bigint, digits = 0): string {
  return `0x${n.toString(16).padStart(digits, '0')}`;
}
