/**
 * Readable synthetic streams for edge cases and property tests, byte-exact to the layouts in
 * stream-format.md: `stream().config('pc-q35-11.1').ramStart(...).full(...).eof().vmdesc(...)`.
 */
import type { VmdescDevice, VmdescJson } from '../model.ts';

export class StreamBuilder {
  private readonly parts: number[] = [];
  private readonly devices: VmdescDevice[] = [];

  constructor(header = true) {
    if (header) this.u32(0x5145564d).u32(3);
  }

  u8(v: number): this {
    this.parts.push(v & 0xff);
    return this;
  }
  u16(v: number): this {
    return this.u8(v >>> 8).u8(v);
  }
  u32(v: number): this {
    return this.u16(v >>> 16).u16(v & 0xffff);
  }
  u64(v: bigint | number): this {
    const b = BigInt(v);
    return this.u32(Number(b >> 32n)).u32(Number(b & 0xffffffffn));
  }
  raw(bytes: ArrayLike<number>): this {
    for (let i = 0; i < bytes.length; i++) this.parts.push((bytes[i] as number) & 0xff);
    return this;
  }
  str(s: string): this {
    const b = new TextEncoder().encode(s);
    return this.u8(b.length).raw(b);
  }
  get length(): number {
    return this.parts.length;
  }

  config(machine: string): this {
    const b = new TextEncoder().encode(machine);
    return this.u8(0x07).u32(b.length).raw(b);
  }

  /** START ram with one block of `pages` pages, then a PART with the given page kinds, END. */
  ram(id: number, block: string, pageKinds: readonly ('zero' | 'page')[], pageSize = 4096): this {
    const used = Math.max(1, pageKinds.length) * pageSize;
    this.u8(0x01).u32(id).str('ram').u32(0).u32(4);
    this.u64(BigInt(used) | 0x04n).str(block).u64(used).u64(0x10);
    this.footer(id);
    this.u8(0x02).u32(id);
    pageKinds.forEach((k, i) => {
      const cont = i === 0 ? 0 : 0x20;
      if (k === 'zero') {
        this.u64(BigInt(i * pageSize) | BigInt(0x02 | cont));
        if (i === 0) this.str(block);
        this.u8(0);
      } else {
        this.u64(BigInt(i * pageSize) | BigInt(0x08 | cont));
        if (i === 0) this.str(block);
        for (let j = 0; j < pageSize; j++) this.parts.push((i + j) & 0xff);
      }
    });
    this.u64(0x10).footer(id);
    this.u8(0x03).u32(id).u64(0x10).footer(id);
    return this;
  }

  /** A FULL section whose body is uint32 fields; recorded for the vmdesc. */
  full(id: number, idstr: string, instance: number, version: number, fields: Readonly<Record<string, number>>): this {
    this.u8(0x04).u32(id).str(idstr).u32(instance).u32(version);
    for (const v of Object.values(fields)) this.u32(v);
    this.footer(id);
    this.devices.push({
      name: idstr,
      instance_id: instance,
      vmsd_name: idstr,
      version,
      fields: Object.keys(fields).map((name) => ({ name, type: 'uint32', size: 4 })),
    });
    return this;
  }

  footer(id: number): this {
    return this.u8(0x7e).u32(id);
  }

  command(cmd: number, payload: readonly number[] = []): this {
    return this.u8(0x08).u16(cmd).u16(payload.length).raw(payload);
  }

  eof(): this {
    return this.u8(0x00);
  }

  vmdesc(extra: Partial<VmdescJson> = {}): this {
    const json: VmdescJson = { page_size: 4096, devices: this.devices, ...extra };
    const b = new TextEncoder().encode(JSON.stringify(json));
    return this.u8(0x06).u32(b.length).raw(b);
  }

  bytes(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

export function stream(header = true): StreamBuilder {
  return new StreamBuilder(header);
}
