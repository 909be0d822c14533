/**
 * RAM block sizes on real streams: guest RAM against -m (128 MiB without it), firmware and ROM
 * blocks against the destination sample or the Debian build's own streams, fw_cfg blobs never.
 */
import { describe, expect, it } from 'vitest';
import { knownBuild } from '../build-profiles/index.ts';
import { parseQemuCommandLine } from '../explain/qemu-cmdline.ts';
import { decodeRealStream } from '../test-support/real-runs.ts';
import type { RuntimeDestination } from './context.ts';
import { checkRamBlockSize } from './ram-blocks.ts';

const V72 = { major: 7, minor: 2 };

async function blocks() {
  const s = await decodeRealStream('streams/x86_64/7.2/pc-q35-7.2-default.mig.gz');
  return s.ram!.blocks;
}

function dest(over: Partial<RuntimeDestination> = {}): RuntimeDestination {
  const c = parseQemuCommandLine('qemu-system-x86_64 -machine pc-q35-7.2 -m 64M');
  if (!c.ok) throw new Error(c.message);
  return { version: V72, machineType: 'pc-q35-7.2', cmdline: c.value, properties: { defaults: undefined, compat: [], globals: [] }, sample: undefined, sampleName: undefined, build: knownBuild(V72, 'x86_64'), ...over };
}

describe('RAM block sizes', () => {
  it('the 7.2 build knows every block of its own default stream: all pass', async () => {
    for (const b of await blocks()) expect(checkRamBlockSize(b, undefined, dest()).verdict, b.name).toBe('passes');
  });

  it('guest RAM against -m, and 128 MiB without -m', async () => {
    const ram = (await blocks()).find((b) => b.name === 'pc.ram')!;
    const c = parseQemuCommandLine('qemu-system-x86_64 -machine pc-q35-7.2');
    if (!c.ok) throw new Error(c.message);
    const r = checkRamBlockSize(ram, undefined, dest({ cmdline: c.value }));
    expect(r.verdict).toBe('fails');
    if (r.verdict === 'fails') {
      expect(r.failure.message.split('\n')[0]).toBe('Size mismatch: pc.ram: 0x4000000 != 0x8000000: Invalid argument');
      expect(r.failure.fix).toBe('Start the destination with -m 64MiB.');
    }
  });

  it("an option ROM of another size on the destination's build fails before any page is read", async () => {
    const rom = (await blocks()).find((b) => b.name.endsWith('/e1000e.rom'))!;
    const build = knownBuild(V72, 'x86_64')!;
    const bigger = { ...build, ramBlocks: new Map([...build.ramBlocks, ['e1000e.rom', 0x80000]]) };
    const r = checkRamBlockSize(rom, undefined, dest({ build: bigger }));
    expect(r.verdict).toBe('fails');
    if (r.verdict === 'fails') {
      expect(r.failure.message.split('\n')[0]).toBe(`Size mismatch: ${rom.name}: 0x40000 != 0x80000: Invalid argument`);
      expect(r.failure.offset).toBe(rom.offset);
    }
  });

  it('without a known build or a sample a ROM is at risk, a fw_cfg blob never', async () => {
    const all = await blocks();
    const bios = checkRamBlockSize(all.find((b) => b.name === 'pc.bios')!, undefined, dest({ build: undefined, version: undefined }));
    expect(bios.verdict).toBe('at-risk');
    const acpi = checkRamBlockSize(all.find((b) => b.name === '/rom@etc/acpi/tables')!, undefined, dest({ build: undefined, version: undefined }));
    expect(acpi.verdict).toBe('passes');
  });

  it('a destination sample gives the sizes', async () => {
    const sample = await decodeRealStream('streams/x86_64/11.1/pc-q35-7.2-default.mig.gz');
    for (const b of await blocks()) expect(checkRamBlockSize(b, undefined, dest({ build: undefined, sample, sampleName: 'pc-q35-7.2-default.mig.gz' })).verdict, b.name).toBe('passes');
  });
});
