/**
 * Every `type` a vmdesc field can carry in QEMU 5.2 to 11.1: the names of the VMStateInfos in
 * the Debian sources of 5.2, 7.2, 10.0.13, 10.2.2 and 11.1.1 (each `VMStateInfo x = { .name =
 * ... }` and inline `&(const VMStateInfo) { .name = ... }`), plus what vmfield_get_type_name()
 * (migration/vmstate.c) writes itself: `struct`, `vstruct`, `unknown`; and `float64`, removed in
 * 5.2 but in older streams. Evidence, not truth: a type missing here is shown as opaque bytes of
 * its `size` (what the source wrote), with a diagnostic saying migscope does not know it.
 */
export const KNOWN_VMDESC_TYPES: ReadonlySet<string> = new Set([
  // migration/vmstate-types.c, migration/savevm.c (timer), migration/options.c (capability)
  'bool', 'int8', 'int16', 'int32', 'int32 equal', 'int32 le', 'int64', 'int64 equal', 'uint8', 'uint8 equal',
  'uint16', 'uint16 equal', 'uint32', 'uint32 equal', 'uint64', 'CPU_Double_U', 'buffer', 'unused_buffer',
  'tmp', 'bitmap', 'qtailq', 'qlist', 'gtree', 'GByteArray', 'nullptr', 'ptr-marker', 'fd', 'timer', 'capability',
  'struct', 'vstruct', 'unknown', 'float64',
  // device- and target-defined infos (hw/, target/)
  'avr', 'blob', 'cpsr', 'cpu/altivec/vscr', 'eind', 'fpcr', 'fpr', 'fpscr', 'fpsr', 'fsr', 'int32_as_uint16', 'irqs',
  'msix state', 'msr', 'octeon_llm_tree', 'pci config', 'pci irq state', 'powered_off', 'psr', 'psw', 'pstate64',
  'rampD', 'rampX', 'rampY', 'rampZ', 'scsi-requests', 'shpc', 'slbe', 'sr', 'sreg', 'tlb entry', 'tlb_entry',
  'uint16_from_uint8', 'usb-redir-bufpq', 'usb-redir-packet-id-q', 'usb-redir-parser', 'vdagent/cbinfos', 'virtio',
  'virtio-fs back-end state', 'virtio-gpu', 'virtio-net vhost-user backend state', 'virtqueue_extra_state', 'vsr', 'xcc',
]);
