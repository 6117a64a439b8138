import { buffer } from 'node:stream/consumers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvCell, csvLine, csvStream, toCsv } from './csv-export.js';
import { openTable } from './tabular-reader.js';

describe('csvCell', () => {
  it('quotes commas, quotes and line breaks, doubling the quotes', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
  });

  it('defuses cells Excel would run as formulas with a leading apostrophe', () => {
    expect(csvCell('=HYPERLINK("http://x.example","click")')).toBe(
      `"'=HYPERLINK(""http://x.example"",""click"")"`,
    );
    expect(csvCell('+86 138')).toBe("'+86 138");
    expect(csvCell('-1+1')).toBe("'-1+1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\t=1')).toBe("'\t=1");
    expect(csvCell('\r=1')).toBe(`"'\r=1"`);
    expect(csvCell('a=1')).toBe('a=1');
  });

  it('leaves numbers alone: a negative number is not a formula', () => {
    expect(csvCell(-12.5)).toBe('-12.5');
    expect(csvCell('-12.5')).toBe("'-12.5");
  });
});

describe('CSV files', () => {
  const report = [
    ['行号', '列', '值', '原因'],
    [2, '欠费金额', '1,23,4', '千位分隔符位置不对'],
    [3, '拆机日期', '=1+1', 'not a date'],
  ];

  it('writes a byte-order mark, then CRLF lines', () => {
    const text = toCsv(report);
    expect(text.startsWith('\uFEFF行号,列,值,原因\r\n')).toBe(true);
    expect(text).toBe(`\uFEFF${report.map(csvLine).join('')}`);
    expect(text.split('\r\n')).toHaveLength(4);
  });

  it('streams the same bytes as the string, from an async source', async () => {
    async function* rows() {
      for (let i = 0; i < 5000; i++) yield [i, `cell ${i}`, '=x'];
    }
    const fromStream = await buffer(csvStream(rows()));
    const expected = Buffer.from(
      toCsv(Array.from({ length: 5000 }, (_, i) => [i, `cell ${i}`, '=x'])),
      'utf8',
    );
    expect(fromStream.equals(expected)).toBe(true);
    expect(fromStream.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });

  it('reads back as it was written (less the apostrophes), through the import reader', async () => {
    const cell = fc.string({ unit: fc.constantFrom('a', '网', ',', '"', '\n', '\r\n', ' ', '=', '-', '1') });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(cell, { minLength: 3, maxLength: 3 }), { maxLength: 8 }),
        async (rows) => {
          const header = ['h1', 'h2', 'h3'];
          const table = await openTable({ source: csvStream([header, ...rows]) });
          const read: string[][] = [];
          for await (const row of table.rows) read.push(row.cells);
          const undefuse = (c: string) => (/^'[=+\-@\t\r]/.test(c) ? c.slice(1) : c);
          // A cell the export escapes (it starts with TAB or CR, say) is not blank in the file.
          const blank = (r: string[]) => r.every((c) => c.trim() === '' && !/^[=+\-@\t\r]/.test(c));
          expect(table.headers).toEqual(header);
          expect(read.map((r) => r.map(undefuse))).toEqual(rows.filter((r) => !blank(r)));
        },
      ),
      { numRuns: 200 },
    );
  });
});
