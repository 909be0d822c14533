import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { bytesSource, decodeStream, formatDecodeError } from './index.ts';
import { derivedStreams } from './test-support/fixtures.ts';
import { stream } from './test-support/stream-builder.ts';

/** What each shared truncated / byte-flipped stream must give (recipes: derived-streams.json). */
const expected: Record<string, { code?: string; offset?: number; path?: string; diagnostic?: [string, number]; sections: number }> = {
  '5.2__pc-i440fx-5.2-minimal.trunc50.mig': { code: 'UNEXPECTED_EOF', offset: 0x56e38, path: 'ram#0 PART', sections: 2 },
  // Cut inside the vmdesc: all device state is there; QEMU loads it (it ignores the vmdesc).
  '5.2__pc-i440fx-5.2-minimal.trunc90.mig': { code: 'UNEXPECTED_EOF', offset: 0x947b9, path: 'vmdesc', sections: 33 },
  '7.2__pc-i440fx-7.2-default.trunc50.mig': { code: 'UNEXPECTED_EOF', offset: 0xd90ed, path: 'ram#0 PART', sections: 2 },
  // QEMU: "Failed to load e1000/full_mac_state:mac_reg" — the cut falls inside e1000.
  '7.2__pc-i440fx-7.2-default.trunc90.mig': { code: 'UNEXPECTED_EOF', offset: 0x1674f1, path: '0000:00:03.0/e1000#0', sections: 33 },
  // QEMU: "savevm: unsupported version 255 for 'mc146818rtc' v3"; the bytes still decode.
  '7.2__pc-i440fx-7.2-default.flip-version.mig': { diagnostic: ['SECTION_VERSION_DIFFERS', 0x165d8f], sections: 38 },
  // QEMU: "Missing section footer for mc146818rtc"
  '7.2__pc-i440fx-7.2-default.flip-footer.mig': { code: 'SECTION_FOOTER_MISMATCH', offset: 0x165e88, path: 'mc146818rtc#0/footer', sections: 22 },
  // QEMU: "Unknown savevm section or instance 'mc146818rtX' 0"
  '7.2__pc-i440fx-7.2-default.flip-idstr.mig': { diagnostic: ['SECTION_NOT_IN_VMDESC', 0x165d7a], sections: 38 },
  // Payload changes load silently in QEMU, and decode silently here.
  '7.2__pc-i440fx-7.2-default.flip-cpu-payload.mig': { sections: 38 },
  '7.2__pc-i440fx-7.2-default.flip-rtc-payload.mig': { sections: 38 },
};

describe('the shared truncated and damaged streams', () => {
  for (const { recipe, bytes } of derivedStreams()) {
    it(recipe.file, async () => {
      const b = bytes();
      expect(createHash('sha256').update(b).digest('hex')).toBe(recipe.sha256);
      const want = expected[recipe.file];
      expect(want, 'every recipe has an expectation').toBeDefined();
      const r = await decodeStream(bytesSource(b, recipe.file));
      if (want?.code !== undefined) {
        expect(r.error?.code).toBe(want.code);
        expect(r.error?.offset).toBe(want.offset);
        expect(r.error?.path.join('/')).toBe(want.path);
        expect(r.complete).toBe(false);
        expect(formatDecodeError(r.error!)).toMatch(/^error: [A-Z_]+ at offset 0x[0-9a-f]+ in .+: .+/);
      } else {
        expect(r.error).toBeUndefined();
        expect(r.complete).toBe(true);
      }
      if (want?.diagnostic !== undefined) {
        expect(r.diagnostics.map((d) => [d.code, d.offset])).toContainEqual(want.diagnostic);
      }
      // The section decoding stopped inside is listed too, with no end.
      expect(r.sections.length).toBe(want?.sections);
      if (want?.code !== undefined && want.path !== 'vmdesc') expect(r.sections[r.sections.length - 1]?.end).toBeUndefined();
      for (const s of r.sections) expect(s.end === undefined || s.end <= b.length).toBe(true);
    });
  }
});

describe('synthetic edge cases', () => {
  const good = () =>
    stream()
      .config('pc-q35-11.1')
      .ram(1, 'pc.ram', ['page', 'zero', 'zero'])
      .full(3, 'timer', 0, 2, { a: 1, b: 2 })
      .eof()
      .vmdesc();

  it('decodes builder output back to the builder input', async () => {
    const r = await decodeStream(bytesSource(good().bytes()));
    expect(r.error).toBeUndefined();
    expect(r.ram?.normalPages).toBe(1);
    expect(r.ram?.zeroPages).toBe(2);
    // The cut-free RAM PART has its records node after the header, and the START has the block list.
    const start = r.sections.find((s) => s.type === 'START')!;
    expect(start.node.children!.map((c) => c.kind)).toEqual(['header', 'ram-block', 'ram-records', 'footer']);
    const timer = r.sections.find((s) => s.idstr === 'timer')!;
    expect(timer.node.children!.filter((c) => c.kind === 'field').map((c) => [c.name, c.value])).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
  });

  it('BAD_MAGIC', async () => {
    const r = await decodeStream(bytesSource(new TextEncoder().encode('not a stream at all')));
    expect(r.error).toMatchObject({ code: 'BAD_MAGIC', offset: 0 });
  });

  it('UNSUPPORTED_VERSION for the obsolete v2', async () => {
    const b = stream(false).u32(0x5145564d).u32(2).bytes();
    expect((await decodeStream(bytesSource(b))).error).toMatchObject({ code: 'UNSUPPORTED_VERSION', offset: 4 });
  });

  it('UNKNOWN_SECTION_TYPE names the section before it', async () => {
    const b = stream().config('pc').ram(1, 'pc.ram', ['zero']).u8(0x7f).bytes();
    const r = await decodeStream(bytesSource(b));
    expect(r.error?.code).toBe('UNKNOWN_SECTION_TYPE');
    expect(r.error?.offset).toBe(b.length - 1);
    expect(r.error?.message).toContain("END section 'ram'");
  });

  it('UNKNOWN_SECTION_ID for a PART nobody announced', async () => {
    const b = stream().config('pc').u8(0x02).u32(9).bytes();
    // header 8 + configuration 1+4+2 = 15; the id follows the type byte.
    expect((await decodeStream(bytesSource(b))).error).toMatchObject({ code: 'UNKNOWN_SECTION_ID', offset: 16 });
  });

  it('SECTION_FOOTER_MISMATCH on a wrong footer id', async () => {
    const b = stream().config('pc').u8(0x04).u32(5).str('dev').u32(0).u32(1).u32(7).footer(6).eof();
    b.vmdesc({ devices: [{ name: 'dev', instance_id: 0, vmsd_name: 'dev', version: 1, fields: [{ name: 'x', type: 'uint32', size: 4 }] }] });
    const r = await decodeStream(bytesSource(b.bytes()));
    // FULL at 15: 1 + 4 + (1 + 3) + 4 + 4 = body at 32, footer at 36, its id at 37.
    expect(r.error).toMatchObject({ code: 'SECTION_FOOTER_MISMATCH', offset: 37, expected: '5', actual: '6' });
  });

  it('SUBSECTION_NOT_FOUND when the vmdesc promises a subsection the bytes lack', async () => {
    const b = stream().config('pc').u8(0x04).u32(5).str('dev').u32(0).u32(1).u32(7).footer(5).eof();
    b.vmdesc({ devices: [{ name: 'dev', instance_id: 0, vmsd_name: 'dev', version: 1, fields: [{ name: 'x', type: 'uint32', size: 4 }], subsections: [{ vmsd_name: 'dev/sub', version: 1, fields: [] }] }] });
    const r = await decodeStream(bytesSource(b.bytes()));
    expect(r.error).toMatchObject({ code: 'SUBSECTION_NOT_FOUND', offset: 36, expected: '0x05 (QEMU_VM_SUBSECTION)', actual: '0x7e' });
  });

  it('VMSD_FIELD_MISMATCH when a struct does not use the bytes its vmdesc says', async () => {
    const b = stream().config('pc').u8(0x04).u32(5).str('dev').u32(0).u32(1).u32(7).footer(5).eof();
    b.vmdesc({ devices: [{ name: 'dev', instance_id: 0, vmsd_name: 'dev', version: 1, fields: [{ name: 's', type: 'struct', size: 8, struct: { vmsd_name: 'inner', version: 1, fields: [{ name: 'x', type: 'uint32', size: 4 }] } }] }] });
    expect((await decodeStream(bytesSource(b.bytes()))).error?.code).toBe('VMSD_FIELD_MISMATCH');
  });

  it('BAD_RAM_RECORD on an unknown flag combination and on CONTINUE without a block', async () => {
    const flags = stream().config('pc').u8(0x01).u32(1).str('ram').u32(0).u32(4).u64(0x4000 | 0x04).str('pc.ram').u64(0x4000).u64(0x0a).bytes();
    expect((await decodeStream(bytesSource(flags))).error).toMatchObject({ code: 'BAD_RAM_RECORD', message: 'Unknown combination of migration flags: 0xa' });
    const cont = stream().config('pc').u8(0x01).u32(1).str('ram').u32(0).u32(4).u64(0x4000 | 0x04).str('pc.ram').u64(0x4000).u64(0x22).u8(0).bytes();
    expect((await decodeStream(bytesSource(cont))).error?.code).toBe('BAD_RAM_RECORD');
  });

  it('BAD_COMMAND: unknown command and a fixed length that is wrong', async () => {
    expect((await decodeStream(bytesSource(stream().config('pc').command(0x30).bytes()))).error?.code).toBe('BAD_COMMAND');
    expect((await decodeStream(bytesSource(stream().config('pc').command(2, [1, 2]).bytes()))).error?.message).toContain('PING received with bad length');
  });

  it('decodes commands by name', async () => {
    const r = await decodeStream(bytesSource(stream().config('pc').command(1).command(2, [0, 0, 0, 1]).command(11).eof().bytes()));
    expect(r.error).toBeUndefined();
    expect(r.commands.map((c) => [c.name, c.args])).toEqual([
      ['OPEN_RETURN_PATH', {}],
      ['PING', { value: 1 }],
      ['SWITCHOVER_START', {}],
    ]);
  });

  it('TRAILING_DATA after EOF that is not a vmdesc', async () => {
    const r = await decodeStream(bytesSource(stream().config('pc').eof().raw([1, 2, 3]).bytes()));
    expect(r.error?.code).toBe('TRAILING_DATA');
  });

  it('a vmdesc followed by garbage is still found and used, with the garbage reported', async () => {
    const b = good().raw([0xde, 0xad]).bytes();
    const r = await decodeStream(bytesSource(b));
    expect(r.error).toMatchObject({ code: 'TRAILING_DATA', offset: b.length - 2 });
    expect(r.sections.find((s) => s.idstr === 'timer')?.bodyDecoder).toBe('vmdesc');
  });

  it('VMDESCRIPTION_INVALID vmdesc is a warning; sections become opaque', async () => {
    const b = stream().config('pc').full(3, 'timer', 0, 2, { a: 1 }).eof();
    const json = new TextEncoder().encode('{"page_size": 4096, "devices": 3}');
    const bytes = b.u8(0x06).u32(json.length).raw(json).bytes();
    const r = await decodeStream(bytesSource(bytes));
    expect(r.diagnostics.map((d) => d.code)).toContain('VMDESCRIPTION_INVALID');
    expect(r.sections[0]?.bodyDecoder).toBe('opaque');
  });

  it('LIMIT_EXCEEDED on an absurd machine-type length', async () => {
    const b = stream().u8(0x07).u32(0x7fffffff).bytes();
    expect((await decodeStream(bytesSource(b))).error?.code).toBe('LIMIT_EXCEEDED');
  });

  it('libvirt save files open transparently', async () => {
    const inner = good().bytes();
    const xml = new TextEncoder().encode('<domain><name>vm</name></domain>\0');
    const header = new Uint8Array(92);
    header.set(new TextEncoder().encode('LibvirtQemudSave'));
    const dv = new DataView(header.buffer);
    dv.setUint32(16, 2, true);
    dv.setUint32(20, xml.length, true);
    const file = new Uint8Array(92 + xml.length + inner.length);
    file.set(header);
    file.set(xml, 92);
    file.set(inner, 92 + xml.length);
    const r = await decodeStream(bytesSource(file, 'vm.save'));
    expect(r.error).toBeUndefined();
    expect(r.source.container).toBe('libvirt');
    expect(r.source.libvirtXml).toBe('<domain><name>vm</name></domain>');
    expect(r.source.wrapperOffset).toBe(92 + xml.length);
  });
});
