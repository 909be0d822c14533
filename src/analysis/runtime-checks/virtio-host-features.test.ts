/**
 * The host features each Debian build computes for a virtio device: against what the builds
 * really offer (read through their PCI BARs and virtio-mmio registers), against what the real
 * streams' guests negotiated (negotiated ⊆ offered), the machine types' compat properties, and
 * what stays unknown.
 */
import { describe, expect, it } from 'vitest';
import { virtioFacts } from '../../format/index.ts';
import { knownBuild, knownBuilds } from '../build-profiles/index.ts';
import { parseQemuCommandLine, type QemuCommandLine } from '../explain/qemu-cmdline.ts';
import { decodeRealStream, realCommandLine, realRuns } from '../test-support/real-runs.ts';
import { bitsOf } from './virtio-feature-names.ts';
import { bitFact, featureCompat, hostFeatures, offeredMask, RELEASES, type HostFeatures, type Release } from './virtio-host-features.ts';

const VMSD_TYPE: Readonly<Record<string, string>> = {
  'virtio-net': 'virtio-net-pci',
  'virtio-blk': 'virtio-blk-pci',
  'virtio-balloon': 'virtio-balloon-pci',
  'virtio-console': 'virtio-serial-pci',
  'virtio-gpu': 'virtio-gpu-pci',
  'virtio-rng': 'virtio-rng-pci',
  'virtio-scsi': 'virtio-scsi-pci',
};

function cmd(text: string): QemuCommandLine {
  const c = parseQemuCommandLine(text);
  if (!c.ok) throw new Error(c.message);
  return c.value;
}

const version = (r: Release) => ({ major: Number(r.split('.')[0]), minor: Number(r.split('.')[1]) });

/** Host features of the device `driver` of a command line, as the destination build computes them. */
function host(release: Release, c: QemuCommandLine, vmsd: string, nth = 0, transport: 'pci' | 'mmio' = 'pci'): HostFeatures {
  const machine = c.machine ?? '';
  const build = knownBuild(version(release), transport === 'pci' ? 'x86_64' : 'aarch64');
  const driver = transport === 'pci' ? VMSD_TYPE[vmsd] : `${vmsd === 'virtio-console' ? 'virtio-serial' : vmsd}-device`;
  const option = c.devices.filter((d) => d.driver === driver)[nth];
  return hostFeatures({
    vmsd,
    placed: { path: '', qomType: driver ?? vmsd, origin: 'cmdline', option, vmsdNames: [] },
    transport,
    release,
    machineType: machine,
    properties: { defaults: build?.deviceProperties, compat: build?.virtioCompat?.get(machine), globals: c.globals },
    cmdline: c,
  });
}

const unknownBits = (h: HostFeatures): number[] => [...h.facts].filter(([, f]) => f.state === 'unknown').map(([b]) => b);

/**
 * What each build really offers, read from the running binaries (QEMU started with -S, its PCI
 * BARs programmed through -qtest, bits 0-31 from the legacy VIRTIO_PCI_HOST_FEATURES register,
 * bits 32-127 from the modern common config's device_feature). virtio-gpu-pci is modern-only:
 * its device_feature hides the legacy bits 24, 27 and 30, so those are masked below.
 */
const PROBED = {
  // -netdev user,id=n0 -device virtio-net-pci,netdev=n0 -drive if=none,id=d0,file=disk.raw,format=raw
  // -device virtio-blk-pci,drive=d0 -device virtio-balloon-pci -device virtio-serial-pci
  // -device virtio-gpu-pci -device virtio-rng-pci -device virtio-scsi-pci
  before72: { 'virtio-net': 0x179bf8064n, 'virtio-blk': 0x179006e54n, 'virtio-balloon': 0x179000012n, 'virtio-console': 0x179000006n, 'virtio-gpu': 0x130000002n, 'virtio-rng': 0x179000000n, 'virtio-scsi': 0x179000006n },
  // the same, on machine types 7.2 and later of 7.2, 10.0 and 11.1 (RING_RESET, bit 40)
  from72: { 'virtio-net': 0x10179bf8064n, 'virtio-blk': 0x10179006e54n, 'virtio-balloon': 0x10179000012n, 'virtio-console': 0x10179000006n, 'virtio-gpu': 0x10130000002n, 'virtio-rng': 0x10179000000n, 'virtio-scsi': 0x10179000006n },
} as const;
const REAL_DEVICES =
  '-netdev user,id=n0 -device virtio-net-pci,netdev=n0 -drive if=none,id=d0,file=/work/qc/runs/disk.raw,format=raw -device virtio-blk-pci,drive=d0 -device virtio-balloon-pci -device virtio-serial-pci -device virtio-gpu-pci -device virtio-rng-pci -device virtio-scsi-pci';
const LEGACY_HIDDEN = (1n << 24n) | (1n << 27n) | (1n << 30n);

describe('host features of the real runs devices, per build and machine type, as the binaries offer them', () => {
  const cases: [Release, string, 'before72' | 'from72'][] = [
    ['5.2', 'pc-i440fx-5.2', 'before72'],
    ['5.2', 'pc-q35-5.2', 'before72'],
    ['7.2', 'pc-q35-5.2', 'before72'],
    ['7.2', 'pc-i440fx-7.2', 'from72'],
    ['10.0', 'pc-i440fx-5.2', 'before72'],
    ['10.0', 'pc-q35-7.2', 'from72'],
    ['10.0', 'pc-q35-10.0', 'from72'],
    ['11.1', 'pc-q35-5.2', 'before72'],
    ['11.1', 'pc-i440fx-10.0', 'from72'],
  ];
  it.each(cases)('QEMU %s on %s', (release, machine, which) => {
    const c = cmd(`qemu-system-x86_64 -machine ${machine} -nodefaults ${REAL_DEVICES}`);
    for (const [vmsd, probed] of Object.entries(PROBED[which])) {
      const h = host(release, c, vmsd);
      expect(unknownBits(h), vmsd).toEqual([]);
      const mask = vmsd === 'virtio-gpu' ? ~LEGACY_HIDDEN : -1n;
      expect(`0x${(offeredMask(h) & mask).toString(16)}`, vmsd).toBe(`0x${probed.toString(16)}`);
    }
  });

  it('virtio-net-pci with user networking: no checksum or segmentation offloads (slirp has no vnet header)', () => {
    const h = host('10.0', cmd(`qemu-system-x86_64 -machine pc-q35-10.0 ${REAL_DEVICES}`), 'virtio-net');
    for (const bit of [0, 1, 7, 8, 9, 10, 11, 12, 13, 14, 54, 55, 56]) expect(bitFact(h, bit)).toMatchObject({ state: 'off', why: expect.stringContaining('the user netdev has no virtio-net header') });
    expect(bitFact(h, 5)).toMatchObject({ state: 'on' });
  });

  it('property variants, against the binaries', () => {
    // -smp 2 -drive if=none,id=d0,file=d0.raw,format=raw,readonly=on -device virtio-blk-pci,drive=d0,discard=off,config-wce=off
    // -device virtio-net-pci,packed=on,mq=on,host_mtu=1400,speed=1000,iommu_platform=on,disable-legacy=on (no netdev)
    // -device virtio-balloon-pci,deflate-on-oom=on,free-page-reporting=on -device virtio-serial-pci,max_ports=1
    const variants = (m: string) =>
      cmd(
        `qemu-system-x86_64 -machine ${m} -smp 2 -drive if=none,id=d0,file=/tmp/d0.raw,format=raw,readonly=on -device virtio-blk-pci,drive=d0,discard=off,config-wce=off -device virtio-net-pci,packed=on,mq=on,host_mtu=1400,speed=1000,iommu_platform=on,disable-legacy=on -device virtio-balloon-pci,deflate-on-oom=on,free-page-reporting=on -device virtio-serial-pci,max_ports=1`,
      );
    for (const [release, machine, reset] of [
      ['5.2', 'pc-q35-5.2', 0n],
      ['7.2', 'pc-q35-7.2', 1n << 40n],
      ['10.0', 'pc-q35-10.0', 1n << 40n],
      ['11.1', 'pc-q35-10.0', 1n << 40n],
    ] as const) {
      const c = variants(machine);
      expect(offeredMask(host(release, c, 'virtio-blk')), `${release} blk`).toBe(0x179005674n | reset);
      // modern-only: the binary's device_feature hides GSO (bit 6) and the legacy bits too
      expect(offeredMask(host(release, c, 'virtio-net')) & ~(LEGACY_HIDDEN | (1n << 6n)), `${release} net`).toBe(0x8000000730ff802cn | reset);
      expect(offeredMask(host(release, c, 'virtio-balloon')), `${release} balloon`).toBe(0x179000036n | reset);
      expect(offeredMask(host(release, c, 'virtio-console')), `${release} serial`).toBe(0x179000004n | reset);
    }
  });

  it('a legacy-only virtio-blk-pci (disable-modern=on) and a write-through drive without config-wce', () => {
    // -drive ...,id=d1,cache=writethrough -device virtio-blk-pci,drive=d1,disable-modern=on,event_idx=off
    // -drive ...,id=d0,cache=writethrough -device virtio-blk-pci,drive=d0,config-wce=off
    const c = cmd(
      'qemu-system-x86_64 -machine pc-q35-7.2 -drive if=none,id=d1,file=/tmp/d1.raw,format=raw,cache=writethrough -device virtio-blk-pci,drive=d1,disable-modern=on,event_idx=off -drive if=none,id=d0,file=/tmp/d0.raw,format=raw,cache=writethrough -device virtio-blk-pci,drive=d0,config-wce=off',
    );
    // The legacy register shows bits 0-31 only: SCSI on, ANY_LAYOUT and EVENT_IDX off.
    expect(offeredMask(host('7.2', c, 'virtio-blk', 0)) & 0xffffffffn).toBe(0x51006ed4n);
    expect(offeredMask(host('7.2', c, 'virtio-blk', 1))).toBe(0x10179006454n);
  });

  it('aarch64 virtio-mmio, legacy by default (force-legacy): no VERSION_1, no BAD_FEATURE', () => {
    const c = cmd('qemu-system-aarch64 -machine virt-7.2 -netdev user,id=n0 -device virtio-net-device,netdev=n0 -device virtio-rng-device');
    for (const release of ['7.2', '10.0', '11.1'] as const) {
      // read through the virtio-mmio registers of the binaries (HostFeatures, bits 0-31 in legacy mode)
      expect(offeredMask(host(release, c, 'virtio-net', 0, 'mmio')) & 0xffffffffn).toBe(0x39bf8064n);
      expect(offeredMask(host(release, c, 'virtio-rng', 0, 'mmio'))).toBe(0x10039000000n);
    }
  });
});

describe('what the real streams guests negotiated is offered by the build that saved them', () => {
  const files = [...new Map(realRuns().map((r) => [r.streamFile, r])).values()];
  it.each(files.map((r) => [r.streamFile, r] as const))('%s', async (_f, run) => {
    const stream = await decodeRealStream(run.streamFile);
    const c = realCommandLine(run);
    let seen = 0;
    for (const s of stream.sections) {
      const field = s.node.children?.find((x) => x.type === 'virtio');
      const facts = field !== undefined ? virtioFacts(field) : undefined;
      if (facts === undefined || facts.transport === 'ccw') continue;
      const vmsd = s.idstr.slice(s.idstr.lastIndexOf('/') + 1);
      const h = host(run.src as Release, c, vmsd, 0, facts.transport);
      const offered = offeredMask(h);
      expect(unknownBits(h), s.idstr).toEqual([]);
      expect(facts.features.value & ~offered, `${s.idstr}: negotiated 0x${facts.features.value.toString(16)}, offered 0x${offered.toString(16)}`).toBe(0n);
      seen++;
    }
    // virtio-scsi in `extra`, six devices in `virtio`, two in `virtio-mmio`; none elsewhere.
    expect(seen > 0).toBe(['virtio', 'extra', 'virtio-mmio'].includes(run.config));
  });
});

describe('the machine types compat properties of the feature properties', () => {
  it('the hw_compat table read from the sources agrees with what 10.0 and 11.1 report (query-machines)', () => {
    const properties = ['queue_reset', 'host_uso', 'guest_uso4', 'guest_uso6', 'host_tunnel', 'host_tunnel_csum', 'guest_tunnel', 'guest_tunnel_csum', 'num-queues', 'page-poison', 'x-enable-wce-if-config-wce', 'edid', 'discard', 'write-zeroes', 'emergency-write', 'disable-modern', 'scsi'];
    const chains = [
      ['virtio-net-pci', 'virtio-net-pci-base', 'virtio-pci', 'virtio-net-device', 'virtio-device'],
      ['virtio-blk-pci', 'virtio-blk-pci-base', 'virtio-pci', 'virtio-blk-device', 'virtio-device'],
      ['virtio-balloon-pci', 'virtio-pci', 'virtio-balloon-device', 'virtio-device'],
      ['virtio-serial-pci', 'virtio-pci', 'virtio-serial-device', 'virtio-device'],
      ['virtio-gpu-pci', 'virtio-pci', 'virtio-gpu-device', 'virtio-device'],
      ['virtio-vga', 'virtio-pci', 'virtio-gpu-device', 'virtio-device'],
    ];
    let compared = 0;
    for (const build of knownBuilds().filter((b) => b.virtioCompat !== undefined)) {
      const release = build.release as Release;
      for (const [machine, props] of build.virtioCompat ?? []) {
        for (const types of chains) {
          for (const property of properties) {
            const reported = props.filter((p) => p.property === property && types.includes(p.qomType)).pop();
            const table = featureCompat(release, machine, types, property);
            expect(table, `${build.release} ${machine}`).toBeDefined();
            const norm = (v: string | undefined) => (v === 'true' ? 'on' : v === 'false' ? 'off' : v);
            expect(norm(table?.value), `${build.arch} ${build.release} ${machine} ${types[0]}.${property}`).toBe(norm(reported?.value));
            compared++;
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(10000);
  });

  it("pc-*-7.1 and older turn RING_RESET off (hw_compat_7_1); 5.2 has no queue_reset at all", () => {
    const c = (m: string) => cmd(`qemu-system-x86_64 -machine ${m} ${REAL_DEVICES}`);
    expect(bitFact(host('10.0', c('pc-q35-7.2'), 'virtio-net'), 40)).toMatchObject({ state: 'on' });
    expect(bitFact(host('10.0', c('pc-q35-5.2'), 'virtio-net'), 40)).toMatchObject({ state: 'off', why: expect.stringContaining('virtio-device.queue_reset=false') });
    expect(bitFact(host('7.2', c('pc-q35-5.2'), 'virtio-net'), 40)).toMatchObject({ state: 'off', why: expect.stringContaining('hw_compat_7_1') });
    expect(bitFact(host('5.2', c('pc-q35-5.2'), 'virtio-net'), 40)).toMatchObject({ state: 'off', why: expect.stringContaining('QEMU 5.2 has no queue_reset') });
  });
});

describe('what stays unknown', () => {
  it('a tap netdev: the offloads depend on the host kernel; with vhost=on, on the vhost backend', () => {
    const tap = host('10.0', cmd('qemu-system-x86_64 -machine pc-q35-10.0 -netdev tap,id=n0 -device virtio-net-pci,netdev=n0'), 'virtio-net');
    expect(bitFact(tap, 0)).toMatchObject({ state: 'unknown', missing: '--dest-sample', why: expect.stringContaining("host's kernel") });
    expect(bitFact(tap, 5)).toMatchObject({ state: 'on' });
    expect(bitFact(tap, 32)).toMatchObject({ state: 'on' });
    const vhost = host('10.0', cmd('qemu-system-x86_64 -machine pc-q35-10.0 -netdev tap,id=n0,vhost=on -device virtio-net-pci,netdev=n0'), 'virtio-net');
    expect(bitFact(vhost, 32)).toMatchObject({ state: 'unknown', why: expect.stringContaining('vhost') });
    expect(bitFact(vhost, 5)).toMatchObject({ state: 'on' });
    const noHdr = host('10.0', cmd('qemu-system-x86_64 -machine pc-q35-10.0 -netdev tap,id=n0,vnet_hdr=off -device virtio-net-pci,netdev=n0'), 'virtio-net');
    expect(bitFact(noHdr, 0)).toMatchObject({ state: 'off' });
  });

  it('virtio-blk: read-only and zoned need the drive; a host block device may be zoned (10.0+)', () => {
    const dev = host('11.1', cmd('qemu-system-x86_64 -machine pc-q35-10.0 -drive if=none,id=d0,file=/dev/sdb,format=raw -device virtio-blk-pci,drive=d0'), 'virtio-blk');
    expect(bitFact(dev, 17)).toMatchObject({ state: 'unknown' });
    expect(bitFact(dev, 13)).toMatchObject({ state: 'unknown', why: expect.stringContaining('host-managed zoned') });
    const file = host('11.1', cmd('qemu-system-x86_64 -machine pc-q35-10.0 -blockdev driver=file,node-name=f0,filename=/srv/a.qcow2 -blockdev driver=qcow2,node-name=d0,file=f0,read-only=on -device virtio-blk-pci,drive=d0'), 'virtio-blk');
    expect(bitFact(file, 17)).toMatchObject({ state: 'off' });
    expect(bitFact(file, 5)).toMatchObject({ state: 'on', why: expect.stringContaining('read-only=on') });
    const noDrive = hostFeatures({ vmsd: 'virtio-blk', placed: undefined, transport: 'pci', release: '7.2', machineType: 'pc-q35-7.2', properties: { defaults: undefined, compat: undefined, globals: undefined }, cmdline: undefined });
    expect(bitFact(noDrive, 5)).toMatchObject({ state: 'unknown', missing: '--dest-cmdline' });
    expect(bitFact(noDrive, 2)).toMatchObject({ state: 'on' });
  });
});

describe('what the builds offer covers what the real streams negotiated in any release', () => {
  it('each release offers what the real streams of every other release negotiated (bits 0x100000044 at most)', () => {
    for (const release of RELEASES) {
      const c = cmd(`qemu-system-x86_64 -machine pc-q35-5.2 ${REAL_DEVICES}`);
      expect(bitsOf(0x100000044n & ~offeredMask(host(release, c, 'virtio-blk')))).toEqual([]);
      expect(bitsOf(0x100000020n & ~offeredMask(host(release, c, 'virtio-net')))).toEqual([]);
    }
  });
});
