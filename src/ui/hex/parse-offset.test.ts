import { describe, expect, it } from 'vitest';
import { parseOffset } from './parse-offset.ts';

describe('parseOffset', () => {
  it('reads hex with 0x or with a hex letter, and decimal otherwise', () => {
    expect(parseOffset('0x165e88')).toBe(0x165e88);
    expect(parseOffset(' 0X1F ')).toBe(31);
    expect(parseOffset('1f')).toBe(31);
    expect(parseOffset('31')).toBe(31);
    expect(parseOffset('0x1_0000')).toBe(0x10000);
  });

  it('rejects anything else', () => {
    for (const bad of ['', '0x', 'g1', '-5', '1.5', '0xffffffffffffffffff']) expect(parseOffset(bad)).toBeUndefined();
  });
});
