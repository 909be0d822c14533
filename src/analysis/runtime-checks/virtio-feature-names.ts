/**
 * Names of virtio feature bits, as QEMU's headers spell them: the transport bits of
 * include/standard-headers/linux/virtio_config.h and virtio_ring.h (plus QEMU's own
 * VIRTIO_F_BAD_FEATURE, include/hw/virtio/virtio.h), and each device's bits from its
 * virtio_<device>.h, read in the 11.1.1 tree (the numbers are the same in 5.2, 7.2 and 10.0
 * where a bit exists there). The names are for explanations only: a bit without a name here is
 * called `bit N`, never guessed.
 */

const TRANSPORT: Readonly<Record<number, string>> = {
  24: 'VIRTIO_F_NOTIFY_ON_EMPTY',
  27: 'VIRTIO_F_ANY_LAYOUT',
  28: 'VIRTIO_RING_F_INDIRECT_DESC',
  29: 'VIRTIO_RING_F_EVENT_IDX',
  30: 'VIRTIO_F_BAD_FEATURE',
  32: 'VIRTIO_F_VERSION_1',
  // QEMU's code and properties say IOMMU_PLATFORM; the spec renamed it ACCESS_PLATFORM.
  33: 'VIRTIO_F_IOMMU_PLATFORM',
  34: 'VIRTIO_F_RING_PACKED',
  35: 'VIRTIO_F_IN_ORDER',
  36: 'VIRTIO_F_ORDER_PLATFORM',
  37: 'VIRTIO_F_SR_IOV',
  38: 'VIRTIO_F_NOTIFICATION_DATA',
  39: 'VIRTIO_F_NOTIF_CONFIG_DATA',
  40: 'VIRTIO_F_RING_RESET',
  41: 'VIRTIO_F_ADMIN_VQ',
};

/** By the section's vmsd name (`virtio-console` is virtio-serial's). */
const DEVICE: Readonly<Record<string, Readonly<Record<number, string>>>> = {
  'virtio-net': {
    0: 'VIRTIO_NET_F_CSUM',
    1: 'VIRTIO_NET_F_GUEST_CSUM',
    2: 'VIRTIO_NET_F_CTRL_GUEST_OFFLOADS',
    3: 'VIRTIO_NET_F_MTU',
    5: 'VIRTIO_NET_F_MAC',
    6: 'VIRTIO_NET_F_GSO',
    7: 'VIRTIO_NET_F_GUEST_TSO4',
    8: 'VIRTIO_NET_F_GUEST_TSO6',
    9: 'VIRTIO_NET_F_GUEST_ECN',
    10: 'VIRTIO_NET_F_GUEST_UFO',
    11: 'VIRTIO_NET_F_HOST_TSO4',
    12: 'VIRTIO_NET_F_HOST_TSO6',
    13: 'VIRTIO_NET_F_HOST_ECN',
    14: 'VIRTIO_NET_F_HOST_UFO',
    15: 'VIRTIO_NET_F_MRG_RXBUF',
    16: 'VIRTIO_NET_F_STATUS',
    17: 'VIRTIO_NET_F_CTRL_VQ',
    18: 'VIRTIO_NET_F_CTRL_RX',
    19: 'VIRTIO_NET_F_CTRL_VLAN',
    20: 'VIRTIO_NET_F_CTRL_RX_EXTRA',
    21: 'VIRTIO_NET_F_GUEST_ANNOUNCE',
    22: 'VIRTIO_NET_F_MQ',
    23: 'VIRTIO_NET_F_CTRL_MAC_ADDR',
    50: 'VIRTIO_NET_F_DEVICE_STATS',
    52: 'VIRTIO_NET_F_VQ_NOTF_COAL',
    53: 'VIRTIO_NET_F_NOTF_COAL',
    54: 'VIRTIO_NET_F_GUEST_USO4',
    55: 'VIRTIO_NET_F_GUEST_USO6',
    56: 'VIRTIO_NET_F_HOST_USO',
    57: 'VIRTIO_NET_F_HASH_REPORT',
    59: 'VIRTIO_NET_F_GUEST_HDRLEN',
    60: 'VIRTIO_NET_F_RSS',
    61: 'VIRTIO_NET_F_RSC_EXT',
    62: 'VIRTIO_NET_F_STANDBY',
    63: 'VIRTIO_NET_F_SPEED_DUPLEX',
    65: 'VIRTIO_NET_F_GUEST_UDP_TUNNEL_GSO',
    66: 'VIRTIO_NET_F_GUEST_UDP_TUNNEL_GSO_CSUM',
    67: 'VIRTIO_NET_F_HOST_UDP_TUNNEL_GSO',
    68: 'VIRTIO_NET_F_HOST_UDP_TUNNEL_GSO_CSUM',
  },
  'virtio-blk': {
    0: 'VIRTIO_BLK_F_BARRIER',
    1: 'VIRTIO_BLK_F_SIZE_MAX',
    2: 'VIRTIO_BLK_F_SEG_MAX',
    4: 'VIRTIO_BLK_F_GEOMETRY',
    5: 'VIRTIO_BLK_F_RO',
    6: 'VIRTIO_BLK_F_BLK_SIZE',
    7: 'VIRTIO_BLK_F_SCSI',
    9: 'VIRTIO_BLK_F_FLUSH',
    10: 'VIRTIO_BLK_F_TOPOLOGY',
    11: 'VIRTIO_BLK_F_CONFIG_WCE',
    12: 'VIRTIO_BLK_F_MQ',
    13: 'VIRTIO_BLK_F_DISCARD',
    14: 'VIRTIO_BLK_F_WRITE_ZEROES',
    16: 'VIRTIO_BLK_F_SECURE_ERASE',
    17: 'VIRTIO_BLK_F_ZONED',
  },
  'virtio-balloon': {
    0: 'VIRTIO_BALLOON_F_MUST_TELL_HOST',
    1: 'VIRTIO_BALLOON_F_STATS_VQ',
    2: 'VIRTIO_BALLOON_F_DEFLATE_ON_OOM',
    3: 'VIRTIO_BALLOON_F_FREE_PAGE_HINT',
    4: 'VIRTIO_BALLOON_F_PAGE_POISON',
    5: 'VIRTIO_BALLOON_F_REPORTING',
  },
  'virtio-console': { 0: 'VIRTIO_CONSOLE_F_SIZE', 1: 'VIRTIO_CONSOLE_F_MULTIPORT', 2: 'VIRTIO_CONSOLE_F_EMERG_WRITE' },
  'virtio-scsi': { 0: 'VIRTIO_SCSI_F_INOUT', 1: 'VIRTIO_SCSI_F_HOTPLUG', 2: 'VIRTIO_SCSI_F_CHANGE', 3: 'VIRTIO_SCSI_F_T10_PI' },
  'virtio-gpu': {
    0: 'VIRTIO_GPU_F_VIRGL',
    1: 'VIRTIO_GPU_F_EDID',
    2: 'VIRTIO_GPU_F_RESOURCE_UUID',
    3: 'VIRTIO_GPU_F_RESOURCE_BLOB',
    4: 'VIRTIO_GPU_F_CONTEXT_INIT',
    5: 'VIRTIO_GPU_F_BLOB_ALIGNMENT',
  },
};

/** `VIRTIO_NET_F_CSUM`, `VIRTIO_F_RING_RESET`, or `bit 45` for a bit no header names for the device. */
export function featureName(vmsd: string, bit: number): string {
  // Bits 28-41 are the transport's in every device (VIRTIO_TRANSPORT_F_START..END), 24 and 27 too.
  return TRANSPORT[bit] ?? DEVICE[vmsd]?.[bit] ?? `bit ${bit}`;
}

/** `VIRTIO_NET_F_CSUM (bit 0)` */
export function featureLabel(vmsd: string, bit: number): string {
  const name = featureName(vmsd, bit);
  return name.startsWith('bit ') ? name : `${name} (bit ${bit})`;
}

/** The set bits of a feature word, lowest first. */
export function bitsOf(value: bigint): number[] {
  const out: number[] = [];
  for (let bit = 0, v = value; v > 0n; bit++, v >>= 1n) if ((v & 1n) === 1n) out.push(bit);
  return out;
}
