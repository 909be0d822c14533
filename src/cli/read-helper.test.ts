import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startReadHelper } from './read-helper.ts';

const dir = mkdtempSync(join(tmpdir(), 'migscope-read-helper-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** 3 MiB + 123 bytes of a pattern no offset repeats within a window. */
function patternFile(): { path: string; bytes: Uint8Array } {
  const bytes = new Uint8Array(3 * 1024 * 1024 + 123);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 2654435761) >>> 24;
  const path = join(dir, 'pattern.bin');
  writeFileSync(path, bytes);
  return { path, bytes };
}

describe('the read helper thread', () => {
  it('fills each window half by each thread with the same bytes a plain read gives, ends short at the end of the file, and reads alone before it is up', async () => {
    const { path, bytes } = patternFile();
    const fd = openSync(path, 'r');
    const local = (offset: number, target: Uint8Array): number => {
      let done = 0;
      while (done < target.length) {
        const n = readSync(fd, target, done, target.length - done, offset + done);
        if (n === 0) break;
        done += n;
      }
      return done;
    };
    const helper = startReadHelper(fd);
    try {
      const window = 1024 * 1024;
      const a = helper.allocate(window + 4096);
      const b = helper.allocate(window + 4096);
      // Before the thread is up every read is local, and right.
      expect(helper.readInto(100, a.subarray(7, 7 + window), local)).toBe(window);
      expect(a.subarray(7, 7 + window)).toEqual(bytes.subarray(100, 100 + window));
      const deadline = Date.now() + 10_000;
      while (!helper.ready() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect(helper.ready()).toBe(true);
      // Odd offsets (the split lands on a file page boundary), both buffers, and the last window cut by the end.
      for (const [i, offset] of [0, 4095, 1_000_001, 2 * 1024 * 1024 + 5].entries()) {
        const buf = i % 2 === 0 ? a : b;
        const skew = offset % 4096;
        const target = buf.subarray(skew, skew + window);
        target.fill(0xee);
        const got = helper.readInto(offset, target, local);
        const want = Math.min(window, bytes.length - offset);
        expect(got, `at ${offset}`).toBe(want);
        expect(Buffer.from(target.subarray(0, got)).equals(Buffer.from(bytes.subarray(offset, offset + want))), `bytes at ${offset}`).toBe(true);
      }
      // A buffer the thread was not given is read locally.
      const other = new Uint8Array(window);
      expect(helper.readInto(5, other, local)).toBe(window);
      expect(Buffer.from(other).equals(Buffer.from(bytes.subarray(5, 5 + window)))).toBe(true);
    } finally {
      helper.close();
      closeSync(fd);
    }
  });
});
