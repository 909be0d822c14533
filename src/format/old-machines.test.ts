/**
 * Machine types 2.3 and older (hw_compat_2_3): no configuration section and no section footers.
 * A real 7.2 stream of pc-i440fx-2.3 (fixtures/streams-extra/old-machines, loaded back by 7.2)
 * decodes whole and equals analyze-migration.py's output.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { bytesSource, decodeStream } from './index.ts';
import { FIXTURES } from './test-support/fixtures.ts';
import { analyzeDesc, analyzeState } from './views/analyze-view.ts';

const dir = join(FIXTURES, 'streams-extra', 'old-machines', '7.2');
const read = (f: string): Uint8Array => gunzipSync(readFileSync(join(dir, f)));

describe('pc-i440fx-2.3 saved by 7.2', () => {
  it('decodes whole without footers, and says why', async () => {
    const source = bytesSource(read('pc-i440fx-2.3-minimal.mig.gz'), 'pc-i440fx-2.3-minimal.mig');
    const r = await decodeStream(source);
    expect(r.error).toBeUndefined();
    expect(r.complete).toBe(true);
    expect(r.configuration).toBeUndefined();
    expect(r.diagnostics.map((d) => d.code)).toEqual(['NO_CONFIGURATION', 'NO_SECTION_FOOTERS']);
    expect(r.sections.every((s) => !(s.node.children ?? []).some((c) => c.kind === 'footer'))).toBe(true);
    expect(JSON.parse(JSON.stringify(await analyzeState(r, source)))).toEqual(JSON.parse(new TextDecoder().decode(read('pc-i440fx-2.3-minimal.state.json.gz'))));
    expect(JSON.parse(JSON.stringify(analyzeDesc(r)))).toEqual(JSON.parse(new TextDecoder().decode(read('pc-i440fx-2.3-minimal.desc.json.gz'))));
  });
});
