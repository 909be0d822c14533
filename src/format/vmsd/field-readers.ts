/**
 * vmdesc type string → how its bytes are read (migration/vmstate-types.c; all core infos are
 * big-endian). Types we do not know, and device-defined infos (`virtio`, `pci config`, ...),
 * are opaque `size` bytes: the vmdesc `size` is what the source really wrote. Those whose
 * layout QEMU's source fixes then get children from src/format/device-state.
 */

export type FieldReader =
  | { readonly kind: 'int'; readonly signed: boolean }
  | { readonly kind: 'bool' }
  | { readonly kind: 'capability' }
  | { readonly kind: 'marker' }
  | { readonly kind: 'gbytearray' }
  | { readonly kind: 'opaque' };

const SIGNED_INTS = new Set(['int8', 'int16', 'int32', 'int64', 'int32 equal', 'int32 le', 'int64 equal', 'timer']);
const UNSIGNED_INTS = new Set(['uint8', 'uint16', 'uint32', 'uint64', 'uint8 equal', 'uint16 equal', 'uint32 equal']);
const INT_WIDTHS = new Set([1, 2, 4, 8]);

export function readerFor(type: string, size: number): FieldReader {
  if ((SIGNED_INTS.has(type) || UNSIGNED_INTS.has(type)) && INT_WIDTHS.has(size)) {
    return { kind: 'int', signed: SIGNED_INTS.has(type) };
  }
  switch (type) {
    case 'bool':
      return size === 1 ? { kind: 'bool' } : { kind: 'opaque' };
    case 'capability':
      return { kind: 'capability' };
    case 'nullptr':
    case 'ptr-marker':
      return size === 1 ? { kind: 'marker' } : { kind: 'opaque' };
    case 'GByteArray':
      return size >= 4 ? { kind: 'gbytearray' } : { kind: 'opaque' };
    default:
      return { kind: 'opaque' };
  }
}
