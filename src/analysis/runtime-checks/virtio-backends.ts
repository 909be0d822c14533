/**
 * What a destination command line says about the backends behind its virtio devices, as far as
 * their host features depend on them: the netdev a virtio-net device is connected to (QEMU
 * clears the offload bits when that peer has no virtio-net header), the drive behind a
 * virtio-blk device (read-only, write cache, a block device that may be zoned), the vCPU count
 * (virtio-blk-pci's automatic queue count) and whether a GL display is asked for (5.2's
 * virtio-gpu offers VIRGL only then). Each answer is known only as far as the options say it:
 * what depends on the host (its kernel's tap features, a vhost backend, what a path really is)
 * stays unknown.
 */
import type { PlacedDevice } from '../explain/device-placement.ts';
import type { DeviceOption, QemuCommandLine } from '../explain/qemu-cmdline.ts';
import type { DestinationInput } from './model.ts';

/** An option's properties: QemuOpts text (`a,b=c`, `,,` an escaped comma) or JSON, nested keys dotted. */
function optionProps(value: string, implied: string): Map<string, string> {
  const out = new Map<string, string>();
  if (value.trimStart().startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      return out;
    }
    const walk = (o: unknown, prefix: string): void => {
      if (typeof o !== 'object' || o === null || Array.isArray(o)) return;
      for (const [k, v] of Object.entries(o)) {
        if (typeof v === 'object' && v !== null) walk(v, `${prefix}${k}.`);
        else if (typeof v === 'boolean') out.set(`${prefix}${k}`, v ? 'on' : 'off');
        else if (typeof v === 'string' || typeof v === 'number') out.set(`${prefix}${k}`, String(v));
      }
    };
    walk(parsed, '');
    return out;
  }
  const items = value.replace(/,,/g, '\u0000').split(',');
  items.forEach((raw, i) => {
    const item = raw.replace(/\u0000/g, ',');
    const eq = item.indexOf('=');
    if (eq >= 0) out.set(item.slice(0, eq), item.slice(eq + 1));
    else if (i === 0) out.set(implied, item);
    else out.set(item, 'on');
  });
  return out;
}

/** Every value of one option (`-netdev`, `--netdev`), parsed. */
function optionsNamed(cmdline: QemuCommandLine, name: string, implied: string): Map<string, string>[] {
  const out: Map<string, string>[] = [];
  const args = cmdline.args;
  for (let i = 0; i + 1 < args.length; i++) {
    if (args[i] === `-${name}` || args[i] === `--${name}`) out.push(optionProps(args[i + 1] ?? '', implied));
  }
  return out;
}

const ON = new Set(['on', 'yes', 'true', 'y', '1']);
const isOn = (v: string | undefined): boolean => v !== undefined && ON.has(v.toLowerCase());
const isOff = (v: string | undefined): boolean => v !== undefined && !ON.has(v.toLowerCase());

/** Answers about a backend: known, or unknown with why and which input would settle it. */
export type Answer<T> = { readonly known: true; readonly value: T; readonly why: string } | { readonly known: false; readonly why: string; readonly missing: DestinationInput };

export interface NetPeer {
  /** `user`, `tap`, ... or `none` (a NIC with no netdev); what the explanation names. */
  readonly describe: string;
  /** Does the peer give virtio-net a vnet header (`peer_has_vnet_hdr()`)? */
  readonly vnetHdr: Answer<boolean>;
  /** UFO / USO / UDP tunnel offloads of the peer (tap asks its kernel). */
  readonly offloads: Answer<boolean>;
  /** A vhost backend masks the features by its own (`vhost_net_get_features()`). */
  readonly vhost: Answer<boolean>;
}

/**
 * Backends whose NetClientInfo has no `has_vnet_hdr` in any of the four builds (net/*.c):
 * slirp, the socket family, l2tpv3, vde, hub ports, af-xdp, vmnet. tap (and bridge, a tap made
 * by a helper), netmap, vhost-user, vhost-vdpa and 11.1's passt do have one.
 */
const NO_VNET_HDR = new Set(['user', 'socket', 'stream', 'dgram', 'l2tpv3', 'vde', 'hubport', 'af-xdp', 'vmnet-host', 'vmnet-shared', 'vmnet-bridged']);

function peerOfType(type: string, props: ReadonlyMap<string, string>, describe: string): NetPeer {
  const no = (why: string): Answer<boolean> => ({ known: true, value: false, why });
  if (NO_VNET_HDR.has(type)) {
    const why = `the ${type} netdev has no virtio-net header`;
    return { describe, vnetHdr: no(why), offloads: no(why), vhost: no(`the ${type} netdev is not a vhost backend`) };
  }
  const kernel = (what: string): Answer<boolean> => ({ known: false, why: `${what} depends on the destination host's kernel`, missing: '--dest-sample' });
  if (type === 'tap' || type === 'bridge') {
    const vhost = isOn(props.get('vhost')) || isOn(props.get('vhostforce'));
    const noHdr = isOff(props.get('vnet_hdr'));
    return {
      describe,
      vnetHdr: noHdr ? no(`the tap netdev has vnet_hdr=${props.get('vnet_hdr') ?? ''}`) : kernel('whether the tap device gets a virtio-net header (IFF_VNET_HDR)'),
      offloads: noHdr ? no(`the tap netdev has vnet_hdr=${props.get('vnet_hdr') ?? ''}`) : kernel("which offloads (UFO, USO, UDP tunnel) the tap device takes"),
      vhost: vhost ? { known: true, value: true, why: 'the tap netdev has vhost=on' } : no('the tap netdev has no vhost=on'),
    };
  }
  if (type === 'vhost-user' || type === 'vhost-vdpa') {
    const backend = { known: false as const, why: `the ${type} backend's own features decide`, missing: '--dest-sample' as const };
    return { describe, vnetHdr: backend, offloads: backend, vhost: { known: true, value: true, why: `a ${type} netdev` } };
  }
  const unknown: Answer<boolean> = { known: false, why: `what the ${type} netdev offers is not in migscope's table`, missing: '--dest-sample' };
  return { describe, vnetHdr: unknown, offloads: unknown, vhost: unknown };
}

/** The peer of the destination's virtio-net device at the section's path. */
export function netPeer(cmdline: QemuCommandLine | undefined, placed: PlacedDevice | undefined): NetPeer {
  const missing = (why: string, input: '--dest-cmdline' | '--dest-sample'): NetPeer => {
    const a: Answer<boolean> = { known: false, why, missing: input };
    return { describe: 'unknown', vnetHdr: a, offloads: a, vhost: a };
  };
  if (cmdline === undefined) return missing("the destination's netdevs are not known", '--dest-cmdline');
  if (placed === undefined) return missing("which destination device takes this section is not known", '--dest-cmdline');
  const option = placed.option;
  if (option === undefined) {
    // A NIC made by -nic / -net nic (placed as a default device): its model names the type.
    const nics = cmdline.nics.filter((n) => (n.get('model') === 'virtio' ? 'virtio-net-pci' : n.get('model')) === placed.qomType);
    const types = new Set(nics.map((n) => n.get('type') ?? ''));
    const type = types.size === 1 ? [...types][0] : undefined;
    if (type === undefined || type === '') return missing(`which -nic / -net option made the destination's ${placed.qomType} is not clear`, '--dest-sample');
    // `-net nic` joins a hub: its peer is a hub port.
    return type === 'nic' ? peerOfType('hubport', new Map(), 'a -net hub port') : peerOfType(type, nics[0] ?? new Map(), `-nic ${type}`);
  }
  const id = option.props.get('netdev');
  if (id === undefined) {
    const none: Answer<boolean> = { known: true, value: false, why: `-device ${option.driver} has no netdev, so the NIC has no peer` };
    return { describe: 'no netdev', vnetHdr: none, offloads: none, vhost: none };
  }
  const netdev = optionsNamed(cmdline, 'netdev', 'type').find((n) => n.get('id') === id);
  if (netdev === undefined) return missing(`no -netdev with id=${id} on the destination command line`, '--dest-cmdline');
  const type = netdev.get('type') ?? '';
  return peerOfType(type, netdev, `-netdev ${type},id=${id}`);
}

export interface DriveFacts {
  /** `!blk_is_writable()`: VIRTIO_BLK_F_RO. */
  readonly readOnly: Answer<boolean>;
  /** `blk_enable_write_cache()` for `write-cache=auto`: the drive's cache mode. */
  readonly writeCache: Answer<boolean>;
  /** Could the backend be a zoned block device (10.0+ add VIRTIO_BLK_F_ZONED, drop DISCARD for host-managed)? */
  readonly mayBeZoned: Answer<boolean>;
}

/** Cache modes that turn the drive's write cache off (block/block-backend.c, bdrv_parse_cache_mode()). */
const WRITETHROUGH = new Set(['writethrough', 'directsync']);

/** The drive behind `-device virtio-blk-*,drive=ID`: a `-drive id=ID` or a `-blockdev node-name=ID`. */
export function driveFacts(cmdline: QemuCommandLine | undefined, option: DeviceOption | undefined): DriveFacts {
  const unknown = (why: string, input: '--dest-cmdline' | '--dest-sample' = '--dest-cmdline'): Answer<boolean> => ({ known: false, why, missing: input });
  if (cmdline === undefined || option === undefined) {
    const a = unknown("the destination's drive options are not known");
    return { readOnly: a, writeCache: a, mayBeZoned: a };
  }
  const id = option.props.get('drive');
  const drive = id !== undefined ? optionsNamed(cmdline, 'drive', 'file').find((d) => d.get('id') === id) : undefined;
  if (drive !== undefined) {
    const ro = drive.get('readonly') ?? drive.get('read-only');
    const cache = drive.get('cache');
    const writeback = drive.get('cache.writeback');
    const file = drive.get('file') ?? '';
    const hostDevice = drive.get('driver') === 'host_device' || drive.get('file.driver') === 'host_device' || file.startsWith('/dev/');
    return {
      readOnly: { known: true, value: isOn(ro), why: `-drive id=${id}${ro !== undefined ? ` has readonly=${ro}` : ' is read-write'}` },
      writeCache: { known: true, value: !(cache !== undefined && WRITETHROUGH.has(cache)) && !isOff(writeback), why: `-drive id=${id} has cache=${cache ?? 'writeback (the default)'}` },
      mayBeZoned: hostDevice ? unknown(`-drive id=${id} is a host block device (${file}), which may be zoned`, '--dest-sample') : { known: true, value: false, why: `-drive id=${id} is the file ${file} (only a host block device can be zoned)` },
    };
  }
  const nodes = optionsNamed(cmdline, 'blockdev', 'driver');
  const top = id !== undefined ? nodes.find((n) => n.get('node-name') === id) : undefined;
  if (top === undefined) {
    const a = unknown(`no -drive or -blockdev named ${id ?? '(no drive= given)'} on the destination command line`);
    return { readOnly: a, writeCache: a, mayBeZoned: a };
  }
  // The protocol leaf: a nested `file` object, or a `file` naming another node.
  const chain: ReadonlyMap<string, string>[] = [top];
  for (let n: ReadonlyMap<string, string> | undefined = top; n !== undefined && chain.length < 8; ) {
    const ref = n.get('file');
    n = ref !== undefined ? nodes.find((x) => x.get('node-name') === ref) : undefined;
    if (n !== undefined) chain.push(n);
  }
  const drivers = chain.flatMap((n) => [...n].filter(([k]) => k === 'driver' || k.endsWith('.driver')).map(([, v]) => v));
  const filenames = chain.flatMap((n) => [...n].filter(([k]) => k === 'filename' || k.endsWith('.filename')).map(([, v]) => v));
  const hostDevice = drivers.includes('host_device') || filenames.some((f) => f.startsWith('/dev/'));
  const ro = top.get('read-only');
  return {
    readOnly: { known: true, value: isOn(ro), why: `-blockdev node-name=${id ?? ''}${ro !== undefined ? ` has read-only=${ro}` : ' is read-write'}` },
    writeCache: unknown(`the write cache of -blockdev node-name=${id ?? ''} with write-cache=auto is not modelled`, '--dest-sample'),
    mayBeZoned: hostDevice
      ? unknown(`-blockdev node-name=${id ?? ''} is a host block device, which may be zoned`, '--dest-sample')
      : drivers.includes('file')
        ? { known: true, value: false, why: `-blockdev node-name=${id ?? ''} is a file (only a host block device can be zoned)` }
        : { known: true, value: false, why: `-blockdev node-name=${id ?? ''} is not a file-posix host device (only those report zones)` },
  };
}

/** `current_machine->smp.cpus`: `-smp N` or `cpus=N`; 1 without `-smp`. */
export function vcpuCount(cmdline: QemuCommandLine | undefined): Answer<number> {
  if (cmdline === undefined) return { known: false, why: "the destination's -smp is not known", missing: '--dest-cmdline' };
  const smp = optionsNamed(cmdline, 'smp', 'cpus').pop();
  if (smp === undefined) return { known: true, value: 1, why: 'no -smp (1 vCPU)' };
  const cpus = Number(smp.get('cpus'));
  if (Number.isInteger(cpus) && cpus > 0) return { known: true, value: cpus, why: `-smp ${cpus}` };
  return { known: false, why: '-smp gives a topology without cpus=', missing: '--dest-cmdline' };
}

/** `display_opengl` (5.2): a `-display ...,gl=on`, `-display egl-headless` or `-spice gl=on`. */
export function glDisplay(cmdline: QemuCommandLine | undefined): Answer<boolean> {
  if (cmdline === undefined) return { known: false, why: "the destination's -display is not known", missing: '--dest-cmdline' };
  const gl = (v: string | undefined): boolean => v !== undefined && v !== 'off';
  const asks = optionsNamed(cmdline, 'display', 'type').some((d) => d.get('type') === 'egl-headless' || gl(d.get('gl'))) || optionsNamed(cmdline, 'spice', 'port').some((s) => gl(s.get('gl')));
  return asks ? { known: false, why: 'a GL display is asked for; whether the build and the host give it an OpenGL context is not known', missing: '--dest-sample' } : { known: true, value: false, why: 'no -display or -spice with gl=on' };
}

/** 11.1's virtio-pci offers VIRTIO_F_SR_IOV only to a PF with user-created VFs (`sriov-pf=` on other devices). */
export function hasUserVfs(cmdline: QemuCommandLine | undefined, option: DeviceOption | undefined): Answer<boolean> {
  if (cmdline === undefined) return { known: false, why: "the destination's devices are not known", missing: '--dest-cmdline' };
  const id = option?.props.get('id');
  const vfs = cmdline.devices.filter((d) => d.props.has('sriov-pf'));
  if (vfs.length === 0) return { known: true, value: false, why: 'no -device has sriov-pf=' };
  if (id !== undefined && vfs.some((d) => d.props.get('sriov-pf') === id)) return { known: false, why: `-device ...,sriov-pf=${id} makes VFs of this device; whether it is a PCI Express PF is not modelled`, missing: '--dest-sample' };
  return { known: true, value: false, why: `no -device names this device (${id ?? 'no id'}) with sriov-pf=` };
}
