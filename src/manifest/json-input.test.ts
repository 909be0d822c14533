import { describe, expect, it } from 'vitest';
import { parseJson, readShape, type JsonValue, type Result } from './json-input.ts';

function ok<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected success, got ${JSON.stringify(result.error)}`);
  return result.value;
}

function err<T>(result: Result<T>) {
  if (result.ok) throw new Error('expected an error');
  return result.error;
}

/** Plain JS view of a parsed value, for compact assertions. */
function plain(v: JsonValue): unknown {
  switch (v.kind) {
    case 'object':
      return [...v.entries].map(([k, x]) => [k, plain(x)]);
    case 'array':
      return v.items.map(plain);
    case 'number':
      return v.text;
    case 'null':
      return 'NULL';
    default:
      return v.value;
  }
}

describe('parseJson', () => {
  it('reads every JSON type and keeps key order, including integer-like keys', () => {
    const v = ok(parseJson(' {"b": 1, "2": [true, false, null], "1": "x\\u00e9\\n", "a": {}}\n', 'f.json'));
    expect(plain(v)).toEqual([
      ['b', '1'],
      ['2', [true, false, 'NULL']],
      ['1', 'xé\n'],
      ['a', []],
    ]);
  });

  it('keeps a repeated key at its first position with the last value, like a Python dict', () => {
    const v = ok(parseJson('{"x": 1, "y": 2, "x": 3}', 'f'));
    expect(plain(v)).toEqual([
      ['x', '3'],
      ['y', '2'],
    ]);
  });

  it('keeps the exact lexeme of numbers a double cannot hold', () => {
    const v = ok(parseJson('[18446744073709551617, -0, 1.5e300, 1e400]', 'f'));
    expect(v.kind === 'array' && v.items.map((x) => (x.kind === 'number' ? x.text : ''))).toEqual([
      '18446744073709551617',
      '-0',
      '1.5e300',
      '1e400',
    ]);
    const shaped = readShape('f', (r) => r.integer(r.array(v, '$')[0] ?? v, '$[0]'));
    expect(err(shaped)).toMatchObject({ code: 'NUMBER_OUT_OF_RANGE', jsonPath: '$[0]' });
  });

  it('treats __proto__ and constructor as ordinary keys and never touches Object.prototype', () => {
    const v = ok(parseJson('{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 2}}}', 'f'));
    expect(plain(v)).toEqual([
      ['__proto__', [['polluted', '1']]],
      ['constructor', [['prototype', [['polluted', '2']]]]],
    ]);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('rejects 100k-deep arrays and objects with a typed error, without overflowing the stack', () => {
    const deepArrays = '['.repeat(100_000) + ']'.repeat(100_000);
    const e = err(parseJson(deepArrays, 'deep.json'));
    expect(e.code).toBe('JSON_TOO_DEEP');
    expect(e.file).toBe('deep.json');
    expect(e.offset).toBe(256);
    expect(e.jsonPath.startsWith('$[0][0][0]')).toBe(true);
    expect(e.jsonPath.length).toBeLessThan(200);

    const deepObjects = '{"k":'.repeat(100_000) + '1' + '}'.repeat(100_000);
    const o = err(parseJson(deepObjects, 'deep.json'));
    expect(o.code).toBe('JSON_TOO_DEEP');
    expect(o.jsonPath.startsWith('$.k.k.k')).toBe(true);
  });

  it('accepts nesting up to the bound', () => {
    const depth = 256;
    expect(parseJson('['.repeat(depth) + ']'.repeat(depth), 'f').ok).toBe(true);
    expect(parseJson('['.repeat(depth + 1) + ']'.repeat(depth + 1), 'f').ok).toBe(false);
    expect(parseJson('[[[]]]', 'f', { maxDepth: 2, maxLength: 100 }).ok).toBe(false);
  });

  it('rejects text over the length bound', () => {
    expect(err(parseJson('[1, 2, 3]', 'f', { maxDepth: 10, maxLength: 5 })).code).toBe('JSON_TOO_LARGE');
  });

  it.each([
    ['', '$', 'unexpected end of input'],
    ['not json', '$', 'unexpected "n"'],
    ['{"a": 1,}', '$', 'expected a string key'],
    ['{"a" 1}', '$', 'expected a string key'],
    ['[1, 2,]', '$[2]', 'expected a value'],
    ['[01]', '$', 'expected "," or "]"'],
    ['{"a": [1, {"b": tru}]}', '$.a[1].b', 'expected a value'],
    ['{"a": "tab\there"}', '$.a', 'unescaped character U+0009'],
    ['{"a": "open', '$.a', 'unterminated string'],
    ['{"k\\q": 1}', '$', 'invalid escape "\\\\q"'],
    ['["\\x"]', '$[0]', 'invalid escape'],
    ['[NaN]', '$[0]', 'expected a value'],
    ['{} {}', '$', 'after the document'],
    ['{"odd key": [1 2]}', '$["odd key"]', 'expected "," or "]"'],
  ])('reports a syntax error in %j at %s', (text, path, message) => {
    const e = err(parseJson(text, 'bad.json'));
    expect(e.code).toBe('JSON_SYNTAX');
    expect(e.file).toBe('bad.json');
    expect(e.jsonPath).toBe(path);
    expect(e.message).toContain(message);
    expect(e.message).toMatch(/\(line \d+, column \d+\)$/);
  });

  it('gives line and column of the fault', () => {
    const e = err(parseJson('{\n  "a": 1,\n  "b": ?\n}', 'f'));
    expect(e.message).toContain('(line 3, column 8)');
    expect(e.jsonPath).toBe('$.b');
  });
});

describe('ShapeReader', () => {
  const doc = ok(parseJson('{"n": 1.0, "s": "x", "big": 9007199254740993, "neg0": -0}', 'f'));

  it('names the path and the types of a mismatch', () => {
    const e = err(readShape('f.json', (r) => r.array(r.member(r.object(doc, '$'), 's', '$'), '$.s')));
    expect(e).toEqual({ code: 'WRONG_TYPE', file: 'f.json', jsonPath: '$.s', message: 'expected an array, got a string' });
  });

  it('reports a missing key at the object that lacks it', () => {
    const e = err(readShape('f', (r) => r.member(r.object(doc, '$'), 'absent', '$')));
    expect(e).toMatchObject({ code: 'MISSING_KEY', jsonPath: '$', message: 'missing key "absent"' });
  });

  it('accepts only exact integers', () => {
    const obj = (r: Parameters<Parameters<typeof readShape>[1]>[0]) => r.object(doc, '$');
    expect(err(readShape('f', (r) => r.integer(r.member(obj(r), 'n', '$'), '$.n'))).code).toBe('NOT_AN_INTEGER');
    expect(err(readShape('f', (r) => r.integer(r.member(obj(r), 'big', '$'), '$.big'))).code).toBe('NUMBER_OUT_OF_RANGE');
    expect(ok(readShape('f', (r) => Object.is(r.integer(r.member(obj(r), 'neg0', '$'), '$.neg0'), 0)))).toBe(true);
  });
});
