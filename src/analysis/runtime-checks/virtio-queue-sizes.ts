/**
 * The size each virtio device gives its queues (`virtio_add_queue()`), in queue index order, as
 * a function of the destination's release, machine type and the device's properties. These
 * are the "allocated max" that 11.1's `virtio_load()` compares each incoming `vring.num` with.
 *
 * Read from the Debian sources of 5.2, 7.2, 10.0.13 and 11.1 (docs/runtime-checks-sources.md
 * §1.3, §3): the sizes are the same in 5.2, 7.2 and 11.1; 10.0.13's `virtio_add_queue()` makes
 * every queue of every device 1024 ("Always set to max queue size for qemu <11.1"); 11.1 makes
 * every queue of a virtio-mmio device 1024 on machine types up to 11.0 (`hw_compat_11_0` sets
 * virtio-mmio `x-override-queue-size=1024`). A device missing here is unknown, never guessed.
 */
import type { DeviceOption } from '../explain/qemu-cmdline.ts';
import { atLeast, compareVersions, machineTypeVersion, type QemuVersion } from '../explain/qemu-version.ts';
import { effectiveProperty, type EffectiveProperty, type KnownCompat, type PropertySources } from './device-properties.ts';
import type { DestinationInput } from './model.ts';

/** VIRTQUEUE_MAX_SIZE in every release read. */
export const VIRTQUEUE_MAX_SIZE = 1024;

export interface QueueSize {
  readonly size: number;
  /** What the queue is (`rx`, `ctrl`, `port 0 tx`, ...). */
  readonly role: string;
  /** Where the size comes from, for the explanation. */
  readonly from: string;
}

export type QueueSizes =
  | { readonly known: true; readonly device: string; readonly sizeOf: (index: number, queueCount: number) => QueueSize }
  | { readonly known: false; readonly missing: DestinationInput; readonly why: string };

export interface QueueSizeInputs {
  /** The section's vmsd name: `virtio-net`, `virtio-blk`, `virtio-console`, ... */
  readonly vmsd: string;
  /** The destination device's QOM type at the section's path (`virtio-net-pci`), when known. */
  readonly qomType: string | undefined;
  readonly option: DeviceOption | undefined;
  readonly transport: 'pci' | 'mmio' | 'ccw' | 'unknown';
  readonly version: QemuVersion | undefined;
  /** The destination's machine type (aliases resolved). */
  readonly machineType: string | undefined;
  readonly properties: PropertySources;
}

/** The virtio backend type (`virtio-net-device`) behind a section's vmsd name. */
const BACKENDS: Readonly<Record<string, string>> = {
  'virtio-net': 'virtio-net-device',
  'virtio-blk': 'virtio-blk-device',
  'virtio-balloon': 'virtio-balloon-device',
  'virtio-console': 'virtio-serial-device',
  'virtio-gpu': 'virtio-gpu-device',
  'virtio-rng': 'virtio-rng-device',
  'virtio-scsi': 'virtio-scsi-device',
  'virtio-input': 'virtio-input-device',
};

/** Types whose compat / `-global` properties reach the device's queue-size properties. */
function typeChain(vmsd: string, qomType: string | undefined): string[] {
  const backend = BACKENDS[vmsd];
  const chain = [qomType, qomType !== undefined && /-pci$/.test(qomType) ? `${qomType}-base` : undefined, backend, 'virtio-device'];
  return chain.filter((t): t is string => t !== undefined);
}

export function queueSizes(inputs: QueueSizeInputs): QueueSizes {
  const { vmsd, version } = inputs;
  if (version !== undefined && isAllMax(version)) {
    return { known: true, device: vmsd, sizeOf: () => ({ size: VIRTQUEUE_MAX_SIZE, role: 'queue', from: "QEMU 10.0.13's virtio_add_queue() makes every queue 1024 ('Always set to max queue size for qemu <11.1')" }) };
  }
  if (inputs.transport === 'mmio' && version !== undefined && atLeast(version, 11, 1)) {
    const mt = inputs.machineType !== undefined ? machineTypeVersion(inputs.machineType) : undefined;
    if (mt !== undefined && compareVersions(mt, { major: 11, minor: 0 }) <= 0) {
      return { known: true, device: vmsd, sizeOf: () => ({ size: VIRTQUEUE_MAX_SIZE, role: 'queue', from: `machine type ${inputs.machineType ?? ''} sets virtio-mmio x-override-queue-size=1024 (hw_compat_11_0)` }) };
    }
  }
  const types = typeChain(vmsd, inputs.qomType);
  const prop = (name: string): EffectiveProperty => effectiveProperty(inputs.properties, types, name, inputs.option, knownCompat(name, inputs.machineType), sourceDefault(name));
  switch (vmsd) {
    case 'virtio-net': {
      const rx = prop('rx_queue_size');
      const tx = prop('tx_queue_size');
      const ctrl = prop('ctrl_vq');
      const missing = [rx, tx, ctrl].find((p) => !p.known);
      if (missing !== undefined && !missing.known) return { known: false, missing: missing.missing, why: `virtio-net's queue sizes: ${missing.why}` };
      if (!rx.known || !tx.known || !ctrl.known) return { known: false, missing: '--dest-sample', why: 'virtio-net queue sizes' };
      const hasCtrl = ctrl.value === 'on';
      return {
        known: true,
        device: 'virtio-net',
        // rx0, tx0, [rxN, txN ...], ctrl last (virtio_net_device_realize; 7.2+ add pairs in pre_load_queues).
        sizeOf: (index, count) => {
          if (hasCtrl && index === count - 1) return { size: 64, role: 'ctrl', from: 'the control queue (fixed 64)' };
          const pair = Math.floor(index / 2);
          return index % 2 === 0
            ? { size: Number(rx.value), role: `rx${pair > 0 ? pair : ''}`, from: `rx_queue_size=${rx.value}, ${rx.detail}` }
            : { size: Number(tx.value), role: `tx${pair > 0 ? pair : ''}`, from: `tx_queue_size=${tx.value}, ${tx.detail}` };
        },
      };
    }
    case 'virtio-blk':
    case 'virtio-scsi': {
      const name = vmsd === 'virtio-blk' ? 'queue-size' : 'virtqueue_size';
      const size = prop(name);
      if (!size.known) return { known: false, missing: size.missing, why: `${vmsd}'s ${name}: ${size.why}` };
      return { known: true, device: vmsd, sizeOf: (index) => ({ size: Number(size.value), role: vmsd === 'virtio-blk' ? `request queue ${index}` : index === 0 ? 'ctrl' : index === 1 ? 'event' : `cmd ${index - 2}`, from: `${name}=${size.value}, ${size.detail}` }) };
    }
    case 'virtio-balloon': {
      const hint = prop('free-page-hint');
      const reporting = prop('free-page-reporting');
      if (!hint.known) return { known: false, missing: hint.missing, why: `virtio-balloon's free-page-hint: ${hint.why}` };
      if (!reporting.known) return { known: false, missing: reporting.missing, why: `virtio-balloon's free-page-reporting: ${reporting.why}` };
      const roles: QueueSize[] = [
        { size: 128, role: 'inflate', from: 'fixed 128' },
        { size: 128, role: 'deflate', from: 'fixed 128' },
        { size: 128, role: 'stats', from: 'fixed 128' },
      ];
      if (hint.value === 'on') roles.push({ size: VIRTQUEUE_MAX_SIZE, role: 'free-page', from: 'free-page-hint=on (fixed 1024)' });
      if (reporting.value === 'on') roles.push({ size: 32, role: 'reporting', from: 'free-page-reporting=on (fixed 32)' });
      return { known: true, device: vmsd, sizeOf: (index) => roles[index] ?? { size: 0, role: `queue ${index}`, from: 'no such queue on the destination' } };
    }
    case 'virtio-console':
      // port 0 rx/tx, control rx/tx, then rx/tx of ports 1 .. max_ports-1 (virtio_serial_device_realize).
      return {
        known: true,
        device: 'virtio-serial',
        sizeOf: (index) => {
          if (index === 2 || index === 3) return { size: 32, role: `control ${index === 2 ? 'rx' : 'tx'}`, from: 'fixed 32' };
          const port = index < 2 ? 0 : Math.floor((index - 4) / 2) + 1;
          return { size: 128, role: `port ${port} ${index % 2 === 0 ? 'rx' : 'tx'}`, from: 'fixed 128' };
        },
      };
    case 'virtio-gpu': {
      const virgl = inputs.qomType !== undefined && /-gl(-|$)/.test(inputs.qomType);
      return {
        known: true,
        device: vmsd,
        sizeOf: (index) =>
          index === 0 ? { size: virgl ? 256 : 64, role: 'control', from: virgl ? 'fixed 256 with virgl' : 'fixed 64 (2D)' } : index === 1 ? { size: 16, role: 'cursor', from: 'fixed 16' } : { size: 0, role: `queue ${index}`, from: 'no such queue on the destination' },
      };
    }
    case 'virtio-rng':
      return { known: true, device: vmsd, sizeOf: (index) => (index === 0 ? { size: 8, role: 'request', from: 'fixed 8' } : { size: 0, role: `queue ${index}`, from: 'no such queue on the destination' }) };
    case 'virtio-input':
      return { known: true, device: vmsd, sizeOf: (index) => (index < 2 ? { size: 64, role: index === 0 ? 'event' : 'status', from: 'fixed 64' } : { size: 0, role: `queue ${index}`, from: 'no such queue on the destination' }) };
    default:
      return { known: false, missing: '--dest-sample', why: `the queue sizes of ${vmsd} are not in migscope's table` };
  }
}

/**
 * The hw_compat arrays of 5.2 - 11.1 that touch these properties (docs/runtime-checks-sources.md
 * §3): only `hw_compat_4_2` (virtio-blk queue-size and virtio-scsi virtqueue_size 128); nothing
 * sets the virtio-net, balloon, serial, gpu, rng or input sizes. Used when no query-machines
 * reply lists the machine type's compat properties.
 */
function knownCompat(property: string, machineType: string | undefined): KnownCompat | undefined {
  if (property !== 'queue-size' && property !== 'virtqueue_size') return { value: undefined, why: `no hw_compat array of 5.2 - 11.1 sets ${property}` };
  const v = machineType !== undefined ? machineTypeVersion(machineType) : undefined;
  if (v === undefined) return undefined;
  return compareVersions(v, { major: 4, minor: 2 }) <= 0 ? { value: '128', why: `hw_compat_4_2 sets ${property}=128 for ${machineType ?? ''}` } : { value: undefined, why: `no hw_compat array sets ${property} for ${machineType ?? ''}` };
}

/** Defaults that are the same in the 5.2, 7.2, 10.0 and 11.1 sources (docs/runtime-checks-sources.md §3). */
const SOURCE_DEFAULTS: Readonly<Record<string, string>> = {
  rx_queue_size: '256',
  tx_queue_size: '256',
  ctrl_vq: 'on',
  'queue-size': '256',
  virtqueue_size: '256',
  'free-page-hint': 'off',
  'free-page-reporting': 'off',
};

function sourceDefault(property: string): KnownCompat | undefined {
  const value = SOURCE_DEFAULTS[property];
  return value !== undefined ? { value, why: `the default in QEMU 5.2 - 11.1's source` } : undefined;
}

/** 10.0.13's stable backport; other 10.0.x releases were not read, so only 10.0 as a whole is. */
function isAllMax(version: QemuVersion): boolean {
  return version.major === 10 && version.minor === 0;
}
