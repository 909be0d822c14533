/**
 * Writes a valid migration stream of a given size for the benchmark: configuration, a RAM
 * block of `sizeBytes` with mostly non-zero pages (so payloads are real bytes to skip), a few
 * device sections, EOF and a vmdesc. Written in chunks; never held in memory.
 */
import { open } from 'node:fs/promises';

const PAGE = 4096;

function be32(v: number): number[] {
  return [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
}
function be64(v: bigint): number[] {
  return [...be32(Number(v >> 32n)), ...be32(Number(v & 0xffffffffn))];
}
function counted(s: string): number[] {
  const b = new TextEncoder().encode(s);
  return [b.length, ...b];
}

export async function writeBenchStream(path: string, sizeBytes: number): Promise<{ pages: number; zero: number; normal: number }> {
  // 7 of 8 pages carry 4096 payload bytes + an 8-byte header, 1 of 8 is a 9-byte zero record;
  // choose the page count so the file itself is at least sizeBytes.
  const pages = Math.ceil(sizeBytes / ((7 * (PAGE + 8) + 9) / 8));
  const used = BigInt(pages * PAGE);
  const fh = await open(path, 'w');
  const chunk = new Uint8Array(8 << 20);
  let fill = 0;
  const flush = async (): Promise<void> => {
    if (fill > 0) await fh.write(chunk, 0, fill);
    fill = 0;
  };
  const put = async (bytes: ArrayLike<number>): Promise<void> => {
    if (fill + bytes.length > chunk.length) await flush();
    chunk.set(bytes as number[], fill);
    fill += bytes.length;
  };
  const machine = new TextEncoder().encode('pc-q35-11.1');
  await put([0x51, 0x45, 0x56, 0x4d, ...be32(3), 0x07, ...be32(machine.length), ...machine]);
  await put([0x01, ...be32(1), ...counted('ram'), ...be32(0), ...be32(4), ...be64(used | 0x04n), ...counted('pc.ram'), ...be64(used), ...be64(0x10n), 0x7e, ...be32(1)]);
  await put([0x02, ...be32(1)]);
  let zero = 0;
  let normal = 0;
  const payload = new Uint8Array(PAGE);
  for (let i = 0; i < pages; i++) {
    const addr = BigInt(i * PAGE);
    const cont = i === 0 ? 0n : 0x20n;
    // One page in eight is zero, like a booted guest with some free memory.
    if (i % 8 === 7) {
      await put(be64(addr | 0x02n | cont));
      if (i === 0) await put(counted('pc.ram'));
      await put([0]);
      zero++;
    } else {
      await put(be64(addr | 0x08n | cont));
      if (i === 0) await put(counted('pc.ram'));
      payload.fill((i * 31 + 7) & 0xff);
      payload[0] = i & 0xff;
      await put(payload);
      normal++;
    }
  }
  await put([...be64(0x10n), 0x7e, ...be32(1)]);
  await put([0x03, ...be32(1), ...be64(0x10n), 0x7e, ...be32(1)]);
  await put([0x04, ...be32(2), ...counted('timer'), ...be32(0), ...be32(2), ...be64(123456789n), ...new Array<number>(8).fill(0), ...be64(987654321n), 0x7e, ...be32(2)]);
  await put([0x00]);
  const vmdesc = new TextEncoder().encode(
    JSON.stringify({
      page_size: PAGE,
      devices: [
        {
          name: 'timer',
          instance_id: 0,
          vmsd_name: 'timer',
          version: 2,
          fields: [
            { name: 'cpu_ticks_offset', type: 'int64', size: 8 },
            { name: 'unused', type: 'unused_buffer', size: 8 },
            { name: 'cpu_clock_offset', type: 'int64', size: 8 },
          ],
        },
      ],
    }),
  );
  await put([0x06, ...be32(vmdesc.length)]);
  await flush();
  await fh.write(vmdesc);
  await fh.close();
  return { pages, zero, normal };
}
