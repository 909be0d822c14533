import { describe, expect, it } from 'vitest';
import { readArguments } from './arguments.ts';

const spec = { '--json': {}, '--src': { needs: 'a file', aliases: ['-s'] } };

describe('readArguments', () => {
  it('reads flags, both value spellings, aliases and positionals in order', () => {
    expect(readArguments(['a', '--src', 'x', '--json', '--src=y', '-s', 'z', '-'], spec)).toEqual([
      { name: null, value: 'a' },
      { name: '--src', value: 'x' },
      { name: '--json', value: '' },
      { name: '--src', value: 'y' },
      { name: '--src', value: 'z' },
      { name: null, value: '-' },
    ]);
  });

  it('says what is wrong with a misspelt line', () => {
    expect(readArguments(['--bogus'], spec)).toBe("unknown option '--bogus'");
    expect(readArguments(['--json=1'], spec)).toBe('--json takes no value');
    expect(readArguments(['--src'], spec)).toBe('--src needs a file');
    expect(readArguments(['--src='], spec)).toBe('--src needs a file');
    expect(readArguments(['-s'], spec)).toBe('-s needs a file');
  });

  it('answers help wherever it stands', () => {
    expect(readArguments(['--src', 'x', '-h'], spec)).toBe('help');
    expect(readArguments(['--help', '--bogus'], spec)).toBe('help');
  });
});
