/**
 * Writes fixtures/synthetic/vfio/pc-q35-7.2-vfio-{v1,v2}.mig: streams of a VM with one
 * assigned device, built from hw/vfio/migration.c's layout by
 * src/format/test-support/vfio-streams.ts (no VFIO hardware was at hand; fixtures/README.md).
 *
 *   npx tsx scripts/vfio-streams.ts
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { vfioStream } from '../src/format/test-support/vfio-streams.ts';

const dir = join(import.meta.dirname, '..', 'fixtures', 'synthetic', 'vfio');
for (const protocol of ['v1', 'v2'] as const) writeFileSync(join(dir, `pc-q35-7.2-vfio-${protocol}.mig`), vfioStream(protocol));
