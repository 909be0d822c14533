export { decodeStream, decodeOpened, type DecodeOptions, type DecodeProgress } from './decode-stream.ts';
export { bytesSource, blobSource, chunkedSource, subrangeSource, type ByteSource, type BlobLike } from './bytes/byte-source.ts';
export * from './errors.ts';
export type * from './model.ts';
export { openStream, type OpenedStream } from './container.ts';
export { virtioFacts, type VirtioFacts, type VirtioQueueFacts, type VirtioPciFacts, type VirtioSubsectionFacts } from './device-state/virtio-facts.ts';
export { VIRTIO_QUEUE_MAX } from './device-state/virtio-subsections.ts';
export type { Located } from './device-state/located.ts';
export { pciConfigFacts, pciConfigRegisterAt, type PciConfigFacts, type PciCapabilityFacts } from './device-state/pci-facts.ts';
