/**
 * Where the destination's devices end up, so a section idstr (`0000:00:05.0/virtio-gpu`) or a
 * RAM block (`0000:00:01.0/virtio-net-pci.rom`) of the stream can be matched against what the
 * destination will register under the same name.
 *
 * PCI devices without `addr=` take the lowest free slot of the root bus in creation order: the
 * machine's own functions first, then its default VGA and NIC (unless `-nodefaults`), then the
 * `-device` options in command-line order. That order is why inserting a device first shifts
 * every later device by one slot (fixtures/loads/mismatch case c-first: `Unknown ramblock
 * "0000:00:01.0/virtio-net-pci.rom"`). virtio-mmio transports on the arm `virt` machine are
 * handed out from the highest address down (hw/arm/virt.c creates 32 of them at 0x0a000000,
 * 0x200 apart, and `qbus_find_recursive()` sees them in reverse creation order).
 *
 * Checked against every stream in fixtures/: the paths predicted from each `.cmd` are exactly
 * the paths in its section idstrs and RAM block names.
 */
import type { VmstateManifest } from '../../manifest/vmstate-manifest.ts';
import type { DeviceOption, QemuCommandLine } from './qemu-cmdline.ts';

export type MachineFamily = 'i440fx' | 'q35' | 'virt' | 'unknown';

export type PlacementOrigin = 'machine' | 'default' | 'cmdline';

export interface PlacedDevice {
  /** `0000:00:05.0` or `virtio-mmio@000000000a003e00`. */
  readonly path: string;
  readonly qomType: string;
  readonly origin: PlacementOrigin;
  readonly option?: DeviceOption | undefined;
  /** The vmsd names sections of this device carry; empty when the manifest lacks the type. */
  readonly vmsdNames: readonly string[];
  /** An earlier device may or may not have taken a slot: this slot is then only a guess. */
  readonly uncertainAfter?: string | undefined;
}

export interface UnplacedDevice {
  readonly driver: string;
  readonly reason: string;
  /** It may sit on the root bus (so at some stream path, and later devices may have shifted). */
  readonly mayTakeRootSlot: boolean;
}

export interface Placement {
  readonly family: MachineFamily;
  /** Root-bus slots the machine itself occupies (any function). */
  readonly machineSlots: ReadonlySet<number>;
  readonly byPath: ReadonlyMap<string, PlacedDevice>;
  readonly devices: readonly PlacedDevice[];
  /** Devices whose place could not be worked out, with why. */
  readonly unplaced: readonly UnplacedDevice[];
}

export function machineFamily(machine: string | undefined): MachineFamily {
  if (machine === undefined) return 'unknown';
  if (/^pc-i440fx-|^pc$|^pc-\d/.test(machine)) return 'i440fx';
  if (/^pc-q35-|^q35$/.test(machine)) return 'q35';
  if (/^virt(-\d|$)/.test(machine)) return 'virt';
  return 'unknown';
}

/** Slots of the machine's own PCI functions (host bridge, PIIX / ICH9 functions, gpex root). */
const MACHINE_SLOTS: Readonly<Record<MachineFamily, readonly number[]>> = {
  i440fx: [0x00, 0x01],
  q35: [0x00, 0x1f],
  virt: [0x00],
  unknown: [],
};

/** PCI device types that do not end in `-pci` (a list, not a rule: unknown types are unplaced). */
const PCI_TYPES: ReadonlySet<string> = new Set([
  'e1000',
  'e1000e',
  'e1000-82544gc',
  'e1000-82545em',
  'igb',
  'rtl8139',
  'ne2k_pci',
  'pcnet',
  'vmxnet3',
  'i82550',
  'i82551',
  'i82557a',
  'i82557b',
  'i82557c',
  'i82558a',
  'i82558b',
  'i82559a',
  'i82559b',
  'i82559c',
  'i82559er',
  'i82562',
  'i82801',
  'VGA',
  'cirrus-vga',
  'qxl',
  'qxl-vga',
  'bochs-display',
  'secondary-vga',
  'virtio-vga',
  'virtio-vga-gl',
  'vmware-svga',
  'ati-vga',
  'ich9-ahci',
  'piix3-ide',
  'piix4-ide',
  'lsi53c895a',
  'lsi53c810',
  'megasas',
  'megasas-gen2',
  'mptsas1068',
  'am53c974',
  'dc390',
  'nvme',
  'qemu-xhci',
  'nec-usb-xhci',
  'piix3-usb-uhci',
  'piix4-usb-uhci',
  'usb-ehci',
  'ich9-usb-ehci1',
  'ich9-usb-uhci1',
  'pci-bridge',
  'pcie-root-port',
  'pcie-pci-bridge',
  'ioh3420',
  'x3130-upstream',
  'xio3130-downstream',
  'ivshmem-plain',
  'ivshmem-doorbell',
  'intel-hda',
  'ich9-intel-hda',
  'AC97',
  'ES1370',
  'i6300esb',
  'pci-testdev',
  'edu',
  'pvpanic-pci',
  'vfio-pci',
  'pci-serial',
  'pci-serial-2x',
  'pci-serial-4x',
  'sdhci-pci',
  'vhost-user-fs-pci',
]);

/** Default VGA models by `-vga` value (hw/display, vl.c `vga_interfaces`). */
const VGA_MODELS: Readonly<Record<string, string | undefined>> = {
  std: 'VGA',
  cirrus: 'cirrus-vga',
  qxl: 'qxl-vga',
  virtio: 'virtio-vga',
  vmware: 'vmware-svga',
  bochs: 'bochs-display',
  none: undefined,
};

export function isPciType(driver: string): boolean {
  return /-pci(-(non-)?transitional)?$/.test(driver) || PCI_TYPES.has(driver);
}

/** The QOM type a virtio PCI proxy or mmio device holds: `virtio-blk-pci` → `virtio-blk-device`. */
export function virtioInnerType(driver: string): string | undefined {
  const m = /^(virtio-[\w-]+?)-pci(?:-(?:non-)?transitional)?$/.exec(driver);
  if (m !== null) return `${m[1]}-device`;
  if (driver === 'virtio-vga' || driver === 'virtio-vga-gl') return 'virtio-gpu-device';
  return undefined;
}

/** vmsd names a device of this type registers sections under (its own and, for proxies, its virtio child's). */
export function vmsdNamesOf(manifest: VmstateManifest | undefined, qomType: string): string[] {
  if (manifest === undefined) return [];
  const out: string[] = [];
  for (const t of [qomType, virtioInnerType(qomType)]) {
    if (t === undefined) continue;
    const name = manifest.devices.get(t)?.description?.name;
    if (name !== undefined && !out.includes(name)) out.push(name);
  }
  return out;
}

export function pciPath(slot: number, fn = 0): string {
  return `0000:00:${slot.toString(16).padStart(2, '0')}.${fn}`;
}

const VIRT_MMIO_BASE = 0x0a000000;
const VIRT_MMIO_SIZE = 0x200;
const VIRT_MMIO_COUNT = 32;

export function mmioPath(index: number): string {
  const addr = VIRT_MMIO_BASE + (VIRT_MMIO_COUNT - 1 - index) * VIRT_MMIO_SIZE;
  return `virtio-mmio@${addr.toString(16).padStart(16, '0')}`;
}

/** Places the destination's devices for its machine type and command line. */
export function placeDevices(machine: string | undefined, cmd: QemuCommandLine, manifest: VmstateManifest | undefined): Placement {
  const family = machineFamily(machine);
  const machineSlots = new Set(MACHINE_SLOTS[family]);
  const used = new Set(machineSlots);
  const devices: PlacedDevice[] = [];
  const unplaced: UnplacedDevice[] = [];
  // The first device that may or may not have taken a root slot: automatic slots after it are guesses.
  let uncertainAfter: string | undefined;
  const place = (path: string, qomType: string, origin: PlacementOrigin, option?: DeviceOption, guessed = false): void => {
    devices.push({ path, qomType, origin, option, vmsdNames: vmsdNamesOf(manifest, qomType), uncertainAfter: guessed ? uncertainAfter : undefined });
  };
  const notPlaced = (driver: string, reason: string, mayTakeRootSlot: boolean): void => {
    unplaced.push({ driver, reason, mayTakeRootSlot });
    if (mayTakeRootSlot) uncertainAfter ??= driver;
  };
  const nextSlot = (): number | undefined => {
    for (let s = 0; s < 32; s++) if (!used.has(s)) return s;
    return undefined;
  };

  // Devices are created in order; an explicit addr= takes its slot when its turn comes (a
  // taken slot is a start-up error, not a migration one), so slots are reserved as we go.
  if (family === 'i440fx' || family === 'q35') {
    if (!cmd.nodefaults) {
      const vgaModel = cmd.vga === undefined ? 'VGA' : VGA_MODELS[cmd.vga];
      if (cmd.vga !== undefined && !(cmd.vga in VGA_MODELS)) notPlaced(`-vga ${cmd.vga}`, 'unknown -vga model', true);
      if (vgaModel !== undefined) {
        const s = nextSlot();
        if (s !== undefined) {
          used.add(s);
          place(pciPath(s), vgaModel, 'default');
        }
      }
    }
    // A default NIC when no -net/-nic/-netdev was given (and defaults are on); -nic/-net nic
    // create theirs at machine init, before -device.
    const defaultNic = family === 'q35' ? 'e1000e' : 'e1000';
    const nicModels: string[] = cmd.netOptionGiven ? cmd.nics.map((n) => n.get('model') ?? defaultNic) : cmd.nodefaults ? [] : [defaultNic];
    for (const model of nicModels) {
      const type = model === 'virtio' ? 'virtio-net-pci' : model;
      const s = nextSlot();
      if (s !== undefined) {
        used.add(s);
        place(pciPath(s), type, 'default');
      }
    }
  }

  let mmioIndex = 0;
  for (const dev of cmd.devices) {
    const bus = dev.props.get('bus');
    const addr = dev.props.get('addr');
    if (isPciType(dev.driver)) {
      if (family === 'unknown') {
        notPlaced(dev.driver, 'the machine type is unknown, so its free PCI slots are too', true);
        continue;
      }
      if (bus !== undefined && !/^(pci\.0|pcie\.0)$/.test(bus)) {
        notPlaced(dev.driver, `on bus '${bus}' (only the root bus is modelled)`, false);
        continue;
      }
      let slot: number | undefined;
      let fn = 0;
      if (addr !== undefined) {
        const m = /^(?:0x)?([0-9a-f]{1,2})(?:\.([0-7]))?$/i.exec(addr);
        if (m === null) {
          notPlaced(dev.driver, `addr=${addr} is not understood`, true);
          continue;
        }
        slot = parseInt(m[1] ?? '', 16);
        fn = Number(m[2] ?? 0);
      } else slot = nextSlot();
      if (slot === undefined) {
        notPlaced(dev.driver, 'no free slot on the root bus', false);
        continue;
      }
      used.add(slot);
      place(pciPath(slot, fn), dev.driver, 'cmdline', dev, addr === undefined);
    } else if (/^virtio-[\w-]+-device$/.test(dev.driver) && family === 'virt' && bus === undefined) {
      if (mmioIndex >= VIRT_MMIO_COUNT) {
        notPlaced(dev.driver, 'more virtio-mmio devices than transports', false);
        continue;
      }
      place(mmioPath(mmioIndex++), dev.driver, 'cmdline', dev);
    } else if (!isKnownOffRootBus(dev.driver)) {
      notPlaced(dev.driver, 'not known to be a PCI device or not: it may take the next free slot', bus === undefined);
    }
  }
  const byPath = new Map<string, PlacedDevice>();
  for (const d of devices) byPath.set(d.path, d);
  return { family, machineSlots, byPath, devices, unplaced };
}

/** Devices that sit on a non-PCI bus and never take a root-bus slot. */
function isKnownOffRootBus(driver: string): boolean {
  return /^(usb-|isa-|scsi-|ide-|virtserialport|virtconsole|nvme-ns|pc-dimm|nvdimm|virtio-[\w-]+-device|i2c-|smbus-|tpm-|ipmi-|pvpanic$|vmcoreinfo$|sga$|loader$|kvm-|hyperv-|intel-iommu|amd-iommu)/.test(driver);
}
