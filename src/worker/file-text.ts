/**
 * A text file's content, gzip or not: users attach `.log.gz` and `.json.gz` as they came.
 * Decided by the bytes, like everything else in the workspace.
 */
import { blobSource } from '../format/bytes/byte-source.ts';
import { inflateGzip, isGzip } from '../format/bytes/gzip.ts';

/** Texts are parsed whole; beyond this they are some other file that got the wrong label. */
const MAX_TEXT_BYTES = 512 * 1024 * 1024;

export async function readFileText(blob: Blob, name: string): Promise<string> {
  const head = new Uint8Array(await blob.slice(0, 2).arrayBuffer());
  const bytes = isGzip(head) ? await inflateGzip(blobSource(blob, name), 0, MAX_TEXT_BYTES) : new Uint8Array(await blob.arrayBuffer());
  return new TextDecoder('utf-8').decode(bytes);
}
