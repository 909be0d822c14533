/**
 * The vmdesc the analyses read (`followableVmdesc`): a damaged entry anywhere in a device's tree
 * takes that device out, so `fields` is always a list and names are strings (the long fuzz run
 * of issue 18 found explain crashing on `vmsd.fields is not iterable` after one flipped bit).
 */
import { describe, expect, it } from 'vitest';
import type { VmdescJson } from '../model.ts';
import { followableVmdesc } from './description.ts';

const field = (name: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ name, type: 'uint32', size: 4, ...extra });

function vmdesc(devices: unknown[]): VmdescJson {
  return { page_size: 4096, devices } as unknown as VmdescJson;
}

describe('followableVmdesc', () => {
  it('keeps sound devices, drops those with a bad entry at any depth', () => {
    const sound = { name: 'a', instance_id: 0, vmsd_name: 'a', version: 1, fields: [field('x'), field('s', { type: 'struct', struct: { vmsd_name: 's', fields: [field('y')] } })] };
    const deepBad = { name: 'b', instance_id: 0, fields: [field('s', { type: 'struct', struct: { vmsd_name: 's', fields: [field('y'), { name: 7, type: 'uint8', size: 1 }] } })] };
    const notAList = { name: 'c', instance_id: 0, fields: [field('t', { type: 'tmp', fields: 5 })] };
    const badSub = { name: 'd', instance_id: 0, fields: [], subsections: [{ vmsd_name: 'd/s', fields: {} }] };
    const badVersion = { name: 'e', instance_id: 0, version: '1', fields: [] };
    const out = followableVmdesc(vmdesc([sound, deepBad, notAList, badSub, badVersion, 42]));
    expect(out.devices.map((d) => d.name)).toEqual(['a']);
    expect(out.page_size).toBe(4096);
  });

  it("keeps 7.2's NULL pointer element (an empty struct of size 1) as the decoder does", () => {
    const css = { name: 's390_css', instance_id: 0, fields: [field('css', { type: 'struct', size: 1, struct: {} })] };
    expect(followableVmdesc(vmdesc([css])).devices).toHaveLength(1);
  });

  it('walks a description nested 100,000 deep without recursion', () => {
    let inner: Record<string, unknown> = { fields: [field('leaf')] };
    for (let i = 0; i < 100_000; i++) inner = { fields: [field(`f${i}`, { type: 'struct', struct: inner })] };
    expect(followableVmdesc(vmdesc([{ name: 'deep', instance_id: 0, ...inner }])).devices).toHaveLength(1);
  });
});
