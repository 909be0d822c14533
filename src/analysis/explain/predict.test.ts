/**
 * Prediction rules the real loads do not reach: what is `at-risk` when inputs are missing, and
 * the failures a destination manifest, a -m or a release can show, each on a real stream with
 * one fact of the destination changed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { bytesSource, decodeStream } from '../../format/index.ts';
import type { DecodeResult } from '../../format/model.ts';
import { FIXTURES, readGunzipped } from '../../format/test-support/fixtures.ts';
import { parseVmstateManifest, type VmstateManifest } from '../../manifest/vmstate-manifest.ts';
import { explainLoad } from './explain.ts';
import { predictLoad } from './predict.ts';
import { parseQemuCommandLine } from './qemu-cmdline.ts';
import { loadMachines } from './test-support/cases.ts';

const streams = new Map<string, Promise<DecodeResult>>();
function stream(path: string): Promise<DecodeResult> {
  let p = streams.get(path);
  if (p === undefined) {
    p = decodeStream(bytesSource(readGunzipped(join(FIXTURES, path)), path));
    streams.set(path, p);
  }
  return p;
}

type Json = Record<string, unknown>;

/** The real 7.2 pc-i440fx-7.2 manifest with one change applied to its JSON. */
function manifest72(change: (root: Record<string, Json>) => void = () => undefined): VmstateManifest {
  const path = join(FIXTURES, 'versions', '7.2', 'vmstate-pc-i440fx-7.2.json.gz');
  const root = JSON.parse(gunzipSync(readFileSync(path)).toString('utf8')) as Record<string, Json>;
  change(root);
  const parsed = parseVmstateManifest(JSON.stringify(root), 'vmstate-pc-i440fx-7.2 (changed)');
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}

function desc(root: Record<string, Json>, key: string): Json {
  return root[key]?.Description as Json;
}

function cmdline(text: string) {
  const c = parseQemuCommandLine(text);
  if (!c.ok) throw new Error(c.message);
  return c.value;
}

const MINIMAL_72 = 'streams/7.2/pc-i440fx-7.2-minimal.mig.gz';
const V72 = { major: 7, minor: 2 };
const V102 = { major: 10, minor: 2 };
const minimalCmd = cmdline('qemu-system-x86_64 -machine pc-i440fx-7.2 -nodefaults -m 64M');

describe('at-risk when the inputs cannot settle it', () => {
  it('nothing known of the destination: its machine, its firmware sizes and its devices', async () => {
    const r = explainLoad({ stream: await stream('streams/7.2/pc-q35-7.2-virtio.mig.gz') });
    expect(r.verdict).toBe('at-risk');
    // virtio-net's features: without the command line its netdev (a vhost backend?) is not known.
    expect(r.notes.filter((n) => n.severity === 'at-risk').map((n) => n.code)).toEqual(['MACHINE_UNKNOWN', 'RAM_BLOCK_SIZE_UNKNOWN', 'VIRTIO_FEATURES_UNKNOWN', 'DEVICES_UNKNOWN']);
    expect(r.notes.find((n) => n.code === 'RAM_BLOCK_SIZE_UNKNOWN')?.text).toContain("RAM blocks 'pc.bios', 'pc.rom' ");
    // at-risk still names what would fail, with what QEMU would print.
    expect(r.failure).toMatchObject({ cause: 'MACHINE_TYPE_MISMATCH', fix: 'Start the destination with -machine pc-q35-7.2.' });
  });

  it('machine and manifest known but no command line: the devices at PCI addresses are at risk', async () => {
    const p = predictLoad(await stream('streams/7.2/pc-q35-7.2-virtio.mig.gz'), {
      machine: 'pc-q35-7.2',
      manifest: manifest72(),
      version: V72,
    });
    expect(p.verdict).toBe('at-risk');
    const risk = p.notes.find((n) => n.code === 'DEVICES_UNKNOWN')!;
    expect(risk.text).toContain('0000:00:01.0, 0000:00:02.0, 0000:00:03.0, 0000:00:04.0, 0000:00:05.0, 0000:00:06.0');
    expect(risk).toMatchObject({ cause: 'UNKNOWN_SECTION', section: { idstr: '0000:00:01.0/virtio-net', offset: 1377863 } });
  });

  it('a minimal stream has no device at a PCI address the machine does not provide: it loads', async () => {
    const p = predictLoad(await stream(MINIMAL_72), { machine: 'pc-i440fx-7.2', manifest: manifest72(), version: V72 });
    expect(p.verdict).toBe('loads');
    expect(p.assumptions).toContain("no destination command line: whether the destination has each of the stream's devices is not known");
  });

  it('a device of unknown kind first: whether it takes a PCI slot (and shifts the rest) is not known', async () => {
    const c = cmdline(
      'qemu-system-x86_64 -M pc-q35-7.2 -m 64M -nodefaults -device my-nic -device virtio-net-pci -device virtio-blk-pci -device virtio-balloon-pci -device virtio-serial-pci -device virtio-gpu-pci -device virtio-rng-pci',
    );
    const p = predictLoad(await stream('streams/7.2/pc-q35-7.2-virtio.mig.gz'), { cmdline: c, machines: loadMachines('7.2') });
    expect(p.verdict).toBe('at-risk');
    expect(p.notes.find((n) => n.code === 'PLACEMENT_UNCERTAIN')).toMatchObject({
      cause: 'UNKNOWN_SECTION',
      text: expect.stringContaining('my-nic'),
    });
  });

  it('a device on a bridge never sits at a root slot: the slot holds what comes next', async () => {
    const c = cmdline('qemu-system-x86_64 -M pc-q35-7.2 -m 64M -nodefaults -device pci-bridge,chassis_nr=1,id=b -device virtio-net-pci,bus=b -device virtio-blk-pci');
    const p = predictLoad(await stream('streams/7.2/pc-q35-7.2-virtio.mig.gz'), { cmdline: c, machines: loadMachines('7.2') });
    expect(p.failure).toMatchObject({ cause: 'RAMBLOCK_MISMATCH', field: 'ram/0000:00:01.0/virtio-net-pci.rom' });
    expect(p.failure?.explanation).toContain('0000:00:01.0 holds pci-bridge');
  });

  it('a mapped-ram stream needs the capability on the destination', async () => {
    const s = await stream('streams-extra/shapes/11.1/pc-q35-11.1-mapped-ram.mig.gz');
    const p = predictLoad(s, { machine: 'pc-q35-11.1', version: { major: 11, minor: 1 } });
    expect(p.verdict).toBe('at-risk');
    expect(p.notes.find((n) => n.code === 'CAPABILITY_REQUIRED')).toMatchObject({
      cause: 'CAPABILITY_MISMATCH',
      message: 'Capability mapped-ram is off, but received capability is on\nload of migration failed: Invalid argument: post load hook failed for: configuration, version_id: 1, minimum_version: 0: Failed to validate capabilities',
    });
    // A destination older than the capability fails outright.
    const old = predictLoad(s, { machine: 'pc-q35-11.1', version: { major: 8, minor: 2 } });
    expect(old.failure).toMatchObject({ cause: 'CAPABILITY_MISMATCH', message: 'Received unknown capability mapped-ram\nload of migration failed: Invalid argument' });
  });
});

describe('failures a destination manifest shows', () => {
  it('an unknown subsection (ENOENT; named only from 10.2)', async () => {
    // Three QOM types save as 'fw_cfg' (fw_cfg, fw_cfg_io, fw_cfg_mem): the stream does not say
    // which, so the one that fits is taken and all three must lack the subsection.
    const m = manifest72((root) => {
      for (const key of ['fw_cfg', 'fw_cfg_io', 'fw_cfg_mem']) {
        const d = desc(root, key);
        d.Subsections = (d.Subsections as Json[]).filter((sub) => sub.name !== 'fw_cfg/acpi_mr');
      }
    });
    const s = await stream(MINIMAL_72);
    const p = predictLoad(s, { machine: 'pc-i440fx-7.2', manifest: m, cmdline: minimalCmd, version: V72 });
    expect(p.failure).toMatchObject({
      cause: 'UNKNOWN_SUBSECTION',
      section: { idstr: 'fw_cfg', instance: 0, offset: 605854, length: 99 },
      field: 'fw_cfg/acpi_mr',
      offset: 605904,
      length: 44,
      message: "error while loading state for instance 0x0 of device 'fw_cfg'\nload of migration failed: No such file or directory",
    });
    expect(p.failure?.explanation).toContain("(it has 'fw_cfg/dma')");
    const chained = predictLoad(s, { machine: 'pc-i440fx-7.2', manifest: m, cmdline: minimalCmd, version: V102 });
    expect(chained.failure?.message).toBe(
      "load of migration failed: No such file or directory: error while loading state for instance 0x0 of device 'fw_cfg': VM subsection 'fw_cfg/acpi_mr' in 'fw_cfg' does not exist",
    );
  });

  it('section and subsection versions out of the destination range', async () => {
    const s = await stream(MINIMAL_72);
    const tooNew = predictLoad(s, {
      machine: 'pc-i440fx-7.2',
      manifest: manifest72((root) => {
        for (const key of ['fw_cfg', 'fw_cfg_io', 'fw_cfg_mem']) desc(root, key).version_id = 1;
      }),
      version: V72,
    });
    expect(tooNew.failure).toMatchObject({ cause: 'VERSION_TOO_NEW', offset: 605870, message: "savevm: unsupported version 2 for 'fw_cfg' v1\nload of migration failed: Invalid argument" });

    const tooOld = predictLoad(s, {
      machine: 'pc-i440fx-7.2',
      manifest: manifest72((root) => {
        desc(root, 'mc146818rtc').minimum_version_id = 4;
        desc(root, 'mc146818rtc').version_id = 5;
      }),
      version: V72,
    });
    expect(tooOld.failure?.cause).toBe('VERSION_TOO_OLD');
    expect(tooOld.failure?.message.split('\n')[0]).toBe('mc146818rtc: incoming version_id 3 is too old for local minimum version_id  4');

    const subNew = predictLoad(s, {
      machine: 'pc-i440fx-7.2',
      manifest: manifest72((root) => {
        for (const key of ['fw_cfg', 'fw_cfg_io', 'fw_cfg_mem']) for (const sub of desc(root, key).Subsections as Json[]) if (sub.name === 'fw_cfg/acpi_mr') sub.version_id = 0;
      }),
      version: V72,
    });
    expect(subNew.failure).toMatchObject({ cause: 'VERSION_TOO_NEW', offset: 605904, message: "fw_cfg/acpi_mr: incoming version_id 1 is too new for local version_id 0\nerror while loading state for instance 0x0 of device 'fw_cfg'\nload of migration failed: Invalid argument" });
  });

  it('a field the destination does not read: LAYOUT_MISMATCH at that field', async () => {
    const m = manifest72((root) => {
      const d = desc(root, 'mc146818rtc');
      d.Fields = (d.Fields as Json[]).filter((f) => f.field !== 'period');
    });
    const p = predictLoad(await stream(MINIMAL_72), { machine: 'pc-i440fx-7.2', manifest: m, version: V72 });
    expect(p.failure).toMatchObject({ cause: 'LAYOUT_MISMATCH', field: 'period', message: 'Missing section footer for mc146818rtc\nload of migration failed: Invalid argument' });
    expect(p.failure?.values[0]).toMatchObject({ name: 'period', length: 4 });
  });

  it('a device class the destination lacks entirely', async () => {
    const m = manifest72((root) => {
      delete root.mc146818rtc;
    });
    const p = predictLoad(await stream(MINIMAL_72), { machine: 'pc-i440fx-7.2', manifest: m, version: V72 });
    expect(p.failure).toMatchObject({ cause: 'UNKNOWN_SECTION', section: { idstr: 'mc146818rtc' } });
    expect(p.failure?.explanation).toContain("No device class of the destination QEMU 7.2 saves its state as 'mc146818rtc'");
  });
});

describe('failures from the machine list, -m and the release', () => {
  it('an alias resolves to the stream machine type: loads', async () => {
    const p = predictLoad(await stream(MINIMAL_72), { machine: 'pc', machines: loadMachines('7.2'), manifest: manifest72(), cmdline: minimalCmd });
    expect(p.destination).toMatchObject({ machine: 'pc', machineType: 'pc-i440fx-7.2', version: { major: 7, minor: 2 }, versionSource: 'machines' });
    expect(p.verdict).toBe('loads');
  });

  it('the same alias on 11.1 resolves to another machine type', async () => {
    const p = predictLoad(await stream(MINIMAL_72), { machine: 'pc', machines: loadMachines('11.1') });
    expect(p.failure?.cause).toBe('MACHINE_TYPE_MISMATCH');
    expect(p.failure?.message).toBe(
      "load of migration failed: Invalid argument: post load hook failed for: configuration, version_id: 1, minimum_version: 0: Machine type received is 'pc-i440fx-7.2' and local is 'pc-i440fx-11.1'",
    );
    expect(p.failure?.explanation).toContain("('pc' is an alias of 'pc-i440fx-11.1' there)");
  });

  it('-m differs from the guest RAM block', async () => {
    const p = predictLoad(await stream(MINIMAL_72), { machine: 'pc-i440fx-7.2', cmdline: cmdline('qemu-system-x86_64 -M pc-i440fx-7.2 -nodefaults -m 128'), version: V72 });
    expect(p.failure).toMatchObject({
      cause: 'RAMBLOCK_MISMATCH',
      field: 'ram/pc.ram',
      message: "Size mismatch: pc.ram: 0x4000000 != 0x8000000: Invalid argument\nerror while loading state for instance 0x0 of device 'ram'\nload of migration failed: Invalid argument",
      fix: 'Start the destination with -m 64MiB.',
    });
  });

  it('SWITCHOVER_START from a >= 10.0 source is unknown to an older destination', async () => {
    const s = await stream('streams/11.1/pc-q35-11.1-minimal.mig.gz');
    const cmd = s.commands.find((c) => c.name === 'SWITCHOVER_START')!;
    const old = predictLoad(s, { machine: 'pc-q35-11.1', version: { major: 9, minor: 2 } });
    expect(old.failure).toMatchObject({ cause: 'UNKNOWN_COMMAND', offset: cmd.start, length: 5, message: 'MIG_CMD 0xb unknown (len 0x0)\nload of migration failed: Invalid argument' });
    const ok = predictLoad(s, { machine: 'pc-q35-11.1', version: { major: 10, minor: 0 } });
    expect(ok.failure).toBeUndefined();
  });

  it('not a migration stream', async () => {
    const s = await decodeStream(bytesSource(new Uint8Array(100), 'zeros'));
    const p = predictLoad(s, { version: V72 });
    expect(p.failure).toMatchObject({ cause: 'BAD_HEADER', offset: 0, message: 'Not a migration stream\nload of migration failed: Invalid argument' });
    expect(predictLoad(s, { version: V102 }).failure?.message).toBe('load of migration failed: Invalid argument: Not a migration stream, magic: 0 != 5145564d');
  });
});
