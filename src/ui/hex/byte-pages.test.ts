import { describe, expect, it } from 'vitest';
import { BytePages, PAGE_SIZE } from './byte-pages.ts';
import { hexSourceFor } from './hex-source.ts';

describe('BytePages', () => {
  const fileBytes = Uint8Array.from({ length: 3 * PAGE_SIZE + 100 }, (_, i) => (i * 7) & 0xff);
  const file = new Blob([fileBytes]);

  it('reads a Blob lazily, page by page, from the stream start inside the file', async () => {
    // A libvirt save file: the stream starts after the header.
    const source = hexSourceFor(file, { container: 'libvirt', size: fileBytes.length - 92, wrapperOffset: 92 }, undefined);
    expect(source).toMatchObject({ kind: 'blob', offset: 92, size: fileBytes.length - 92 });
    const pages = new BytePages(source);
    expect(pages.byteAt(0)).toBeUndefined();
    const loading = pages.ensure(PAGE_SIZE - 4, PAGE_SIZE + 4);
    expect(loading).toBeDefined();
    await loading;
    for (const at of [PAGE_SIZE - 4, PAGE_SIZE - 1, PAGE_SIZE, PAGE_SIZE + 3]) expect(pages.byteAt(at)).toBe(fileBytes[92 + at]);
    expect(pages.ensure(PAGE_SIZE, PAGE_SIZE + 1)).toBeUndefined();
    expect(pages.byteAt(source.size)).toBeUndefined();
  });

  it('serves inflated bytes from memory at once', () => {
    const inflated = Uint8Array.of(0x51, 0x45, 0x56, 0x4d);
    const pages = new BytePages(hexSourceFor(file, { container: 'gzip', size: 4 }, inflated));
    expect(pages.ensure(0, 4)).toBeUndefined();
    expect(pages.byteAt(3)).toBe(0x4d);
  });
});
