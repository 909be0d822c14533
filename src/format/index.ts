export { decodeStream, decodeOpened, type DecodeOptions, type DecodeProgress } from './decode-stream.ts';
export { bytesSource, blobSource, chunkedSource, subrangeSource, type ByteSource, type BlobLike } from './bytes/byte-source.ts';
export * from './errors.ts';
export type * from './model.ts';
export { openStream, type OpenedStream } from './container.ts';
