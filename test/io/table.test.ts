import { describe, expect, it } from 'vitest';
import type { LsslError } from '../../src/errors.js';
import { covariateParser, findColumn, isMissingCell, parseNumberCell, parseTable } from '../../src/io/table.js';

describe('parseTable', () => {
  it('strips the BOM, handles CRLF, quotes, spaces and trailing blank lines, and keeps line numbers', () => {
    const t = parseTable('\uFEFF a , b \r\n1 ,"x, y" \r\n\r\n2,z\r\n\r\n\r\n', 'f.csv');
    expect(t.columns).toEqual(['a', 'b']);
    expect(t.headerLine).toBe(1);
    expect(t.rows).toEqual([
      { line: 2, cells: { a: '1', b: 'x, y' } },
      { line: 4, cells: { a: '2', b: 'z' } },
    ]);
  });

  it('splits .tsv files on tabs only', () => {
    const t = parseTable('a\tb\n1,5\t2\n', 'f.tsv');
    expect(t.rows[0].cells).toEqual({ a: '1,5', b: '2' });
  });

  it('rejects duplicate or empty column names and rows with extra fields, naming the line', () => {
    expect(() => parseTable('a,a\n1,2\n', 'f.csv')).toThrow(/column "a" appears twice/);
    expect(() => parseTable('a,,c\n', 'f.csv')).toThrow(/column 2 of the header has no name/);
    try {
      parseTable('a,b\n1,2\n1,2,3\n', 'f.csv');
      expect.unreachable();
    } catch (e) {
      expect((e as LsslError).row).toBe(3);
      expect((e as LsslError).file).toBe('f.csv');
    }
  });

  it('finds columns exactly, then ignoring case', () => {
    const t = parseTable('Age,age2\n1,2\n', 'f.csv');
    expect(findColumn(t, 'age')).toBe('Age');
    expect(findColumn(t, 'Age')).toBe('Age');
    expect(findColumn(t, 'sex')).toBeUndefined();
  });
});

describe('cell values', () => {
  it('treats n/a, NA, blank as missing and parses plain numbers only', () => {
    for (const text of ['', ' ', 'n/a', 'N/A', 'NA', 'nan']) expect(isMissingCell(text)).toBe(true);
    expect(isMissingCell('0')).toBe(false);
    expect(parseNumberCell(' 72.5 ')).toBe(72.5);
    expect(parseNumberCell('-1e2')).toBe(-100);
    expect(parseNumberCell('.5')).toBe(0.5);
    for (const text of ['0x10', '1,5', 'Infinity', '12 years', '']) expect(parseNumberCell(text)).toBeNull();
  });

  it('makes a covariate numeric only when every present value is a number', () => {
    const t = parseTable('id,score,code\na,1,01\nb,n/a,A\n', 'f.csv');
    const parse = covariateParser(t, ['score', 'code']);
    expect(t.rows.map(parse)).toEqual([
      { score: 1, code: '01' },
      { score: null, code: 'A' },
    ]);
  });
});
