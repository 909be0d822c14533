import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../test-support/run-cli.ts';
import { parseNegotiateArgs } from './negotiate.ts';

const FIXTURES = fileURLToPath(new URL('../../../fixtures/', import.meta.url));
const MANIFEST: Readonly<Record<string, string>> = {
  '5.2': `5.2=${FIXTURES}versions/5.2/vmstate-pc-q35-5.2.json.gz`,
  '7.2': `7.2=${FIXTURES}versions/7.2/vmstate-pc-q35-5.2.json.gz`,
  '10.0': `10.0=${FIXTURES}real-runs/versions/10.0/vmstate-pc-q35-5.2.json.gz`,
  '11.1': `11.1=${FIXTURES}versions/11.1/vmstate-pc-q35-5.2.json.gz`,
};
const COMPAT_11_1 = `11.1=${FIXTURES}versions-extra/11.1/qmp-query-machines-compat-props.json.gz`;

interface PairJson {
  source: string;
  dest: string;
  machine: string;
  summary: { breaksToday: number; fixedByNegotiation: number; meaningChanged: number; pinned: number };
  rows: { device: string; today: string; common?: number; outcome: string; pinnedBy: { property: string; value: string }[] }[];
}
interface MatrixJson {
  cells: { device: string; source: string; dest: string; verdict: string }[];
}

describe('migscope negotiate', () => {
  it('every pair of the four builds: the breaks are the matrix\'s, and the JSON says which negotiation fixes', async () => {
    const files = Object.values(MANIFEST);
    const neg = await runCli(['negotiate', ...files, '--json']);
    expect(neg.code).toBe(0);
    const pairs = JSON.parse(neg.out) as PairJson[];
    expect(pairs).toHaveLength(12);
    const matrix = await runCli(['matrix', ...files, '--machine', 'pc-q35-5.2', '--json']);
    const m = JSON.parse(matrix.out) as MatrixJson;
    for (const p of pairs) {
      const want = m.cells.filter((c) => c.source === p.source && c.dest === p.dest && c.verdict === 'breaks').map((c) => c.device).sort();
      expect(p.rows.filter((r) => r.today === 'breaks').map((r) => r.device).sort(), `${p.source}->${p.dest}`).toEqual(want);
    }
    const back = pairs.find((p) => p.source === '7.2' && p.dest === '5.2');
    expect(back?.summary).toMatchObject({ breaksToday: 3, fixedByNegotiation: 3 });
    const text = await runCli(['negotiate', ...files]);
    expect(text.out).toContain('7.2 -> 5.2 (backward, pc-q35-5.2): 3 break today, 3 fixed by negotiation');
    expect(text.out).toContain('  isa-vga: not fixable: layout or name changed at the same version\n');
  });

  it('one pair with compat properties: the pins of pc-q35-5.2 in 11.1', async () => {
    const r = await runCli(['negotiate', '--src', MANIFEST['11.1'] ?? '', '--dest', MANIFEST['5.2'] ?? '', COMPAT_11_1, '--json']);
    expect(r.code).toBe(0);
    const p = JSON.parse(r.out) as PairJson;
    expect(p.machine).toBe('pc-q35-5.2');
    expect(p.rows.find((x) => x.device === 'virtio-gpu-device')?.pinnedBy).toEqual([expect.objectContaining({ property: 'x-scanout-vmstate-version', value: '1' })]);
    expect(p.rows.find((x) => x.device === 'sysbus-esp')).toMatchObject({ today: 'breaks', common: 1, outcome: 'meaning-changed' });
  });

  it('refuses half a pair, and a stream without a pair', () => {
    expect(parseNegotiateArgs(['--src', 'a.json'])).toContain('both --src and --dest');
    expect(parseNegotiateArgs(['a.json', 'b.json', '--stream', 's.mig'])).toContain('--stream and --machine go with');
  });
});
