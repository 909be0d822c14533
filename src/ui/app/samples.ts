/**
 * Streams served from public/samples (copied from fixtures/streams, see that folder's
 * README): real QEMU output, small enough to ship with the app.
 */

export interface Sample {
  /** The stream's name as in fixtures/streams, shown to the user and used in `#sample=`. */
  readonly file: string;
  /**
   * Served under another suffix: servers send `*.gz` with `Content-Encoding: gzip`, and the
   * browser would then inflate it before the app could see the gzip container.
   */
  readonly path: string;
  readonly qemu: string;
  readonly machine: string;
  readonly config: string;
}

export const SAMPLES: readonly Sample[] = [
  { file: 'pc-q35-11.1-minimal.mig.gz', path: 'pc-q35-11.1-minimal.mig.gzip', qemu: '11.1', machine: 'pc-q35-11.1', config: 'minimal (-nodefaults)' },
  { file: 'pc-i440fx-7.2-minimal.mig.gz', path: 'pc-i440fx-7.2-minimal.mig.gzip', qemu: '7.2', machine: 'pc-i440fx-7.2', config: 'minimal (-nodefaults)' },
  { file: 'pc-i440fx-5.2-minimal.mig.gz', path: 'pc-i440fx-5.2-minimal.mig.gzip', qemu: '5.2', machine: 'pc-i440fx-5.2', config: 'minimal (-nodefaults)' },
];

export const DEFAULT_SAMPLE = SAMPLES[0] as Sample;

/** `#sample=<file>` → a known sample; anything else (the hash is user input) → undefined. */
export function sampleFromHash(hash: string): Sample | undefined {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const file = params.get('sample');
  return SAMPLES.find((s) => s.file === file);
}

export function sampleHash(sample: Sample): string {
  return `#sample=${encodeURIComponent(sample.file)}`;
}

export async function fetchSample(sample: Sample, signal: AbortSignal): Promise<File> {
  const url = `${import.meta.env.BASE_URL}samples/${encodeURIComponent(sample.path)}`;
  const res = await fetch(url, { signal });
  if (!res.ok) throw new Error(`sample ${sample.file}: HTTP ${res.status}`);
  const blob = await res.blob();
  // A fixed lastModified keeps the decode cache key stable across fetches.
  return new File([blob], sample.file, { lastModified: 0 });
}
