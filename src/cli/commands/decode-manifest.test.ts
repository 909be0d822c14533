import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { bytesSource, decodeStream, type DecodeResult, type VmstateSchema } from '../../format/index.ts';
import { derivedStreams, FIXTURES, readGunzipped, streamFixtures } from '../../format/test-support/fixtures.ts';
import { compareManifestDecode } from '../../format/test-support/layout-compare.ts';
import { runCli } from '../test-support/run-cli.ts';
import { loadManifest } from '../input-files.ts';

const fx = (id: string) => streamFixtures().find((f) => f.id === id)!;
const manifestPath = (ver: string, machine: string) => join(FIXTURES, 'versions', ver, `vmstate-${machine}.json.gz`);

async function manifest(ver: string, machine: string): Promise<VmstateSchema> {
  const m = await loadManifest(manifestPath(ver, machine));
  if (!m.ok) throw new Error(`cannot read the ${ver} manifest`);
  return m.value;
}

const full = (r: DecodeResult, decoder: string) => r.sections.filter((s) => s.type === 'FULL' && s.bodyDecoder === decoder).map((s) => s.idstr);
/** vmsds -dump-vmstate does not list (no device class): they stay opaque without a vmdesc. */
const NOT_IN_MANIFEST = ['apic', 'timer', 'cpu_common', 'cpu', 'PCIBUS', 'i2c_bus', 'acpi_build', 'globalstate'];

describe('decode with a -dump-vmstate manifest as the schema', () => {
  it('the suppress-vmdesc stream decodes field by field, equal to the same bytes decoded with the vmdesc of the same VM', async () => {
    const schema = await manifest('11.1', 'pc-q35-11.1');
    const bytes = readGunzipped(fx('shapes/11.1/pc-q35-11.1-suppress-vmdesc').path);
    const byManifest = await decodeStream(bytesSource(bytes, 'suppress-vmdesc'), { schema });
    expect(byManifest.error).toBeUndefined();
    expect(byManifest.complete).toBe(true);
    expect(full(byManifest, 'manifest')).toHaveLength(21);
    expect(full(byManifest, 'opaque')).toEqual(NOT_IN_MANIFEST);
    // The twin: the same VM (pc-q35-11.1 -nodefaults -m 256M) saved with its vmdesc; its
    // sections end where the suppress-vmdesc stream's do (fixtures/README.md).
    const twin = await decodeStream(bytesSource(readGunzipped(fx('shapes/11.1/pc-q35-11.1-xbzrle').path)));
    const byVmdesc = await decodeStream(bytesSource(bytes, 'suppress-vmdesc'), { vmdesc: twin.vmdesc!.json });
    expect(compareManifestDecode(byManifest, byVmdesc, bytes)).toEqual([]);
    // And the twin file itself: the same fields at the same offsets (its values are its own).
    expect(compareManifestDecode(byManifest, twin)).toEqual([]);
    // The three counts the manifest does not give, read from the bytes and said so.
    expect(byManifest.diagnostics.filter((d) => d.code === 'MANIFEST_COUNT_INFERRED').map((d) => d.message.replace(/ \(the manifest.*$/, ''))).toEqual([
      '0000:00:1f.0/ICH9LPC: pm/ich9_pm/memhp/acpi_memory_hotplug/devs: 0 elements',
      'hpet: timer: 3 elements',
      '0000:00:1f.2/ich9_ahci: ahci/dev: 6 elements',
    ]);
    const hpet = byManifest.sections.find((s) => s.idstr === 'hpet')!;
    expect(hpet.node.note).toMatch(/^decoded with the manifest .*vmstate-pc-q35-11\.1\.json\.gz as schema \(vmsd 'hpet' version 2\)/);
  }, 60_000);

  it('where the stream has its vmdesc, the vmdesc wins and the manifest reads every device it knows the same', async () => {
    const schema = await manifest('11.1', 'pc-q35-11.1');
    const r = await decodeStream(bytesSource(readGunzipped(fx('shapes/11.1/pc-q35-11.1-xbzrle').path)), { schema });
    expect(full(r, 'vmdesc')).toHaveLength(29);
    expect(r.diagnostics.filter((d) => d.code === 'MANIFEST_DISAGREES')).toEqual([]);
    expect(r.diagnostics.find((d) => d.code === 'MANIFEST_SCHEMA')?.message).toContain('of the 29 the vmdesc decoded it reads 21 the same, 0 otherwise, cannot decode 0 alone and has no entry for 8');
  }, 60_000);

  it("a stream saved by another build than the manifest's says so", async () => {
    // 7.2's hpet writes `num_timers`; 11.1's manifest (of the same pc-q35-7.2 machine) `num_timers_save`.
    const schema = await manifest('11.1', 'pc-q35-7.2');
    const r = await decodeStream(bytesSource(readGunzipped(fx('7.2/pc-q35-7.2-virtio').path)), { schema });
    const disagree = r.diagnostics.filter((d) => d.code === 'MANIFEST_DISAGREES').map((d) => d.message);
    expect(disagree).toHaveLength(1);
    expect(disagree[0]).toMatch(/^hpet: decoded with the vmdesc, which wins; .* the vmdesc has field 'num_timers' .* where the manifest has field 'num_timers_save'/);
  }, 60_000);

  it('a manifest without array counts (QEMU 7.2) infers none: it decodes what fits with one element each and says where it cannot', async () => {
    const schema = await manifest('7.2', 'pc-q35-7.2');
    const r = await decodeStream(bytesSource(readGunzipped(fx('7.2/pc-q35-7.2-minimal').path)), { schema });
    expect(r.diagnostics.filter((d) => d.code === 'MANIFEST_DISAGREES')).toEqual([]);
    expect(r.diagnostics.find((d) => d.code === 'MANIFEST_SCHEMA')?.message).toMatch(/reads \d+ the same, 0 otherwise, cannot decode \d+ alone/);
  }, 60_000);

  describe('a stream cut inside its vmdesc', () => {
    const cuts = derivedStreams(join('streams-extra', 'shapes', '11.1', 'derived-streams.json'));
    for (const { recipe, bytes } of cuts) {
      it(recipe.file, async () => {
        const schema = await manifest('11.1', 'pc-q35-11.1');
        const b = bytes();
        expect(createHash('sha256').update(b).digest('hex')).toBe(recipe.sha256);
        const r = await decodeStream(bytesSource(b, recipe.file), { schema });
        // The stream is cut, so it is not complete; every device section before the cut decodes.
        expect(r.error).toMatchObject({ code: 'UNEXPECTED_EOF', path: ['vmdesc'] });
        const whole = readGunzipped(fx('shapes/11.1/pc-q35-11.1-xbzrle').path);
        const byVmdesc = await decodeStream(bytesSource(whole));
        expect(compareManifestDecode(r, byVmdesc, b)).toEqual([]);
        const fromVmdesc = full(r, 'vmdesc');
        if (recipe.file.includes('hpet')) {
          // The 16 entries before hpet's are whole: the vmdesc describes them; the manifest the rest.
          expect(fromVmdesc).toHaveLength(16);
          expect(r.vmdesc?.partial).toBe(true);
          expect(full(r, 'manifest')).toEqual(['hpet', 'i8254', 'pcspk', 'ps2kbd', 'ps2mouse', 'pckbd', 'vmmouse', 'port92', '0000:00:1f.2/ich9_ahci', '0000:00:1f.3/ich9_smb']);
        } else {
          expect(fromVmdesc).toEqual([]);
          expect(full(r, 'manifest')).toHaveLength(21);
        }
      }, 60_000);
    }
  });

  it('the shared 5.2 stream cut inside its vmdesc: its whole entries describe 27 devices; the 5.2 manifest cannot say piix4_pm', async () => {
    const cut = derivedStreams().find((d) => d.recipe.file === '5.2__pc-i440fx-5.2-minimal.trunc90.mig')!;
    const r = await decodeStream(bytesSource(cut.bytes(), 'trunc90'), { schema: await manifest('5.2', 'pc-i440fx-5.2') });
    expect(full(r, 'vmdesc')).toHaveLength(27);
    expect(full(r, 'opaque')).toEqual(['0000:00:01.3/piix4_pm', 'acpi_build', 'globalstate']);
    expect(r.diagnostics.find((d) => d.code === 'MANIFEST_CANNOT_SAY' && d.message.startsWith('0000:00:01.3/piix4_pm'))?.message).toContain('prints no array counts');
  }, 60_000);

  it('damaged device bytes give a decode or a reason, quickly, never a crash', async () => {
    const schema = await manifest('11.1', 'pc-q35-11.1');
    const bytes = readGunzipped(fx('shapes/11.1/pc-q35-11.1-suppress-vmdesc').path);
    const first = (await decodeStream(bytesSource(bytes), { schema })).sections.find((s) => s.type === 'FULL')!.start;
    // A fixed-seed LCG: the same mutations every run.
    let seed = 0x13;
    const next = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    for (let i = 0; i < 24; i++) {
      const b = bytes.slice();
      const at = first + (next() % (bytes.length - first));
      b[at] = next() & 0xff;
      const t0 = performance.now();
      const r = await decodeStream(bytesSource(b), { schema });
      expect(performance.now() - t0, `mutation at 0x${at.toString(16)}`).toBeLessThan(20_000);
      expect(r.root).toBeDefined();
      if (r.error !== undefined) expect(r.error.code).not.toBe('INTERNAL_ERROR');
    }
  }, 300_000);

  it('migscope decode --manifest (CLI)', async () => {
    const r = await runCli(['decode', fx('shapes/11.1/pc-q35-11.1-suppress-vmdesc').path, '--manifest', manifestPath('11.1', 'pc-q35-11.1')]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { sections: { type: string; bodyDecoder: string }[]; devices: { idstr: string; fields: { name: string; start: number; value?: unknown }[] }[] };
    expect(j.sections.filter((s) => s.type === 'FULL' && s.bodyDecoder === 'manifest')).toHaveLength(21);
    const fwcfg = j.devices.find((d) => d.idstr === 'fw_cfg')!;
    expect(fwcfg.fields.map((f) => f.name)).toEqual(['cur_entry', 'cur_offset[1]', 'fw_cfg/dma', 'fw_cfg/acpi_mr']);
    const bad = await runCli(['decode', fx('shapes/11.1/pc-q35-11.1-suppress-vmdesc').path, '--manifest', fx('shapes/11.1/pc-q35-11.1-suppress-vmdesc').path]);
    expect(bad.code).toBe(2);
  }, 60_000);
});
