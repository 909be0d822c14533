/**
 * Writes fixtures/real-runs/subsection-whitelist.json: per device (vmsd name) and build, the
 * subsection combinations the real runs' streams carry (every stream of streams.csv: 5.2, 7.2,
 * 10.0, 11.1; x86_64 and aarch64; src/analysis/subsection-whitelist.ts).
 *
 *   npx tsx scripts/subsection-whitelist.ts
 */
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { readCsvObjects } from '../src/lib/csv-read.ts';
import { streamFacts } from '../src/analysis/stream-facts.ts';
import { buildWhitelist, type WhitelistSample } from '../src/analysis/subsection-whitelist.ts';
import { decodeRealStream, REAL_RUNS } from '../src/analysis/test-support/real-runs.ts';

const samples: WhitelistSample[] = [];
for (const row of readCsvObjects(readFileSync(join(REAL_RUNS, 'streams.csv'), 'utf8')).rows) {
  const file = row.stream_file ?? '';
  const arch = row.arch ?? '';
  // One whitelist per architecture's builds: `aarch64-10.0` and `10.0` are different binaries.
  const build = arch === 'aarch64' ? `aarch64-${row.version ?? ''}` : row.version ?? '';
  const result = await decodeRealStream(file);
  samples.push({ build, name: `${row.machine ?? ''}-${row.config ?? ''}`, facts: streamFacts(result) });
  process.stderr.write(`${build} ${file}\n`);
}
const out = join(REAL_RUNS, 'subsection-whitelist.json');
writeFileSync(out, `${JSON.stringify({ _about: 'per device (vmsd name) and build, the subsection combinations the real runs streams carry, with the streams (machine-config); scripts/subsection-whitelist.ts', ...buildWhitelist(samples) }, undefined, 1)}\n`);
process.stderr.write(`wrote ${out} from ${samples.length} streams\n`);
