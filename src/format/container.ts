/**
 * What users drop is not always a bare stream: gzip-compressed copies, and libvirt save files
 * (`virsh save`), whose 92-byte header (libvirt src/qemu/qemu_saveimage.h) and domain XML sit
 * before the QEMU stream. Detected by content, never by name.
 */
import { bytesSource, subrangeSource, type ByteSource } from './bytes/byte-source.ts';
import { inflateGzip, isGzip } from './bytes/gzip.ts';
import { DecodeError } from './errors.ts';
import type { ContainerKind } from './model.ts';

const LIBVIRT_MAGIC = 'LibvirtQemudSave';
const LIBVIRT_MAGIC_PARTIAL = 'LibvirtQemudPart';
const LIBVIRT_HEADER_BYTES = 92;
const MAX_LIBVIRT_XML = 16 * 1024 * 1024;

export interface OpenedStream {
  readonly source: ByteSource;
  readonly container: ContainerKind;
  readonly fileSize: number;
  readonly wrapperOffset?: number;
  readonly libvirtXml?: string;
}

export async function openStream(file: ByteSource): Promise<OpenedStream> {
  const head = await file.read(0, Math.min(file.size, LIBVIRT_HEADER_BYTES));
  if (isGzip(head)) {
    const inflated = await inflateGzip(file);
    return { source: bytesSource(inflated, file.name), container: 'gzip', fileSize: file.size };
  }
  const magic = new TextDecoder('latin1').decode(head.subarray(0, 16));
  if (magic === LIBVIRT_MAGIC || magic === LIBVIRT_MAGIC_PARTIAL) {
    if (head.length < LIBVIRT_HEADER_BYTES) {
      throw new DecodeError('UNEXPECTED_EOF', 0, ['libvirt header'], 'libvirt save header is cut short', `${LIBVIRT_HEADER_BYTES} bytes`, `${head.length} bytes`);
    }
    // Host byte order; every libvirt host we meet is little-endian.
    const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
    const xmlLen = view.getUint32(20, true);
    const format = view.getUint32(28, true);
    if (xmlLen > MAX_LIBVIRT_XML || LIBVIRT_HEADER_BYTES + xmlLen > file.size) {
      throw new DecodeError('LIMIT_EXCEEDED', 20, ['libvirt header'], `libvirt domain XML length ${xmlLen} does not fit the file`);
    }
    const xmlBytes = await file.read(LIBVIRT_HEADER_BYTES, xmlLen);
    const libvirtXml = new TextDecoder().decode(xmlBytes).replace(/\0+$/, '');
    const wrapperOffset = LIBVIRT_HEADER_BYTES + xmlLen;
    if (format === 1) {
      const inflated = await inflateGzip(file, wrapperOffset);
      return { source: bytesSource(inflated, file.name), container: 'libvirt+gzip', fileSize: file.size, wrapperOffset, libvirtXml };
    }
    if (format !== 0) {
      throw new DecodeError('BAD_COMPRESSION', 28, ['libvirt header'], `libvirt save image compressed with format ${format} (only raw and gzip are supported)`, '0 (raw) or 1 (gzip)', `${format}`);
    }
    return { source: subrangeSource(file, wrapperOffset), container: 'libvirt', fileSize: file.size, wrapperOffset, libvirtXml };
  }
  return { source: file, container: 'raw', fileSize: file.size };
}
