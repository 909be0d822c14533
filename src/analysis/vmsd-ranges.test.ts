import { describe, expect, it } from 'vitest';
import data from './build-profiles/vmsd-ranges.json';
import { computeNegotiation } from './negotiation.ts';
import { loadBuild, X86_BUILDS } from './test-support/four-builds.ts';
import { movedVersion, vmsdRanges, type VmsdRanges } from './vmsd-ranges.ts';

const builds = X86_BUILDS.map((v) => ({ version: v, manifest: loadBuild('x86_64', v).manifest }));

describe('vmsd ranges of the four builds', () => {
  it('are what their manifests say (scripts/vmsd-ranges.ts wrote the file)', () => {
    expect(vmsdRanges(builds)).toEqual(data);
  });

  it("the tour's example is a break migscope negotiate shows fixed: pciespscsi, 7.2 -> 5.2 at version 1", () => {
    const ex = movedVersion(data as unknown as VmsdRanges, ['pciespscsi']);
    expect(ex).toEqual({ vmsd: 'pciespscsi', newer: '7.2', older: '5.2', newerRange: [1, 2], olderRange: [1, 1], common: 1 });
    const src = builds.find((b) => b.version === ex?.newer);
    const dst = builds.find((b) => b.version === ex?.older);
    if (src === undefined || dst === undefined) throw new Error('builds');
    const r = computeNegotiation({ source: src, dest: dst });
    if (!r.ok) throw new Error(r.error.message);
    const rows = r.value.rows.filter((x) => x.section === ex?.vmsd);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((x) => x.outcome === 'fixed' && x.common === ex?.common)).toBe(true);
  });
});
