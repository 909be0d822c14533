import { describe, expect, it } from 'vitest';
import { csvCell, csvText } from '../../analysis/csv-text.ts';
import { safeFileName } from './file-name.ts';
import { jsonText } from './json-text.ts';

describe('csvText', () => {
  it('writes RFC 4180: CRLF lines, quotes only where needed, quotes doubled', () => {
    const text = csvText(['type', 'idstr', 'size'], [
      ['FULL', 'timer', 48],
      ['FULL', 'a,b', 1],
      ['FULL', 'say "hi"', 2],
      ['FULL', 'two\nlines', 3],
      ['FULL', 'cr\rhere', 4],
    ]);
    expect(text).toBe(
      'type,idstr,size\r\nFULL,timer,48\r\nFULL,"a,b",1\r\nFULL,"say ""hi""",2\r\nFULL,"two\nlines",3\r\nFULL,"cr\rhere",4\r\n',
    );
  });

  it('defuses formulas in text cells, not in numbers', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-cmd')).toBe("'-cmd");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tx')).toBe("'\tx");
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell('a=b')).toBe('a=b');
    expect(csvCell(Number.NaN)).toBe('');
  });

  it('an empty table is its header line', () => {
    expect(csvText(['a', 'b'], [])).toBe('a,b\r\n');
  });
});

describe('jsonText', () => {
  it('writes bigints as decimal strings, every digit kept', () => {
    expect(JSON.parse(jsonText({ v: 18446744073709551615n, n: 1 }))).toEqual({ v: '18446744073709551615', n: 1 });
  });
});

describe('safeFileName', () => {
  it('keeps a name a file system accepts', () => {
    expect(safeFileName('0000:00:1f.2/ich9_ahci-fields.json')).toBe('0000_00_1f.2_ich9_ahci-fields.json');
    expect(safeFileName('<img src=x>\u0007.csv')).toBe('_img src=x_.csv');
    expect(safeFileName('...')).toBe('export');
  });
});
