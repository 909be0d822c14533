/**
 * Each virtio device's own part of its host features: its `get_features()` (11.1: virtio-net's
 * `get_features_ex()`), the DEFINE_PROP_BIT64 host_features it reads and what its realize adds,
 * per release, from the Debian sources (docs/runtime-checks-sources.md §10.3). The transport and
 * `virtio-device` bits, and how a property's value is found, are in virtio-host-features.ts.
 */
import type { Answer } from './virtio-backends.ts';
import { driveFacts, glDisplay, netPeer, vcpuCount } from './virtio-backends.ts';
import type { Builder, HostFeatureInputs } from './virtio-host-features.ts';

/** virtio-net's DEFINE_PROP_BIT64 host_features that default to on, by property. */
const NET_BITS: readonly (readonly [string, number])[] = [
  ['csum', 0],
  ['guest_csum', 1],
  ['ctrl_guest_offloads', 2],
  ['gso', 6],
  ['guest_tso4', 7],
  ['guest_tso6', 8],
  ['guest_ecn', 9],
  ['guest_ufo', 10],
  ['host_tso4', 11],
  ['host_tso6', 12],
  ['host_ecn', 13],
  ['host_ufo', 14],
  ['mrg_rxbuf', 15],
  ['status', 16],
  ['ctrl_vq', 17],
  ['ctrl_rx', 18],
  ['ctrl_vlan', 19],
  ['ctrl_rx_extra', 20],
  ['guest_announce', 21],
  ['mq', 22],
  ['ctrl_mac_addr', 23],
  ['hash', 57],
  ['rss', 60],
  ['guest_rsc_ext', 61],
];
const NET_USO: readonly (readonly [string, number])[] = [
  ['guest_uso4', 54],
  ['guest_uso6', 55],
  ['host_uso', 56],
];
const NET_TUNNEL: readonly (readonly [string, number])[] = [
  ['guest_tunnel', 65],
  ['guest_tunnel_csum', 66],
  ['host_tunnel', 67],
  ['host_tunnel_csum', 68],
];
/** Cleared by virtio_net_get_features() when the peer has no vnet header. */
const NET_NEEDS_VNET_HDR = [0, 1, 7, 8, 9, 11, 12, 13, 57];

export type DeviceRule = (b: Builder, inputs: HostFeatureInputs) => void;

/** Each device's get_features() and the properties it reads, by section vmsd name. */
export const DEVICE_RULES: Readonly<Record<string, DeviceRule>> = {
  // hw/net/virtio-net.c virtio_net_get_features() (11.1: the _ex form over 128 bits) and
  // virtio_net_device_realize() (MTU, SPEED_DUPLEX, STANDBY into n->host_features).
  'virtio-net': (b, inputs) => {
    const r = inputs.release;
    for (const [name, bit] of NET_BITS) b.propBit(name, bit);
    if (b.since('10.0')) for (const [name, bit] of NET_USO) b.propBit(name, bit);
    else for (const [name, bit] of NET_USO) b.missingIn(bit, '10.0', name);
    if (r === '11.1') for (const [name, bit] of NET_TUNNEL) b.propBit(name, bit);
    else for (const [name, bit] of NET_TUNNEL) b.missingIn(bit, '11.1', name);
    b.on(5, 'virtio_net_get_features() always adds it');
    const mtu = b.prop('host_mtu');
    if (!mtu.known) b.unknown(3, `host_mtu: ${mtu.why}`, mtu.missing);
    else if (Number(mtu.value) > 0) b.on(3, `host_mtu=${mtu.value} (${mtu.detail})`);
    else b.off(3, `host_mtu=${mtu.value} (${mtu.detail}): no MTU advice`, b.setFix('host_mtu', "<the source's MTU>", mtu));
    const speed = b.prop('speed');
    const duplex = inputs.placed?.option?.props.get('duplex');
    if (!speed.known) b.unknown(63, `speed: ${speed.why}`, speed.missing);
    else if (Number(speed.value) >= 0 || duplex !== undefined) b.on(63, `speed=${speed.value}${duplex !== undefined ? `, duplex=${duplex}` : ''}`);
    else b.off(63, `speed=${speed.value} and no duplex: the link speed is not reported`, b.setFix('speed', "<the source's speed>", speed));
    b.propBit('failover', 62);
    // What the netdev cannot carry.
    const peer = netPeer(inputs.cmdline, inputs.placed);
    const peerFix = `Connect the destination's ${b.device} to a netdev with a virtio-net header and these offloads (a tap netdev, as the source evidently had), not ${peer.describe}.`;
    const dropped = (why: string): [string, string] => [`virtio_net_get_features() drops it: ${why} (${peer.describe})`, peerFix];
    const uso = b.since('10.0') ? [54, 55, 56] : [];
    const tunnel = r === '11.1' ? [65, 66, 67, 68] : [];
    b.apply(peer.vnetHdr, [...NET_NEEDS_VNET_HDR, ...uso, ...tunnel, 10, 14], dropped);
    b.apply(peer.offloads, [10, 14, ...uso, ...tunnel], dropped);
    // vhost_net_get_features() keeps, of the bits in its backend's list (kernel_feature_bits,
    // user_feature_bits, vdpa_feature_bits in hw/net/vhost_net.c and net/vhost-vdpa.c), only
    // those the backend has: every bit but MAC, BAD_FEATURE, STANDBY and SPEED_DUPLEX is in one.
    const vhostFree = new Set([5, 30, 62, 63]);
    // ... and MTU comes back after the masking when host_mtu is set (5.2 - 10.0 unless
    // x-mtu-bypass-backend=off; always in 11.1, which dropped that property).
    const bypass = r === '11.1' ? undefined : b.prop('x-mtu-bypass-backend');
    if (bypass === undefined || (bypass.known && bypass.value === 'on')) vhostFree.add(3);
    const masked = [...b.facts.keys()].filter((bit) => !vhostFree.has(bit));
    if (!peer.vhost.known) for (const bit of masked) b.blur(bit, `a vhost backend would mask it by its own features, and ${peer.vhost.why}`, peer.vhost.missing);
    else if (peer.vhost.value) for (const bit of masked) b.blur(bit, `the vhost backend's own features decide (${peer.vhost.why})`, '--dest-sample');
  },
  // hw/block/virtio-blk.c virtio_blk_get_features() and virtio_blk_device_realize().
  'virtio-blk': (b, inputs) => {
    const r = inputs.release;
    const always = 'virtio_blk_get_features() always adds it';
    for (const bit of [2, 4, 6, 10]) b.on(bit, always);
    b.propBit('config-wce', 11);
    b.propBit('write-zeroes', 14);
    b.propBit('discard', 13);
    const modern = b.facts.get(32)?.state;
    if (modern === 'off') {
      b.on(7, 'virtio_blk_get_features() adds it to a legacy-only device');
      b.clear(27, 'virtio_blk_get_features() drops it from a legacy-only device', 'Make the destination device modern (disable-modern=off), as the source evidently had it.');
    } else if (modern === 'unknown') {
      b.unknown(7, 'added for a legacy-only device, and whether the device is modern is not known', '--dest-cmdline');
    } else if (!b.since('10.0')) {
      // 5.2/7.2: scsi=on on a modern device fails realize ("Please set scsi=off ... virtio 1.0").
      b.off(7, 'a modern virtio-blk refuses scsi=on (virtio_blk_get_features(): "Please set scsi=off for virtio-blk devices in order to use virtio 1.0")', 'Only a legacy-only destination device (disable-modern=on) offers it.');
    } else b.off(7, `QEMU ${r} offers it only to a legacy-only device`, 'Only a legacy-only destination device (disable-modern=on) offers it.');
    // FLUSH (WCE): the drive's write cache, or config-wce with x-enable-wce-if-config-wce.
    const xwce = b.prop('x-enable-wce-if-config-wce');
    const configWce = b.facts.get(11)?.state;
    const drive = driveFacts(inputs.cmdline, inputs.placed?.option);
    if (xwce.known && xwce.value === 'on' && configWce === 'on') b.on(9, `config-wce=on with x-enable-wce-if-config-wce=on (${xwce.detail})`);
    else {
      const wc = b.prop('write-cache');
      const cache: Answer<boolean> = !wc.known ? { known: false, why: wc.why, missing: wc.missing } : wc.value === 'auto' ? drive.writeCache : { known: true, value: wc.value === 'on', why: `write-cache=${wc.value}` };
      if (!cache.known) b.unknown(9, `the drive's write cache: ${cache.why}`, cache.missing);
      else if (cache.value) b.on(9, `the drive's write cache is on (${cache.why})`);
      else b.off(9, `the drive's write cache is off (${cache.why}) and config-wce / x-enable-wce-if-config-wce do not add it`, 'Give the destination drive a write-back cache (cache=writeback, or write-cache=on), as the source evidently had.');
    }
    if (!drive.readOnly.known) b.unknown(5, `read-only: ${drive.readOnly.why}`, drive.readOnly.missing);
    else if (drive.readOnly.value) b.on(5, `the drive is read-only (${drive.readOnly.why})`);
    else b.off(5, `the drive is writable (${drive.readOnly.why})`, 'Open the destination drive read-only (readonly=on), as the source was.');
    // MQ: num-queues > 1; auto (65535) is the vCPU count for virtio-blk-pci, 1 otherwise.
    const nq = b.prop('num-queues');
    if (!nq.known) b.unknown(12, `num-queues: ${nq.why}`, nq.missing);
    else if (nq.value !== '65535') {
      if (Number(nq.value) > 1) b.on(12, `num-queues=${nq.value} (${nq.detail})`);
      else b.off(12, `num-queues=${nq.value} (${nq.detail})`, b.setFix('num-queues', "<the source's queue count>", nq));
    } else if (inputs.transport !== 'pci') b.off(12, 'num-queues=auto is 1 queue outside virtio-pci', b.setFix('num-queues', "<the source's queue count>", nq));
    else {
      const cpus = vcpuCount(inputs.cmdline);
      if (!cpus.known) b.unknown(12, `num-queues=auto follows the vCPU count: ${cpus.why}`, cpus.missing);
      else if (cpus.value > 1) b.on(12, `num-queues=auto gives one queue per vCPU (${cpus.why})`);
      else b.off(12, `num-queues=auto gives one queue per vCPU (${cpus.why})`, "Give the destination the source's vCPU count, or num-queues= equal to the source's queue count.");
    }
    if (b.since('10.0')) {
      // virtio_blk_device_realize(): a zoned backend adds ZONED; a host-managed one drops DISCARD.
      const zoned = drive.mayBeZoned;
      if (!zoned.known) {
        b.unknown(17, `whether the drive is zoned: ${zoned.why}`, zoned.missing);
        b.blur(13, `a host-managed zoned drive drops it: ${zoned.why}`, zoned.missing);
      } else if (!zoned.value) b.off(17, `the drive is not a zoned block device (${zoned.why})`, 'Only a zoned host block device as the destination drive offers it.');
    } else b.missingIn(17, '10.0', 'zoned block device support');
  },
  // hw/virtio/virtio-balloon.c virtio_balloon_get_features(): STATS_VQ always, the rest by property.
  'virtio-balloon': (b) => {
    b.on(1, 'virtio_balloon_get_features() always adds it');
    b.propBit('deflate-on-oom', 2);
    b.propBit('free-page-hint', 3);
    b.propBit('page-poison', 4);
    b.propBit('free-page-reporting', 5);
  },
  // hw/char/virtio-serial-bus.c get_features(): MULTIPORT with max_ports > 1; EMERG_WRITE by
  // property up to 10.0, always in 11.1.
  'virtio-console': (b, inputs) => {
    if (inputs.release === '11.1') b.on(2, 'get_features() always adds it in 11.1');
    else b.propBit('emergency-write', 2);
    const ports = b.prop('max_ports');
    if (!ports.known) b.unknown(1, `max_ports: ${ports.why}`, ports.missing);
    else if (Number(ports.value) > 1) b.on(1, `max_ports=${ports.value} (${ports.detail})`);
    else b.off(1, `max_ports=${ports.value} (${ports.detail})`, b.setFix('max_ports', "<the source's max_ports>", ports));
  },
  // hw/display/virtio-gpu-base.c virtio_gpu_base_get_features(): for the 2D virtio-gpu-pci /
  // virtio-vga / virtio-gpu-device; the GL, rutabaga and vhost-user types are not in the table.
  'virtio-gpu': (b, inputs) => {
    const q = inputs.placed?.qomType ?? '';
    if (/gl|rutabaga|vhost/.test(q)) {
      for (const bit of [0, 1, 2, 3, 4]) b.unknown(bit, `${q}'s features are not in migscope's table`, '--dest-sample');
      return;
    }
    b.propBit('edid', 1);
    if (b.since('7.2')) b.propBit('blob', 3);
    else b.missingIn(3, '7.2', 'blob');
    if (inputs.release === '5.2') {
      // 5.2: virgl=on (the default) counts only with a GL display (virtio_gpu_device_realize()).
      const virgl = b.prop('virgl');
      const gl = glDisplay(inputs.cmdline);
      if (!virgl.known) b.unknown(0, `virgl: ${virgl.why}`, virgl.missing);
      else if (virgl.value !== 'on') b.off(0, `virgl=${virgl.value} (${virgl.detail})`, b.setFix('virgl', 'on', virgl));
      else if (!gl.known) b.unknown(0, gl.why, gl.missing);
      else b.off(0, `virgl needs a GL display: ${gl.why}`, 'Give the destination a GL display (gl=on), as the source evidently had.');
    } else b.off(0, `QEMU ${inputs.release}'s ${q !== '' ? q : 'virtio-gpu'} is 2D: only the virtio-gpu-gl types offer it`, 'Use the same virtio-gpu-gl type as the source on the destination.');
  },
  // hw/virtio/virtio-rng.c and hw/input/virtio-input.c get_features() add nothing.
  'virtio-rng': () => undefined,
  'virtio-input': () => undefined,
  // hw/scsi/virtio-scsi.c virtio_scsi_get_features(): hotplug and param_change.
  'virtio-scsi': (b) => {
    b.propBit('hotplug', 1);
    b.propBit('param_change', 2);
  },
};
