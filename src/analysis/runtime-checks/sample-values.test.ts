/**
 * `_EQUAL` fields and read-only PCI config bits against the destination's own stream of the
 * same configuration: on every real run nothing differs (see real-runs.test.ts); here a real
 * 7.2 stream meets its own 7.2 sample with one destination value changed, as another
 * configuration of the destination would have it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { bytesSource, decodeStream } from '../../format/index.ts';
import type { DecodeResult, DecodedNode } from '../../format/model.ts';
import { predictLoad } from '../explain/predict.ts';
import { decodeRealStream, REAL_RUNS, realDestination, realRuns } from '../test-support/real-runs.ts';

const run = realRuns().find((r) => r.arch === 'x86_64' && r.src === '7.2' && r.dst === '7.2' && r.machine === 'pc-q35-7.2' && r.config === 'extra')!;

/** A fresh decode of the 7.2 sample with `edit` applied to one section's nodes. */
async function sampleWith(idstr: string, edit: (section: DecodedNode) => void): Promise<DecodeResult> {
  const bytes = gunzipSync(readFileSync(join(REAL_RUNS, run.streamFile)));
  const s = await decodeStream(bytesSource(bytes, 'edited-sample.mig'));
  edit(s.sections.find((x) => x.idstr === idstr)!.node);
  return s;
}

function find(root: DecodedNode, name: string): DecodedNode {
  const stack = [root];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.name === name) return n;
    stack.push(...(n.children ?? []));
  }
  throw new Error(`no ${name}`);
}

async function predictAgainst(sample: DecodeResult) {
  return predictLoad(await decodeRealStream(run.streamFile), { ...(await realDestination(run)), sample });
}

describe('_EQUAL fields', () => {
  it('PCIBUS nirq 4 on the destination (an i440fx bus): 7.2 refuses the q35 stream\'s 8 with "4 != 8"', async () => {
    const p = await predictAgainst(await sampleWith('PCIBUS', (s) => (find(s, 'nirq').value = 4)));
    expect(p.verdict).toBe('fails');
    expect(p.failure!.message.split('\n')).toEqual(['4 != 8', 'Failed to load PCIBUS:nirq', "error while loading state for instance 0x0 of device 'PCIBUS'", 'load of migration failed: Invalid argument']);
    expect(p.failure!.values[0]).toMatchObject({ name: 'nirq', value: '8', length: 4 });
  });

  it('the same sample loads unedited', async () => {
    const p = predictLoad(await decodeRealStream(run.streamFile), await realDestination(run, { sample: true }));
    expect(p.verdict).toBe('loads');
  });
});

describe('read-only PCI config bits', () => {
  it("e1000e with fewer MSI-X vectors on the destination: the table size byte is refused", async () => {
    const p = await predictAgainst(
      await sampleWith('0000:00:02.0/e1000e', (s) => {
        const flags = find(s, 'msix_flags');
        flags.value = ((flags.value as number) & ~0x7ff) | 0x3;
      }),
    );
    expect(p.verdict).toBe('fails');
    const first = p.failure!.message.split('\n')[0]!;
    expect(first).toMatch(/^get_pci_config_device: Bad config data: i=0x[0-9a-f]+ read: 4 device: 3 cmask: ff wmask: 0 w1cmask:0$/);
    expect(p.failure!.field).toMatch(/msix_flags$/);
  });

  it('writable bits (MSI-X enable) never count', async () => {
    const p = await predictAgainst(
      await sampleWith('0000:00:02.0/e1000e', (s) => {
        const flags = find(s, 'msix_flags');
        flags.value = (flags.value as number) ^ 0x8000;
      }),
    );
    expect(p.verdict).toBe('loads');
  });
});
