/**
 * The virtio feature check on real streams: a load virtio_load() refuses because the
 * destination device does not offer a bit the guest has (the streams carry other guest
 * features, written where virtio_save() puts them), the messages of each release, and the real
 * runs, none of which the check refuses.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { bytesSource, decodeStream, virtioFacts, type DecodeResult, type VirtioFacts } from '../../format/index.ts';
import { knownBuild } from '../build-profiles/index.ts';
import { predictLoad, type DestinationKnowledge } from '../explain/predict.ts';
import { parseQemuCommandLine } from '../explain/qemu-cmdline.ts';
import { findSection } from '../explain/stream-locate.ts';
import { decodeRealStream, realCommandLine, realDestination, realRuns, REAL_RUNS, type RealRun } from '../test-support/real-runs.ts';
import { checkVirtioFeatures } from './virtio-features.ts';

const version = (r: string) => ({ major: Number(r.split('.')[0]), minor: Number(r.split('.')[1]) });

function run(src: string, dst: string, machine: string, config: string): RealRun {
  const r = realRuns().find((x) => x.arch === 'x86_64' && x.src === src && x.dst === dst && x.machine === machine && x.config === config);
  if (r === undefined) throw new Error(`no real run ${src} -> ${dst} ${machine} ${config}`);
  return r;
}

function virtioOf(stream: DecodeResult, vmsd: string): { idstr: string; facts: VirtioFacts } {
  for (const s of stream.sections) {
    const field = s.node.children?.find((x) => x.type === 'virtio');
    const facts = field !== undefined ? virtioFacts(field) : undefined;
    if (facts !== undefined && s.idstr.endsWith(`/${vmsd}`)) return { idstr: s.idstr, facts };
  }
  throw new Error(`no ${vmsd} in the stream`);
}

/**
 * The real stream with other guest features for one device, written where virtio_save() puts
 * them (bits 0-31 in the virtio state, all 64 in virtio/64bit_features): what a guest that
 * negotiated them would have saved.
 */
async function withFeatures(r: RealRun, vmsd: string, features: bigint): Promise<DecodeResult> {
  const bytes = new Uint8Array(gunzipSync(readFileSync(join(REAL_RUNS, r.streamFile))));
  const { facts } = virtioOf(await decodeRealStream(r.streamFile), vmsd);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  view.setUint32(facts.guestFeaturesLow.offset, Number(features & 0xffffffffn));
  if (facts.guestFeatures64 !== undefined) view.setBigUint64(facts.guestFeatures64.offset, features & ((1n << 64n) - 1n));
  return decodeStream(bytesSource(bytes, 'patched.mig'));
}

function withDeviceProps(r: RealRun, driver: string, props: Record<string, string>): DestinationKnowledge['cmdline'] {
  const c = realCommandLine(r);
  return { ...c, devices: c.devices.map((d) => (d.driver === driver ? { ...d, props: new Map([...d.props, ...Object.entries(props)]) } : d)) };
}

/*
 * The messages below were checked against the real builds: each patched stream, written to a
 * file, was loaded with `-incoming 'exec:cat FILE'` and the destination's command line of the
 * test, and the builds printed these lines (7.2 discard=off; 11.1.3 discard=off; 10.0.13 CSUM
 * into -netdev user; 10.0.13 RING_RESET into pc-q35-5.2).
 */
describe('virtio_load() refuses a guest feature the destination device does not offer', () => {
  // A guest that negotiated DISCARD (bit 13) with its virtio-blk, as Linux does.
  const DISCARD = 0x100002044n;
  const r72 = run('7.2', '7.2', 'pc-q35-7.2', 'virtio');

  it('loads where the destination offers it (discard=on, the default)', async () => {
    const p = predictLoad(await withFeatures(r72, 'virtio-blk', DISCARD), await realDestination(r72));
    expect(p.verdict).toBe('loads');
  });

  it('fails into QEMU 7.2 with -device virtio-blk-pci,discard=off, at the features value, in 7.2 words', async () => {
    const stream = await withFeatures(r72, 'virtio-blk', DISCARD);
    const dest = await realDestination(r72);
    const p = predictLoad(stream, { ...dest, cmdline: withDeviceProps(r72, 'virtio-blk-pci', { discard: 'off' }) });
    expect(p.verdict).toBe('fails');
    const f = p.failure!;
    expect(f.cause).toBe('DEVICE_CHECK_FAILED');
    expect(f.message.split('\n')).toEqual([
      'Features 0x100002044 unsupported. Allowed features: 0x10179004e54',
      'Failed to load virtio-blk:virtio',
      "error while loading state for instance 0x0 of device '0000:00:02.0/virtio-blk'",
      'load of migration failed: Operation not permitted',
    ]);
    const { facts } = virtioOf(stream, 'virtio-blk');
    expect(f.offset).toBe(facts.guestFeatures64?.offset);
    expect(f.field).toBe('virtio/virtio/64bit_features/guest_features');
    expect(f.values[0]).toMatchObject({ name: 'guest features', value: '0x100002044', length: 8 });
    expect(f.explanation).toContain('VIRTIO_BLK_F_DISCARD (bit 13): discard=off on the destination (-device virtio-blk-pci,discard=off)');
    expect(f.explanation).toContain('virtio-blk-pci at 0000:00:02.0');
    expect(f.fix).toContain('discard=on');
    expect(f.fix).toContain('cold boot');
  });

  it('fails into QEMU 11.1 with its 128-bit wording', async () => {
    const r = run('7.2', '11.1', 'pc-q35-7.2', 'virtio');
    const p = predictLoad(await withFeatures(r, 'virtio-blk', DISCARD), { ...(await realDestination(r)), cmdline: withDeviceProps(r, 'virtio-blk-pci', { discard: 'off' }) });
    expect(p.failure?.message.split('\n')).toEqual([
      // what 11.1.3 printed for this stream: the guest features after masking (DISCARD gone)
      'Features 0x00000000000000000000000100000044 unsupported. Allowed features: 0x00000000000000000000010179004e54',
      "load of migration failed: Invalid argument: error while loading state for instance 0x0 of device '0000:00:02.0/virtio-blk': Failed to load element of type virtio for virtio",
    ]);
  });

  it('a -global and a machine type compat property are named as what turned the bit off', async () => {
    const r = run('7.2', '7.2', 'pc-q35-7.2', 'virtio');
    const dest = await realDestination(r);
    const c = parseQemuCommandLine(`qemu-system-x86_64 ${realCommandLine(r).args.map((a) => `'${a}'`).join(' ')} -global virtio-blk-device.write-zeroes=off`);
    if (!c.ok) throw new Error(c.message);
    const p = predictLoad(await withFeatures(r, 'virtio-blk', 0x100004044n), { ...dest, cmdline: c.value });
    expect(p.failure?.explanation).toContain('VIRTIO_BLK_F_WRITE_ZEROES (bit 14): write-zeroes=off on the destination (-global virtio-blk-device.write-zeroes=off)');
    // RING_RESET (bit 40) from a pc-q35-7.2 guest; a pc-q35-5.2 destination of 10.0 has queue_reset=false.
    const r5 = run('10.0', '10.0', 'pc-q35-5.2', 'virtio');
    const q = predictLoad(await withFeatures(r5, 'virtio-net', 0x10100000020n), await realDestination(r5));
    expect(q.failure?.message.split('\n')[0]).toBe('Features 0x10100000020 unsupported. Allowed features: 0x179bf8064');
    expect(q.failure?.explanation).toContain('VIRTIO_F_RING_RESET (bit 40): queue_reset=off on the destination (virtio-device.queue_reset=false)');
  });

  it('a checksum offload negotiated over a tap netdev fails into user networking, and is at risk into another tap', async () => {
    const r = run('10.0', '10.0', 'pc-q35-10.0', 'virtio');
    const csum = await withFeatures(r, 'virtio-net', 0x100000021n);
    const user = predictLoad(csum, await realDestination(r));
    expect(user.failure?.message.split('\n')[0]).toBe('Features 0x100000021 unsupported. Allowed features: 0x10179bf8064');
    expect(user.failure?.explanation).toContain('VIRTIO_NET_F_CSUM (bit 0): virtio_net_get_features() drops it: the user netdev has no virtio-net header (-netdev user,id=n0)');
    expect(user.failure?.fix).toContain('tap');
    const tapArgs = realCommandLine(r).args.map((a) => (a === 'user,id=n0' ? 'tap,id=n0' : a));
    const tap = parseQemuCommandLine(`qemu-system-x86_64 ${tapArgs.map((a) => `'${a}'`).join(' ')}`);
    if (!tap.ok) throw new Error(tap.message);
    const risky = predictLoad(csum, { ...(await realDestination(r)), cmdline: tap.value });
    expect(risky.verdict).toBe('at-risk');
    const note = risky.notes.find((n) => n.code === 'VIRTIO_FEATURES_UNKNOWN')!;
    expect(note.text).toContain('VIRTIO_NET_F_CSUM (bit 0)');
    expect(note.text).toContain("host's kernel");
    expect(note.text).toContain('--dest-sample');
    expect(note.message).toBe('Features 0x100000021 unsupported. Allowed features: 0x10179bf8064');
  });

  it('a destination device that offers nothing above bit 31 has bits 0-31 checked, printed with %x (5.2, legacy-only)', async () => {
    // The feature check alone: loading a modern device's stream into a legacy-only one, QEMU
    // refuses the PCI config first (5.2: 'Bad config data: i=0x34', which takes --dest-sample
    // to predict). From a legacy-only source (no virtio/64bit_features) 5.2 printed exactly
    // this line: 'Features 0x2044 unsupported. Allowed features: 0x71004ed4'.
    const r = run('5.2', '5.2', 'pc-q35-5.2', 'virtio');
    const stream = await withFeatures(r, 'virtio-blk', 0x100002044n);
    const c = withDeviceProps(r, 'virtio-blk-pci', { discard: 'off', 'disable-modern': 'on' })!;
    const located = findSection(stream, '0000:00:02.0/virtio-blk')!;
    const build = knownBuild(version('5.2'), 'x86_64');
    const o = checkVirtioFeatures(
      { stream, record: located.record!, located, placed: { path: '0000:00:02.0', qomType: 'virtio-blk-pci', origin: 'cmdline', option: c.devices.find((d) => d.driver === 'virtio-blk-pci'), vmsdNames: [] } },
      { version: version('5.2'), machineType: 'pc-q35-5.2', cmdline: c, properties: { defaults: build?.deviceProperties, compat: undefined, globals: c.globals }, sample: undefined, sampleName: undefined, build },
    );
    expect(o?.verdict).toBe('fails');
    if (o?.verdict !== 'fails') return;
    // VERSION_1 (bit 32) is in the stream but not checked: only the be32 of the virtio state is.
    expect(o.failure.message.split('\n')[0]).toBe('Features 0x2044 unsupported. Allowed features: 0x71004ed4');
    expect(o.failure.offset).toBe(virtioOf(stream, 'virtio-blk').facts.guestFeaturesLow.offset);
    expect(o.failure.explanation).toContain('VIRTIO_BLK_F_DISCARD (bit 13)');
    expect(o.failure.explanation).not.toContain('VIRTIO_F_VERSION_1');
  });

  it('without the destination release, bits every release read offers pass; others are at risk naming --dest-version', async () => {
    const r = run('7.2', '7.2', 'pc-q35-7.2', 'virtio');
    const plain = predictLoad(await decodeRealStream(r.streamFile), { ...(await realDestination(r)), version: undefined, machines: undefined });
    expect(plain.notes.filter((n) => n.code === 'VIRTIO_FEATURES_UNKNOWN')).toEqual([]);
    const reset = predictLoad(await withFeatures(r, 'virtio-net', 0x10100000020n), { ...(await realDestination(r)), version: undefined, machines: undefined });
    const note = reset.notes.find((n) => n.code === 'VIRTIO_FEATURES_UNKNOWN')!;
    expect(note.text).toContain('QEMU 5.2 refuses VIRTIO_F_RING_RESET (bit 40)');
    expect(note.text).toContain('--dest-version');
  });
});

describe('the real runs: every virtio section passes the feature check of its real destination', () => {
  it('no real load is refused or put at risk by the feature check', async () => {
    let sections = 0;
    for (const r of realRuns()) {
      const p = predictLoad(await decodeRealStream(r.streamFile), await realDestination(r));
      expect(p.notes.filter((n) => n.code === 'VIRTIO_FEATURES_UNKNOWN'), r.id).toEqual([]);
      expect(p.failure?.message ?? '', r.id).not.toMatch(/^Features 0x/);
      const stream = await decodeRealStream(r.streamFile);
      sections += stream.sections.filter((s) => s.node.children?.some((x) => x.type === 'virtio') === true).length;
    }
    expect(sections).toBe(424);
  });
});
