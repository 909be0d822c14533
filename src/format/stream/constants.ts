// Names mirror QEMU's own (migration/savevm.h, migration/savevm.c, migration/ram.h) so they
// grep across both codebases.

export const QEMU_VM_FILE_MAGIC = 0x5145564d; // "QEVM"
export const QEMU_VM_FILE_VERSION = 0x00000003;
export const QEMU_VM_FILE_VERSION_COMPAT = 0x00000002;

export const QEMU_VM_EOF = 0x00;
export const QEMU_VM_SECTION_START = 0x01;
export const QEMU_VM_SECTION_PART = 0x02;
export const QEMU_VM_SECTION_END = 0x03;
export const QEMU_VM_SECTION_FULL = 0x04;
export const QEMU_VM_SUBSECTION = 0x05;
export const QEMU_VM_VMDESCRIPTION = 0x06;
export const QEMU_VM_CONFIGURATION = 0x07;
export const QEMU_VM_COMMAND = 0x08;
export const QEMU_VM_SECTION_FOOTER = 0x7e;

export const SECTION_TYPE_NAMES: Readonly<Record<number, string>> = {
  [QEMU_VM_EOF]: 'EOF',
  [QEMU_VM_SECTION_START]: 'START',
  [QEMU_VM_SECTION_PART]: 'PART',
  [QEMU_VM_SECTION_END]: 'END',
  [QEMU_VM_SECTION_FULL]: 'FULL',
  [QEMU_VM_SUBSECTION]: 'SUBSECTION',
  [QEMU_VM_VMDESCRIPTION]: 'VMDESCRIPTION',
  [QEMU_VM_CONFIGURATION]: 'CONFIGURATION',
  [QEMU_VM_COMMAND]: 'COMMAND',
  [QEMU_VM_SECTION_FOOTER]: 'SECTION_FOOTER',
};

// migration/ram.c (<= 9.x) and migration/ram.h (10.x)
export const RAM_SAVE_FLAG_FULL = 0x01;
export const RAM_SAVE_FLAG_ZERO = 0x02;
export const RAM_SAVE_FLAG_MEM_SIZE = 0x04;
export const RAM_SAVE_FLAG_PAGE = 0x08;
export const RAM_SAVE_FLAG_EOS = 0x10;
export const RAM_SAVE_FLAG_CONTINUE = 0x20;
export const RAM_SAVE_FLAG_XBZRLE = 0x40;
export const RAM_SAVE_FLAG_HOOK = 0x80;
export const RAM_SAVE_FLAG_COMPRESS_PAGE = 0x100;
export const RAM_SAVE_FLAG_MULTIFD_FLUSH = 0x200;
export const ENCODING_FLAG_XBZRLE = 0x01;

/** VMS_NULLPTR_MARKER / VMS_MARKER_PTR_NULL ('0') and VMS_MARKER_PTR_VALID ('1', 11.1). */
export const VMS_NULLPTR_MARKER = 0x30;
export const VMS_MARKER_PTR_VALID = 0x31;

/**
 * enum qemu_vm_cmd with the fixed lengths of mig_cmd_args (-1 = variable), identical in the
 * 5.2, 7.2, 10.0 and 11.1 binaries except that 11 exists only from 10.0 and 8 is retired in 11.1.
 */
export const MIG_CMDS: Readonly<Record<number, { readonly name: string; readonly len: number }>> = {
  0: { name: 'INVALID', len: -1 },
  1: { name: 'OPEN_RETURN_PATH', len: 0 },
  2: { name: 'PING', len: 4 },
  3: { name: 'POSTCOPY_ADVISE', len: -1 },
  4: { name: 'POSTCOPY_LISTEN', len: 0 },
  5: { name: 'POSTCOPY_RUN', len: 0 },
  6: { name: 'POSTCOPY_RAM_DISCARD', len: -1 },
  7: { name: 'PACKAGED', len: 4 },
  8: { name: 'ENABLE_COLO', len: 0 },
  9: { name: 'POSTCOPY_RESUME', len: 0 },
  10: { name: 'RECV_BITMAP', len: -1 },
  11: { name: 'SWITCHOVER_START', len: 0 },
};

export const MIG_CMD_PACKAGED = 7;
export const MIG_CMD_POSTCOPY_ADVISE = 3;
