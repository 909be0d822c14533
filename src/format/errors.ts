/**
 * Typed decode errors. Every error names the absolute byte offset where decoding stopped, the
 * path of the node being decoded, and what was expected versus found, so that views can point
 * at the bytes and the CLI can print one precise line.
 */

export type DecodeErrorCode =
  | 'BAD_MAGIC'
  | 'UNSUPPORTED_VERSION'
  | 'UNEXPECTED_EOF'
  | 'UNKNOWN_SECTION_TYPE'
  | 'UNKNOWN_SECTION_ID'
  | 'SECTION_FOOTER_MISMATCH'
  | 'SUBSECTION_NOT_FOUND'
  | 'VMDESCRIPTION_MISSING'
  | 'VMDESCRIPTION_INVALID'
  | 'VMSD_FIELD_MISMATCH'
  | 'BAD_RAM_RECORD'
  | 'BAD_COMMAND'
  | 'BAD_COMPRESSION'
  | 'TRAILING_DATA'
  | 'LIMIT_EXCEEDED'
  | 'INTERNAL_ERROR';

export const DECODE_ERROR_CODES: readonly DecodeErrorCode[] = [
  'BAD_MAGIC',
  'UNSUPPORTED_VERSION',
  'UNEXPECTED_EOF',
  'UNKNOWN_SECTION_TYPE',
  'UNKNOWN_SECTION_ID',
  'SECTION_FOOTER_MISMATCH',
  'SUBSECTION_NOT_FOUND',
  'VMDESCRIPTION_MISSING',
  'VMDESCRIPTION_INVALID',
  'VMSD_FIELD_MISMATCH',
  'BAD_RAM_RECORD',
  'BAD_COMMAND',
  'BAD_COMPRESSION',
  'TRAILING_DATA',
  'LIMIT_EXCEEDED',
  'INTERNAL_ERROR',
];

/** Plain-data form of a DecodeError: survives postMessage and JSON. */
export interface DecodeErrorInfo {
  readonly code: DecodeErrorCode;
  readonly offset: number;
  readonly path: readonly string[];
  readonly message: string;
  readonly expected?: string | undefined;
  readonly actual?: string | undefined;
}

export class DecodeError extends Error {
  override readonly name = 'DecodeError';
  constructor(
    readonly code: DecodeErrorCode,
    readonly offset: number,
    readonly path: readonly string[],
    readonly detail: string,
    readonly expected?: string,
    readonly actual?: string,
  ) {
    super(`${code} at 0x${offset.toString(16)}: ${detail}`);
  }

  toInfo(): DecodeErrorInfo {
    return {
      code: this.code,
      offset: this.offset,
      path: this.path,
      message: this.detail,
      expected: this.expected,
      actual: this.actual,
    };
  }
}

export function isDecodeError(e: unknown): e is DecodeError {
  return e instanceof DecodeError;
}

export type DiagnosticSeverity = 'info' | 'warning';

/** Something worth telling that did not stop decoding. */
export interface Diagnostic {
  readonly severity: DiagnosticSeverity;
  readonly code: string;
  readonly offset: number;
  readonly message: string;
}

/** `error: <CODE> at offset 0x<hex> in <path>: <message>` — the CLI's one stderr line. */
export function formatDecodeError(e: DecodeErrorInfo): string {
  const where = e.path.length > 0 ? e.path.join('/') : '(stream)';
  let text = `error: ${e.code} at offset 0x${e.offset.toString(16)} in ${where}: ${e.message}`;
  if (e.expected !== undefined || e.actual !== undefined) {
    text += ` (expected ${e.expected ?? '?'}, found ${e.actual ?? '?'})`;
  }
  return text;
}
