import { describe, expect, it } from 'vitest';
import { formatInputError, parseJson } from './index.ts';
import { findDeviceModel, looksLikeDeviceModels, offeredParams, parseDeviceModels, requiredParams } from './device-models.ts';

const doc = JSON.stringify([
  { model: 'https://example.org/nic', params: ['mq', 'mtu'], versions: [{ name: '1', params: ['mq'] }, { name: 2, params: ['mq', 'rss'] }] },
  { model: 'https://example.org/disk' },
]);

describe('parseDeviceModels', () => {
  it('reads models, params and versions (numeric version names become text)', () => {
    const parsed = parseDeviceModels(doc, 'm.json');
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const nic = findDeviceModel(parsed.value, 'https://example.org/nic');
    expect(nic?.versions.map((v) => [v.name, v.params])).toEqual([
      ['1', ['mq']],
      ['2', ['mq', 'rss']],
    ]);
    expect([...(nic === undefined ? [] : offeredParams(nic))].sort()).toEqual(['mq', 'mtu', 'rss']);
    const disk = findDeviceModel(parsed.value, 'https://example.org/disk');
    expect(disk?.params).toEqual([]);
    expect(disk?.versions).toEqual([]);
  });

  it('expands a needed version through the host\'s definition when it has no params of its own', () => {
    const need = parseDeviceModels(JSON.stringify([{ model: 'n', params: ['a'], versions: [{ name: '2' }, { name: '9' }] }]), 'need.json');
    const have = parseDeviceModels(JSON.stringify([{ model: 'n', versions: [{ name: '2', params: ['b', 'c'] }] }]), 'have.json');
    if (!need.ok || !have.ok) throw new Error('parse');
    const needed = need.value.models[0];
    if (needed === undefined) throw new Error('model');
    const r = requiredParams(needed, have.value.models[0]);
    expect([...r.params].sort()).toEqual(['a', 'b', 'c']);
    expect(r.unknownVersions).toEqual(['9']);
  });

  it.each([
    ['{}', /^m\.json: \$: expected an array, got an object$/],
    ['[{"params": []}]', /^m\.json: \$\[0\]: missing key "model"$/],
    ['[{"model": "x", "params": [1]}]', /^m\.json: \$\[0\]\.params\[0\]: expected a string, got a number$/],
    ['[{"model": "x", "versions": [{"params": []}]}]', /^m\.json: \$\[0\]\.versions\[0\]: missing key "name"$/],
    ['[{"model": "x", "versions": [{"name": 1.5}]}]', /^m\.json: \$\[0\]\.versions\[0\]\.name: expected an integer, got 1\.5$/],
    ['[', /^m\.json: \$\[0\]: unexpected end of input/],
  ])('%s: an error naming the file and JSON path', (text, pattern) => {
    const parsed = parseDeviceModels(text, 'm.json');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(formatInputError(parsed.error)).toMatch(pattern);
  });

  it('recognises the shape', () => {
    const yes = parseJson(doc, 'x');
    const no = parseJson('[{"name": "pc"}]', 'x');
    expect(yes.ok && looksLikeDeviceModels(yes.value)).toBe(true);
    expect(no.ok && looksLikeDeviceModels(no.value)).toBe(false);
  });
});
