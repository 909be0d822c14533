/** Child process of the benchmark: decodes one file and prints timing and peak memory as JSON. */
import { openFileSource } from '../src/cli/file-source.ts';
import { decodeStream } from '../src/format/index.ts';

const path = process.argv[2];
if (path === undefined) throw new Error('usage: bench-decode FILE');
const source = await openFileSource(path);
let peakRss = process.memoryUsage().rss;
const sample = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 20);
const t0 = performance.now();
const r = await decodeStream(source, {
  onProgress: () => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  },
});
const ms = performance.now() - t0;
clearInterval(sample);
await source.close();
peakRss = Math.max(peakRss, process.memoryUsage().rss);
process.stdout.write(
  JSON.stringify({
    ms,
    bytes: r.source.size,
    error: r.error?.code ?? null,
    normalPages: r.ram?.normalPages,
    zeroPages: r.ram?.zeroPages,
    peakRssMiB: peakRss / (1 << 20),
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
  }),
);
