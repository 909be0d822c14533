/**
 * Section idstrs and RAM block names: which device path they carry and which vmsd or RAM
 * region they name.
 *
 * qdev devices on a bus with a path register `<dev path>/<vmsd name>` (`0000:00:05.0/virtio-gpu`,
 * `virtio-mmio@000000000a003e00/virtio-net`); everything else uses the bare vmsd name. The dev
 * path of a PCI device behind bridges is `0000:00:04.0:01.0`, so the path is recognised by its
 * shape rather than split at the last slash of arbitrary text.
 */

/** `0000:00:01.0`, `0000:00:04.0:01.0` (domain:bus:slot.fn, then slot.fn per bridge level). */
const PCI_PATH = /^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7](?::[0-9a-f]{2}\.[0-7])*$/;
/**
 * A USB device's path: its host controller's path, then the port (`1`, or `1.2` behind a hub),
 * as usb_get_dev_path() builds it (`0000:00:04.0/1/usb-ptr` for a usb-tablet on qemu-xhci).
 */
const USB_PORT = /^\d{1,3}(?:\.\d{1,3}){0,5}$/;
/** Sysbus devices with an MMIO address: `virtio-mmio@000000000a003e00`. */
const MMIO_PATH = /^[\w.-]+@[0-9a-f]+$/;

export interface SplitName {
  /** Device path, when the name carries one. */
  readonly path: string | undefined;
  /** The vmsd name (sections) or RAM region name (blocks). */
  readonly name: string;
}

export function isDevicePath(text: string): boolean {
  return PCI_PATH.test(text) || MMIO_PATH.test(text);
}

/** Splits at the first slash after a recognisable device path (and USB port); bare names stay whole. */
export function splitIdstr(idstr: string): SplitName {
  const slash = idstr.indexOf('/');
  if (slash > 0) {
    const path = idstr.slice(0, slash);
    if (isDevicePath(path)) {
      const next = idstr.indexOf('/', slash + 1);
      if (PCI_PATH.test(path) && next > slash + 1 && USB_PORT.test(idstr.slice(slash + 1, next))) return { path: idstr.slice(0, next), name: idstr.slice(next + 1) };
      return { path, name: idstr.slice(slash + 1) };
    }
  }
  return { path: undefined, name: idstr };
}

/** `0000:00:04.0/1` → the controller's path and the port; undefined for other paths. */
export function usbPort(path: string): { readonly controller: string; readonly port: string } | undefined {
  const slash = path.indexOf('/');
  if (slash < 0) return undefined;
  const controller = path.slice(0, slash);
  const port = path.slice(slash + 1);
  return PCI_PATH.test(controller) && USB_PORT.test(port) ? { controller, port } : undefined;
}

/** PCI slot number of a root-bus PCI path (`0000:00:05.0` → 5), undefined otherwise. */
export function rootPciSlot(path: string): number | undefined {
  const m = /^0000:00:([0-9a-f]{2})\.[0-7]$/.exec(path);
  return m === null ? undefined : parseInt(m[1] ?? '', 16);
}

/**
 * Sections registered without a device class (`register_savevm_live`, `vmstate_register` on
 * non-qdev objects, qdev devices whose class has no `dc->vmsd`), so `-dump-vmstate` never lists
 * them. Seen in the real 5.2 - 11.1 x86_64 and aarch64 streams; absence from a manifest proves
 * nothing for these names.
 */
export const SECTIONS_WITHOUT_DEVICE_CLASS: ReadonlySet<string> = new Set([
  'ram',
  'block',
  'dirty-bitmap',
  'timer',
  'slirp',
  'cpu_common',
  'cpu',
  'apic',
  'kvm-tpr-opt',
  'PCIBUS',
  'PCIHost',
  'i2c_bus',
  'acpi_build',
  'virt_acpi_build',
  'globalstate',
  'ide',
  'ps2kbd',
  'ps2mouse',
  'arm_gic',
  'pl011',
  'pl031',
  'pl061',
  'gpio-key',
  'dma',
  'i8259',
  'ioapic',
  'port92',
  'pcspk',
  'vmmouse',
  // audio/audio.c vmstate_register(NULL, 0, &vmstate_audio, s) in 5.2 - 11.1
  'audio',
]);
