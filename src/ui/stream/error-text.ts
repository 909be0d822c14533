/** One plain sentence per decode error code, for people who do not know the format. */
import type { DecodeErrorCode } from '../../format/index.ts';

export const ERROR_SENTENCES: Readonly<Record<DecodeErrorCode, string>> = {
  BAD_MAGIC: 'This file is not a QEMU migration stream: it does not start with the "QEVM" magic.',
  UNSUPPORTED_VERSION: 'The stream is in a format version this decoder cannot read.',
  UNEXPECTED_EOF: 'The stream ends in the middle of a record: the file was cut short.',
  UNKNOWN_SECTION_TYPE: 'Where a new record should start there is a byte that is no record type: the stream is damaged, or a previous section was read with the wrong length.',
  UNKNOWN_SECTION_ID: 'A section continues a section id that no earlier section started.',
  SECTION_FOOTER_MISMATCH: 'A section does not end with its footer where it should: its bytes differ from what the vmdesc describes, or they are damaged.',
  SUBSECTION_NOT_FOUND: 'A subsection the device description expects is missing or has another name.',
  VMDESCRIPTION_MISSING: 'The vmdesc trailer that describes the device state is missing.',
  VMDESCRIPTION_INVALID: 'The vmdesc trailer that describes the device state cannot be read.',
  VMSD_FIELD_MISMATCH: 'A field\u2019s bytes do not match its description in the vmdesc.',
  BAD_RAM_RECORD: 'A RAM record has flags, a block name or a length this decoder cannot follow.',
  BAD_COMMAND: 'A migration command is unknown or has the wrong length.',
  BAD_COMPRESSION: 'The compressed file could not be inflated.',
  TRAILING_DATA: 'More bytes follow where the stream should end.',
  LIMIT_EXCEEDED: 'The input goes beyond a safety limit of the decoder.',
  INTERNAL_ERROR: 'migscope failed on this input. This is a bug in migscope, not necessarily in the stream.',
};
