/**
 * Log parse throughput (issue 18): the trace parser and the destination-log reader (what
 * `migscope trace` and `migscope explain --dest-log` run) on the largest real log in fixtures/,
 * then on every hostile shape at 10 MB, the slowest of those named.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseDestLog } from '../src/analysis/explain/dest-log.ts';
import { parseTraceLog } from '../src/trace/index.ts';
import { HOSTILE_SHAPES } from './hostile-inputs.ts';

const REAL_LOG = join(import.meta.dirname, '..', 'fixtures', 'loads', 'mismatch', 'c-7.2__7.2__7.2__pc-q35-7.2-virtio-plus-virtio-keyboard-pci-last.log.gz');
const HOSTILE_BYTES = 10e6;

/** Best of `runs` MB/s for both readers over `text`. */
function throughput(text: string, runs: number): { trace: number; dest: number } {
  const rate = (fn: () => void): number => {
    let min = Infinity;
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      fn();
      min = Math.min(min, performance.now() - t);
    }
    return text.length / 1e6 / (min / 1000);
  };
  return { trace: rate(() => parseTraceLog(text)), dest: rate(() => parseDestLog(text)) };
}

export function benchLogs(): string[] {
  const real = gunzipSync(readFileSync(REAL_LOG)).toString('utf8');
  const r = throughput(real, 5);
  const lines = [`log parse, real log (${(real.length / 1e6).toFixed(1)} MB, ${real.split('\n').length} lines): trace ${r.trace.toFixed(0)} MB/s, destination log ${r.dest.toFixed(0)} MB/s`];
  let worst: { name: string; trace: number; dest: number } | undefined;
  for (const shape of HOSTILE_SHAPES.filter((s) => s.role === 'trace-log' || s.role === 'dest-log')) {
    const h = throughput(shape.build(HOSTILE_BYTES), 2);
    if (worst === undefined || Math.min(h.trace, h.dest) < Math.min(worst.trace, worst.dest)) worst = { name: shape.name, ...h };
  }
  if (worst !== undefined) {
    lines.push(`log parse, worst hostile shape at 10 MB (${worst.name}): trace ${worst.trace.toFixed(1)} MB/s, destination log ${worst.dest.toFixed(1)} MB/s`);
  }
  return lines;
}
