/**
 * Writes src/analysis/build-profiles/vmsd-ranges.json: for each of Debian's four x86_64 QEMU
 * builds (5.2, 7.2, 10.0, 11.1), every device vmsd's range [minimum_version_id, version_id]
 * from its -dump-vmstate manifest: the versions its loader accepts, which under version
 * negotiation are the versions it could offer. The tour's negotiation step reads it.
 *
 *   npx tsx scripts/vmsd-ranges.ts
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadBuild, X86_BUILDS } from '../src/analysis/test-support/four-builds.ts';
import { vmsdRanges } from '../src/analysis/vmsd-ranges.ts';

const builds = X86_BUILDS.map((v) => ({ version: v, manifest: loadBuild('x86_64', v).manifest }));
const out = join(import.meta.dirname, '..', 'src', 'analysis', 'build-profiles', 'vmsd-ranges.json');
writeFileSync(out, `${JSON.stringify(vmsdRanges(builds))}\n`);
process.stderr.write(`wrote ${out}\n`);
