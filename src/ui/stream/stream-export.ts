/**
 * What the Stream view exports: its records table (CSV, JSON) and the field tree of one record
 * (JSON, in the shape `migscope decode` writes). Pure: the Stream view hands the results to
 * export/export-files.ts.
 */
import type { DecodeResult } from '../../format/index.ts';
import { nodeToJson } from '../../format/views/model-json.ts';
import type { CsvValue } from '../../analysis/csv-text.ts';
import type { RecordRow, StreamIndex } from './stream-index.ts';

export const SECTIONS_CSV_HEADER = ['type', 'idstr', 'instance_id', 'version_id', 'section_id', 'offset', 'offset_hex', 'size', 'body'] as const;

export function sectionsCsv(rows: readonly RecordRow[]): [readonly string[], CsvValue[][]] {
  return [
    SECTIONS_CSV_HEADER,
    rows.map((r) => [
      r.type,
      r.name,
      r.instanceId ?? '',
      r.versionId ?? '',
      r.sectionId ?? '',
      r.start,
      `0x${r.start.toString(16)}`,
      r.end !== undefined ? r.end - r.start : '',
      r.bodyDecoder ?? '',
    ]),
  ];
}

export function sectionsJson(result: DecodeResult, rows: readonly RecordRow[]): unknown {
  return {
    file: result.source.name,
    machineType: result.configuration?.machineType ?? null,
    records: rows.map((r) => ({
      type: r.type,
      name: r.name,
      isSection: r.isSection,
      instanceId: r.instanceId ?? null,
      versionId: r.versionId ?? null,
      sectionId: r.sectionId ?? null,
      offset: r.start,
      // Null where decoding stopped inside the record.
      end: r.end ?? null,
      bodyDecoder: r.bodyDecoder ?? null,
    })),
  };
}

/** One record's node and everything under it, with offsets. */
export function fieldTreeJson(index: StreamIndex, row: RecordRow): unknown {
  const node = index.nodes[row.nodeId];
  return node === undefined ? null : nodeToJson(node);
}

/** The stream's file name without the suffixes that say how it was stored. */
export function streamBaseName(result: DecodeResult): string {
  return result.source.name.replace(/(\.(mig|bin|img|save|qemu))?(\.gz)?$/i, '') || 'stream';
}
