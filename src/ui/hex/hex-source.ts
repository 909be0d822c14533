/**
 * Where the hex view gets the QEMU stream's bytes. Offsets in the decoded model are offsets
 * into the stream itself, so a gzip file is shown inflated and a libvirt save file from the
 * end of its header on.
 */
import type { ContainerKind } from '../../format/index.ts';

export type HexSource =
  | { readonly kind: 'memory'; readonly bytes: Uint8Array; readonly size: number; readonly label: string }
  | { readonly kind: 'blob'; readonly blob: Blob; readonly offset: number; readonly size: number; readonly label: string };

export function hexSourceFor(
  file: Blob,
  source: { readonly container: ContainerKind; readonly size: number; readonly wrapperOffset?: number },
  streamBytes: Uint8Array | undefined,
): HexSource {
  if (streamBytes !== undefined) {
    const label = source.container === 'libvirt+gzip' ? 'inflated from the libvirt save file' : 'inflated from gzip';
    return { kind: 'memory', bytes: streamBytes, size: streamBytes.length, label };
  }
  const offset = source.wrapperOffset ?? 0;
  const label = offset > 0 ? `file bytes after the ${offset}-byte libvirt header` : 'file bytes';
  return { kind: 'blob', blob: file, offset, size: Math.max(0, Math.min(source.size, file.size - offset)), label };
}
