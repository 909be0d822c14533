// The few web-platform globals the pure layers rely on. They exist in browsers, workers and
// Node alike; declaring just these (instead of the DOM or Node libraries) makes any other
// platform API a compile error in src/format, src/manifest, src/trace and src/analysis.

declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: Uint8Array, options?: { stream?: boolean }): string;
}

declare class TextEncoder {
  encode(input?: string): Uint8Array;
}

interface AbortSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
}
