import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { bytesSource, decodeStream, type DecodeResult } from '../../format/index.ts';
import { formatNodeValue, humanBytes, intText } from './format-value.ts';
import { ancestry, buildStreamIndex, nodeRange, sectionRowOf } from './stream-index.ts';
import { visibleTreeRows } from './tree-rows.ts';

async function decodeFixture(path: string, cut?: number): Promise<DecodeResult> {
  const gz = new Uint8Array(await readFile(new URL(`../../../fixtures/streams/${path}`, import.meta.url)));
  const full = await decodeStream(bytesSource(gz, path));
  if (cut === undefined) return full;
  const { gunzipSync } = await import('node:zlib');
  const raw = new Uint8Array(gunzipSync(gz));
  return decodeStream(bytesSource(raw.subarray(0, cut), 'cut.mig'));
}

describe('stream index on a real stream', () => {
  it('maps bytes to the deepest field and fields to their record row', async () => {
    const result = await decodeFixture('7.2/pc-i440fx-7.2-minimal.mig.gz');
    const index = buildStreamIndex(result);
    const timerRow = index.rows.findIndex((r) => r.name === 'timer');
    const row = index.rows[timerRow];
    expect(row).toMatchObject({ type: 'FULL', isSection: true, instanceId: 0, versionId: 2, sectionId: 0 });
    const ticks = index.nodes.findIndex((n) => n.path.join('/') === 'timer#0/cpu_ticks_offset');
    expect(index.rowOf[ticks]).toBe(timerRow);
    const node = index.nodes[ticks];
    expect(node?.start).toBe(603506);
    expect(index.byOffset.find(603506)).toBe(ticks);
    expect(index.byOffset.find(603513)).toBe(ticks);
    // The section's first byte is its type byte, a field of the section header.
    expect(index.nodes[index.byOffset.find(603487) ?? -1]?.path.join('/')).toBe('timer#0/header/section_type');
    expect(formatNodeValue(node as NonNullable<typeof node>)).toEqual({ text: '7840935476', hex: '0x1d35b2e34', tone: 'int' });
    expect(ancestry(index, ticks)).toEqual([0, row?.nodeId, ticks]);
    // Every byte of a complete stream belongs to some node.
    for (let at = 0; at < result.source.size; at += 4099) expect(index.byOffset.find(at)).toBeDefined();
  });

  it('keeps the section decoding stopped in, with an open end', async () => {
    const result = await decodeFixture('5.2/pc-i440fx-5.2-minimal.mig.gz', 357908);
    expect(result.error?.code).toBe('UNEXPECTED_EOF');
    const index = buildStreamIndex(result);
    const last = index.rows.at(-1);
    expect(last?.isSection).toBe(true);
    expect(last?.end).toBeUndefined();
    const errAt = result.error?.offset ?? -1;
    const owner = index.byOffset.find(errAt);
    expect(owner).toBeDefined();
    expect(index.rowOf[owner as number]).toBe(index.rows.length - 1);
    expect(nodeRange(index, last?.nodeId ?? 0).end).toBe(357908);
  });

  it('lists visible tree rows with collapsed structs', async () => {
    const result = await decodeFixture('7.2/pc-i440fx-7.2-minimal.mig.gz');
    const index = buildStreamIndex(result);
    const cpu = index.rows.find((r) => r.name === 'cpu');
    const rootId = cpu?.nodeId ?? 0;
    const collapsed = visibleTreeRows(index, rootId, new Set([rootId]));
    expect(collapsed[0]).toMatchObject({ id: rootId, level: 0, expanded: true });
    expect(collapsed.length).toBe((index.nodes[rootId]?.children?.length ?? 0) + 1);
    const struct = collapsed.find((r) => r.hasChildren && r.level === 1);
    const open = visibleTreeRows(index, rootId, new Set([rootId, struct?.id ?? 0]));
    expect(open.length).toBeGreaterThan(collapsed.length);
  });
});

describe('value text', () => {
  it('shows signed ints in two\'s complement hex at their width', () => {
    expect(intText(-1, 4)).toEqual({ text: '-1', hex: '0xffffffff', tone: 'int' });
    expect(intText(-2n, 8)).toEqual({ text: '-2', hex: '0xfffffffffffffffe', tone: 'int' });
    expect(intText(255, 1).hex).toBe('0xff');
  });

  it('shows sizes in binary units', () => {
    expect(humanBytes(512)).toBe('512 B');
    expect(humanBytes(67108864)).toBe('64 MiB');
    expect(humanBytes(713398)).toBe('696.7 KiB');
  });
});

describe('sectionRowOf', () => {
  it('finds sections by idstr and instance, the START of ram, and the configuration', async () => {
    const index = buildStreamIndex(await decodeFixture('7.2/pc-i440fx-7.2-default.mig.gz'));
    const row = (idstr: string, instance: number | undefined): string | undefined => {
      const r = index.rows[sectionRowOf(index.rows, idstr, instance) ?? -1];
      return r === undefined ? undefined : `${r.type} ${r.name}#${r.instanceId ?? '-'}`;
    };
    expect(row('dma', 1)).toBe('FULL dma#1');
    expect(row('dma', 0)).toBe('FULL dma#0');
    expect(row('dma', 7)).toBe('FULL dma#0');
    expect(row('ram', 0)).toBe('START ram#0');
    expect(row('configuration', undefined)).toMatch(/^CONF configuration/);
    expect(row('no-such-device', 0)).toBeUndefined();
  });
});
