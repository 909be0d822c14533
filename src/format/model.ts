/**
 * The decoded model: the only shape the layers above `format` see. Offsets are absolute byte
 * offsets into the QEMU stream (after any gzip or libvirt wrapper is removed).
 */
import type { DecodeErrorInfo, Diagnostic } from './errors.ts';

export interface ByteRange {
  readonly offset: number;
  readonly length: number;
}

export type NodeValue = number | bigint | string | boolean | ByteRange;

export type NodeKind =
  | 'stream'
  | 'header'
  | 'configuration'
  | 'section'
  | 'subsection'
  | 'field'
  | 'struct'
  | 'ram-block'
  | 'ram-records'
  | 'command'
  | 'footer'
  | 'eof'
  | 'vmdesc'
  | 'opaque';

export interface DecodedNode {
  readonly kind: NodeKind;
  readonly name: string;
  /** e.g. ['cpu#0', 'env.segs[1]', 'selector'] */
  readonly path: readonly string[];
  readonly start: number;
  /** Undefined when decoding stopped inside this node. */
  end: number | undefined;
  /** The vmdesc type of a field (`uint32`, `struct`, `buffer`, `virtio`, ...). */
  readonly type?: string;
  /** The vmdesc field name this element belongs to (several elements share one). */
  readonly field?: string;
  value?: NodeValue;
  readonly children?: DecodedNode[];
  /** Why this node looks the way it does (opaque body, heuristic footer, ...). */
  note?: string;
}

export type SectionType = 'START' | 'PART' | 'END' | 'FULL';

export interface SectionRecord {
  readonly kind: 'section';
  readonly type: SectionType;
  readonly sectionId: number;
  readonly idstr: string;
  readonly instanceId: number;
  /** From the section header for START/FULL; the START's version for PART/END. */
  readonly versionId: number;
  readonly start: number;
  readonly bodyStart: number;
  bodyEnd: number | undefined;
  /** After the footer. */
  end: number | undefined;
  /**
   * How the body was read: by the stream's vmdesc, the RAM reader, the reader of another
   * iterative handler whose framing QEMU fixes (`spapr/htab`, `s390-storage_attributes`), a
   * -dump-vmstate manifest given as the schema (DecodeOptions.schema), or opaque footer scan.
   * Set when the header is read; 'manifest' turns 'opaque' when the manifest cannot say.
   * 'vfio': an assigned device's sections (`.../vfio`), markers read, vendor data opaque.
   */
  bodyDecoder: 'vmdesc' | 'ram' | 'iterative' | 'vfio' | 'manifest' | 'opaque';
  readonly node: DecodedNode;
}

export interface CommandRecord {
  readonly kind: 'command';
  readonly cmd: number;
  readonly name: string;
  readonly length: number;
  readonly start: number;
  readonly end: number;
  /** Decoded payload values (PING value, ADVISE page sizes, PACKAGED length, ...). */
  readonly args: Readonly<Record<string, number | bigint | string>>;
}

export interface EofRecord {
  readonly kind: 'eof';
  readonly start: number;
  readonly end: number;
}

export type TopRecord = SectionRecord | CommandRecord | EofRecord;

export interface ConfigurationInfo {
  readonly start: number;
  end: number | undefined;
  readonly machineType: string;
  readonly capabilities: readonly string[];
  readonly targetPageBits?: number;
  readonly uuid?: string;
  readonly node: DecodedNode;
}

export interface MappedRamHeader {
  readonly version: number;
  readonly pageSize: number;
  readonly bitmapOffset: number;
  readonly pagesOffset: number;
  /** Pages whose bitmap bit is set (pages that hold data). */
  pagesSet?: number;
}

export interface RamBlockSummary {
  readonly name: string;
  readonly usedLength: number;
  /** Offset of the block's entry in the setup record. */
  readonly offset: number;
  zeroPages: number;
  normalPages: number;
  xbzrlePages: number;
  compressedPages: number;
  readonly mrAddr?: bigint;
  readonly mappedRam?: MappedRamHeader;
}

export interface RamSummary {
  readonly pageSize: number;
  totalBytes: number;
  readonly blocks: RamBlockSummary[];
  zeroPages: number;
  normalPages: number;
  xbzrlePages: number;
  compressedPages: number;
  multifdFlushes: number;
  eosCount: number;
  /** Number of page records read (ZERO + PAGE + XBZRLE + COMPRESS). */
  records: number;
}

export interface VmdescInfo {
  /** Offset of the 0x06 byte. */
  readonly start: number;
  readonly jsonStart: number;
  readonly jsonLength: number;
  /** The parsed JSON, as written by the source; for a cut trailer, its whole device entries. */
  readonly json: VmdescJson;
  /** The trailer is cut short: `json` holds only what was whole (salvage.ts). */
  readonly partial?: true;
}

/** Shapes of the vmdesc JSON (migration/vmstate.c vmstate_save_state_v, savevm.c). */
export interface VmdescField {
  readonly name: string;
  readonly type: string;
  readonly size: number;
  readonly array_len?: number;
  readonly index?: number;
  readonly struct?: VmdescVmsd;
  /** Inline nested description of `tmp` and `vstruct` fields. */
  readonly vmsd_name?: string;
  readonly version?: number;
  readonly fields?: readonly VmdescField[];
  readonly subsections?: readonly VmdescVmsd[];
}

export interface VmdescVmsd {
  readonly vmsd_name?: string;
  readonly version?: number;
  readonly fields: readonly VmdescField[];
  readonly subsections?: readonly VmdescVmsd[];
}

export interface VmdescDevice extends VmdescVmsd {
  readonly name: string;
  readonly instance_id: number;
  readonly size?: number;
}

export interface VmdescJson {
  readonly configuration?: VmdescVmsd;
  readonly page_size: number;
  readonly devices: readonly VmdescDevice[];
}

export type ContainerKind = 'raw' | 'gzip' | 'libvirt' | 'libvirt+gzip';

export interface SourceInfo {
  readonly name: string;
  /** Size of the QEMU stream itself (decompressed, without wrapper). */
  readonly size: number;
  readonly container: ContainerKind;
  /** Size of the file as given (compressed, with wrapper). */
  readonly fileSize: number;
  /** libvirt: offset of the QEMU stream inside the file, and the domain XML. */
  readonly wrapperOffset?: number;
  readonly libvirtXml?: string;
}

export interface DecodeResult {
  readonly source: SourceInfo;
  readonly header?: { readonly magic: number; readonly version: number };
  configuration?: ConfigurationInfo;
  readonly records: TopRecord[];
  readonly sections: SectionRecord[];
  readonly commands: CommandRecord[];
  ram?: RamSummary;
  vmdesc?: VmdescInfo;
  /** The whole stream as a tree, possibly partial. */
  readonly root: DecodedNode;
  /** The first fatal input error, if any; everything before it is in the model. */
  error?: DecodeErrorInfo;
  readonly diagnostics: Diagnostic[];
  /** True when every byte up to the end of the stream was accounted for. */
  complete: boolean;
}
