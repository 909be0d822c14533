/**
 * PCI config space (hw/pci/pci.c get_pci_config_device(), the same in 5.2 - 11.1): for each byte,
 * `(stream ^ local) & cmask & ~wmask & ~w1cmask` must be 0; the first byte that is not names
 * itself: `get_pci_config_device: Bad config data: i=0x%x read: %x device: %x cmask: %x wmask:
 * %x w1cmask:%x`. The destination's bytes come from a stream it saved with the same
 * configuration (`--dest-sample`). Only bytes whose masks the sources fix are compared: the
 * header bytes pci_init_cmask() covers (vendor, device, the capability-list status bit,
 * revision, class, header type, capability pointer), each capability's id and next pointer
 * (pci_add_capability() sets cmask 0xff over the capability), and the MSI-X capability's table
 * size and table / PBA offsets (msix_init() makes only the enable and mask-all bits writable).
 * The lines after the first follow the sources; no real run refused a config byte.
 */
import type { DecodedNode } from '../../format/model.ts';
import { errorStyle } from '../explain/qemu-version.ts';
import { makeFailure } from '../explain/stories.ts';
import { hex, toFailureSection } from '../explain/stream-locate.ts';
import { loadingState, nodesOf, sampleSection, type RuntimeDestination, type RuntimeSection } from './context.ts';
import type { CheckOutcome, RuntimeCheckSpec } from './model.ts';

export const PCI_CONFIG_CHECK: RuntimeCheckSpec = {
  family: 'pci-config',
  message: 'get_pci_config_device: Bad config data: i=0x%x read: %x device: %x cmask: %x wmask: %x w1cmask:%x',
  source: 'hw/pci/pci.c get_pci_config_device()',
  releases: 'all (5.2 - 11.1)',
  inputs: ['--dest-sample'],
};

interface Compared {
  /** Config-space index of the field's first byte. */
  readonly at: number;
  readonly width: number;
  readonly cmask: number;
  readonly wmask: number;
}

/** Read-only registers whose masks QEMU's sources fix, by node name (the header) relative to config start. */
const HEADER: readonly (Compared & { readonly name: string })[] = [
  { name: 'vendor_id', at: 0x00, width: 2, cmask: 0xffff, wmask: 0 },
  { name: 'device_id', at: 0x02, width: 2, cmask: 0xffff, wmask: 0 },
  // pci_init_cmask(): only the capability-list bit of the status register.
  { name: 'status', at: 0x06, width: 2, cmask: 0x0010, wmask: 0 },
  { name: 'revision_id', at: 0x08, width: 1, cmask: 0xff, wmask: 0 },
  { name: 'class_prog', at: 0x09, width: 1, cmask: 0xff, wmask: 0 },
  { name: 'class_device', at: 0x0a, width: 2, cmask: 0xffff, wmask: 0 },
  { name: 'header_type', at: 0x0e, width: 1, cmask: 0xff, wmask: 0 },
  { name: 'capability_list', at: 0x34, width: 1, cmask: 0xff, wmask: 0 },
];

/** Capability fields compared, relative to the capability's offset. */
const CAPABILITY: readonly (Compared & { readonly name: string })[] = [
  { name: 'cap_id', at: 0, width: 1, cmask: 0xff, wmask: 0 },
  { name: 'cap_next', at: 1, width: 1, cmask: 0xff, wmask: 0 },
  // PCI_MSIX_FLAGS: msix_init() makes only MSIX_ENABLE and MSIX_MASKALL (0xc000) writable.
  { name: 'msix_flags', at: 2, width: 2, cmask: 0xffff, wmask: 0xc000 },
  { name: 'msix_table', at: 4, width: 4, cmask: 0xffffffff, wmask: 0 },
  { name: 'msix_pba', at: 8, width: 4, cmask: 0xffffffff, wmask: 0 },
];

interface Register {
  readonly node: DecodedNode;
  readonly value: number;
  readonly spec: Compared;
}

function registers(config: DecodedNode): Map<number, Register> {
  const out = new Map<number, Register>();
  const kids = config.children ?? [];
  for (const h of HEADER) {
    const n = kids.find((k) => k.name === h.name);
    if (n !== undefined && typeof n.value === 'number') out.set(h.at, { node: n, value: n.value, spec: h });
  }
  for (const cap of kids.find((k) => k.name === 'device_specific')?.children ?? []) {
    const m = /^cap@0x([0-9a-f]+)$/.exec(cap.name);
    if (m === null) continue;
    const base = parseInt(m[1] as string, 16);
    for (const c of CAPABILITY) {
      const n = cap.children?.find((k) => k.name === c.name);
      if (n !== undefined && typeof n.value === 'number') out.set(base + c.at, { node: n, value: n.value, spec: { ...c, at: base + c.at } });
    }
  }
  return out;
}

export function checkPciConfig(section: RuntimeSection, dest: RuntimeDestination): CheckOutcome | undefined {
  const node = section.located.node;
  const sample = sampleSection(dest, section);
  if (node === undefined || sample === undefined) return undefined;
  const isConfig = (n: DecodedNode): boolean => n.type === 'pci config' && n.children !== undefined;
  const mine = nodesOf(node, isConfig);
  const theirs = nodesOf(sample.node, isConfig);
  for (let k = 0; k < mine.length; k++) {
    const a = mine[k] as DecodedNode;
    const b = theirs[k];
    if (b === undefined) continue;
    const local = registers(b);
    for (const [at, reg] of [...registers(a)].sort(([x], [y]) => x - y)) {
      const other = local.get(at);
      if (other === undefined) continue;
      // Little-endian bytes of the register: the first one that differs where it counts.
      for (let i = 0; i < reg.spec.width; i++) {
        const read = (reg.value >>> (8 * i)) & 0xff;
        const device = (other.value >>> (8 * i)) & 0xff;
        const cmask = (reg.spec.cmask >>> (8 * i)) & 0xff;
        const wmask = (reg.spec.wmask >>> (8 * i)) & 0xff;
        if (((read ^ device) & cmask & ~wmask) === 0) continue;
        return { verdict: 'fails', spec: PCI_CONFIG_CHECK, failure: configFailure(section, dest, a, reg, at + i, read, device, cmask, wmask) };
      }
    }
  }
  return { verdict: 'passes', spec: PCI_CONFIG_CHECK };
}

function configFailure(section: RuntimeSection, dest: RuntimeDestination, config: DecodedNode, reg: Register, i: number, read: number, device: number, cmask: number, wmask: number) {
  const first = `get_pci_config_device: Bad config data: i=0x${i.toString(16)} read: ${read.toString(16)} device: ${device.toString(16)} cmask: ${cmask.toString(16)} wmask: ${wmask.toString(16)} w1cmask:0`;
  const vmsd = section.record.idstr.slice(section.record.idstr.lastIndexOf('/') + 1);
  const message =
    errorStyle(dest.version) === 'chained'
      ? [first, `load of migration failed: Invalid argument: ${loadingState(section)}: Failed to load element of type pci config for config`]
      : [first, 'Failed to load PCIDevice:config', `Failed to load ${vmsd}:${config.path[1] ?? 'parent_obj'}`, loadingState(section), 'load of migration failed: Invalid argument'];
  const offset = config.start + i;
  return makeFailure({
    cause: 'DEVICE_CHECK_FAILED',
    section: toFailureSection(section.located),
    field: `${config.path.slice(1).join('/')}/${reg.node.name}`,
    offset,
    length: 1,
    message,
    explanation:
      `Byte 0x${i.toString(16)} of ${section.record.idstr}'s PCI config space (${reg.node.name}, at ${hex(offset)}) is 0x${read.toString(16)} in the stream and 0x${device.toString(16)} on the destination ` +
      `(${dest.sampleName ?? 'the destination sample'}); it is read-only for the guest, so the destination refuses a stream that says otherwise. ` +
      'Read-only config bits follow the device model and its properties (vectors=, disable-legacy=, x-pcie-* compat properties of the machine type).',
    fix: `Give the destination's ${section.placed?.qomType ?? vmsd} the source's properties (e.g. the same vectors= and machine type), so its config space matches.`,
    values: [{ name: reg.node.name, offset: reg.node.start, length: (reg.node.end ?? reg.node.start) - reg.node.start, value: `0x${reg.value.toString(16)}` }],
  });
}
