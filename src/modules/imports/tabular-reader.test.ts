import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import ExcelJS from 'exceljs';
import { zipSync } from 'fflate';
import iconv from 'iconv-lite';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../../platform/errors/app-error.js';
import type { TableRow } from './table-row.js';
import type { OpenTableOptions, Table } from './tabular-reader.js';
import { openTable } from './tabular-reader.js';

const dir = mkdtempSync(path.join(tmpdir(), 'guankong-imports-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const bom = Buffer.from([0xef, 0xbb, 0xbf]);

const readAll = async (table: Table): Promise<TableRow[]> => {
  const rows: TableRow[] = [];
  for await (const row of table.rows) rows.push(row);
  return rows;
};

const open = async (source: OpenTableOptions['source'], options: Omit<OpenTableOptions, 'source'> = {}) => {
  const table = await openTable({ source, ...options });
  return { table, rows: await readAll(table) };
};

/** The error a promise is refused with. */
const refusal = async (promise: Promise<unknown>): Promise<AppError> => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
};

/** A stream that hands out `bytes` in chunks of `size` bytes: cuts characters, quotes and CRLFs apart. */
const trickle = (bytes: Buffer, size: number) =>
  Readable.from(
    (function* () {
      for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
    })(),
  );

const cellsOf = (rows: TableRow[]) => rows.map((r) => r.cells);

describe('openTable: CSV (RFC 4180)', () => {
  it('reads quoted newlines, escaped quotes, empty fields and CRLF, numbering rows as a spreadsheet does', async () => {
    const csv = 'name,note,amount\r\n"Li, Lei","said ""hi""\r\nthen left",\r\n,,5\r\n"",x,""\r\n';
    const { table, rows } = await open(Buffer.from(csv));
    expect(table).toMatchObject({ format: 'csv', encoding: 'utf-8', delimiter: ',' });
    expect(table.headers).toEqual(['name', 'note', 'amount']);
    expect(rows).toEqual([
      { row: 2, cells: ['Li, Lei', 'said "hi"\r\nthen left', ''] },
      { row: 3, cells: ['', '', '5'] },
      { row: 4, cells: ['', 'x', ''] },
    ]);
  });

  it('reads the last row with or without a line break after it, LF or CRLF', async () => {
    for (const csv of ['a,b\n1,2', 'a,b\n1,2\n', 'a,b\r\n1,2', 'a,b\r\n1,2\r\n']) {
      const { rows } = await open(Buffer.from(csv));
      expect(cellsOf(rows), JSON.stringify(csv)).toEqual([['1', '2']]);
    }
  });

  it('reads a quote inside an unquoted cell as a character, as Excel does', async () => {
    const { rows } = await open(Buffer.from('product,size\nTV,55" screen\n'));
    expect(cellsOf(rows)).toEqual([['TV', '55" screen']]);
  });

  it('skips blank rows but keeps the numbers of the rows after them', async () => {
    const { table, rows } = await open(Buffer.from('\r\nphone,grid\r\n1,A\r\n\r\n,\r\n2,B\r\n'));
    expect(table.headers).toEqual(['phone', 'grid']);
    expect(rows.map((r) => [r.row, ...r.cells])).toEqual([
      [3, '1', 'A'],
      [6, '2', 'B'],
    ]);
  });

  it('takes the header from the row given, below a title row', async () => {
    const csv = '2026年10月欠费清单,,\r\n用户号码,网格,金额\r\n13800001234,G1,5\r\n';
    const { table, rows } = await open(Buffer.from(csv), { headerRow: 2 });
    expect(table.headers).toEqual(['用户号码', '网格', '金额']);
    expect(rows).toEqual([{ row: 3, cells: ['13800001234', 'G1', '5'] }]);
  });

  it('reports a row with fewer or more cells than the header as ragged, and pads the short one', async () => {
    const { rows } = await open(Buffer.from('a,b,c\n1,2\n1,2,3,4\n1,2,3,,\n1,2,3\n'));
    expect(rows[0]).toMatchObject({ row: 2, cells: ['1', '2', ''], problems: [{ code: 'ragged' }] });
    expect(rows[0]!.problems![0]!.why).toBe('expected 3 cells as in the header, got 2');
    expect(rows[1]).toMatchObject({ row: 3, cells: ['1', '2', '3', '4'], problems: [{ code: 'ragged' }] });
    // Empty cells past the header are a trailing delimiter, not data.
    expect(rows[2]).toEqual({ row: 4, cells: ['1', '2', '3'] });
    expect(rows[3]).toEqual({ row: 5, cells: ['1', '2', '3'] });
  });

  it('drops empty header cells at the end, keeps the ones between headers, trims headers', async () => {
    const { table, rows } = await open(Buffer.from(' a ,,c,,\n1,2,3,,\n'));
    expect(table.headers).toEqual(['a', '', 'c']);
    expect(cellsOf(rows)).toEqual([['1', '2', '3']]);
  });

  it.each([
    [';', 'a;b;c\n"1;5";2;3\n'],
    ['\t', 'a\tb\tc\n"1\t5"\t2\t3\n'],
    ['|', 'a|b|c\n"1|5"|2|3\n'],
    [',', 'a,b,c\n"1,5",2,3\n'],
  ])('detects the delimiter %j from the header line', async (delimiter, csv) => {
    const { table, rows } = await open(Buffer.from(csv));
    expect(table.delimiter).toBe(delimiter);
    expect(cellsOf(rows)).toEqual([[`1${delimiter}5`, '2', '3']]);
  });

  it('uses the delimiter given over the one detected', async () => {
    const { table, rows } = await open(Buffer.from('a,b;c\n1,2;3\n'), { delimiter: ';' });
    expect(table.headers).toEqual(['a,b', 'c']);
    expect(cellsOf(rows)).toEqual([['1,2', '3']]);
  });

  it('reads a file of one column', async () => {
    const { table, rows } = await open(Buffer.from('phone\n13800001234\n'));
    expect(table.headers).toEqual(['phone']);
    expect(cellsOf(rows)).toEqual([['13800001234']]);
  });

  it('refuses an unclosed quote with the line, never the cell', async () => {
    const error = await refusal(open(Buffer.from('a,b\n1,"13800001234\n2,3\n')));
    expect(error.code).toBe('imports.csv_unreadable');
    expect(error.details).toEqual({ line: 3, reason: 'CSV_QUOTE_NOT_CLOSED' });
    expect(JSON.stringify(error.details)).not.toContain('13800001234');
  });

  it('closes the source when the reader breaks off early', async () => {
    const stream = Readable.from(
      (function* () {
        yield 'a,b\n';
        for (let i = 0; i < 100_000; i++) yield `${i},x\n`;
      })(),
    );
    const table = await openTable({ source: stream });
    let seen = 0;
    for await (const row of table.rows) if (++seen === 3 || row.row > 3) break;
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toBe(3);
    expect(stream.destroyed).toBe(true);
  });

  it('reads from a file path and from a stream as from a buffer', async () => {
    const csv = Buffer.from('用户号码,网格\n13800001234,东区\n');
    const file = path.join(dir, 'path.csv');
    writeFileSync(file, csv);
    for (const source of [file, Readable.from([csv]), csv]) {
      const { table, rows } = await open(source);
      expect(table.headers).toEqual(['用户号码', '网格']);
      expect(cellsOf(rows)).toEqual([['13800001234', '东区']]);
    }
  });
});

describe('openTable: encodings', () => {
  const text =
    '用户号码,所属网格,网格经理\r\n13800001234,东城一网格,张伟\r\n13900005678,"西城,二网格",李娜\r\n';
  const expected = [
    ['13800001234', '东城一网格', '张伟'],
    ['13900005678', '西城,二网格', '李娜'],
  ];

  it('reads UTF-8 with and without a byte-order mark', async () => {
    for (const bytes of [Buffer.concat([bom, Buffer.from(text)]), Buffer.from(text)]) {
      const { table, rows } = await open(bytes);
      expect(table.encoding).toBe('utf-8');
      expect(table.headers[0]).toBe('用户号码'); // no BOM left in the first header
      expect(cellsOf(rows)).toEqual(expected);
    }
  });

  it('reads a GBK file (Excel on Chinese Windows) as GB18030', async () => {
    const { table, rows } = await open(iconv.encode(text, 'gbk'));
    expect(table.encoding).toBe('gb18030');
    expect(table.headers).toEqual(['用户号码', '所属网格', '网格经理']);
    expect(cellsOf(rows)).toEqual(expected);
  });

  it('reads GB18030 characters outside GBK (four-byte sequences)', async () => {
    const { rows } = await open(iconv.encode('姓名\r\n𠀀先生\r\n', 'gb18030'));
    expect(cellsOf(rows)).toEqual([['𠀀先生']]);
  });

  it('reads UTF-16 with a byte-order mark (Excel "Unicode text", tab-delimited)', async () => {
    const tsv = '用户号码\t网格\r\n13800001234\t东区\r\n';
    const { table, rows } = await open(
      Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(tsv, 'utf-16le')]),
    );
    expect(table).toMatchObject({ encoding: 'utf-16le', delimiter: '\t', headers: ['用户号码', '网格'] });
    expect(cellsOf(rows)).toEqual([['13800001234', '东区']]);
  });

  it('reads characters and CRLFs cut across chunks (one, two and three bytes at a time)', async () => {
    for (const [encoding, bytes] of [
      ['utf-8', Buffer.concat([bom, Buffer.from(text)])],
      ['gb18030', iconv.encode(text, 'gbk')],
    ] as const)
      for (const size of [1, 2, 3]) {
        const { table, rows } = await open(trickle(bytes, size));
        expect(table.encoding, `${encoding} in chunks of ${size}`).toBe(encoding);
        expect(cellsOf(rows), `${encoding} in chunks of ${size}`).toEqual(expected);
      }
  });

  it('refuses a GBK file said to be UTF-8, with the byte offset and line of the first bad byte', async () => {
    const gbk = iconv.encode(text, 'gbk');
    const error = await refusal(open(gbk, { encoding: 'utf-8' }));
    expect(error.code).toBe('imports.encoding');
    expect(error.details).toEqual({ encoding: 'utf-8', offset: 0, line: 1 });
  });

  it('refuses a file that turns out not to be UTF-8 past its first 64 KB, where the bad byte is', async () => {
    const head = 'phone,grid\n' + '13800001234,A\n'.repeat(6000); // 84,011 bytes of ASCII
    const bytes = Buffer.concat([Buffer.from(head), iconv.encode('13800001234,东区\n', 'gbk')]);
    for (const source of [bytes, trickle(bytes, 1000), trickle(bytes, 7)]) {
      // The error may come before the header is out: the file is read ahead of the rows.
      const error = await refusal(open(source));
      expect(error.code).toBe('imports.encoding');
      expect(error.details).toEqual({ encoding: 'utf-8', offset: Buffer.byteLength(head) + 12, line: 6002 });
    }
  });

  it('refuses a UTF-8 file said to be GB18030 when its bytes are not valid GB18030', async () => {
    // 用 in UTF-8 is E7 94 A8: E7 94 is a GB18030 pair, A8 then pairs with the LF; "\xff" is never valid.
    const bytes = Buffer.concat([Buffer.from('a,b\n1,2\n3,'), Buffer.from([0xff]), Buffer.from('\n')]);
    const error = await refusal(open(bytes, { encoding: 'gbk' }));
    expect(error.details).toEqual({ encoding: 'gb18030', offset: 10, line: 3 });
  });

  it('refuses a UTF-8 character cut off at the end of the file', async () => {
    const bytes = Buffer.concat([Buffer.from('a\n东\n'), Buffer.from('区').subarray(0, 2)]);
    const error = await refusal(open(bytes));
    expect(error.code).toBe('imports.encoding');
    expect(error.details).toMatchObject({ offset: 6 });
  });

  it('refuses a byte-order mark that contradicts the encoding given', async () => {
    const error = await refusal(open(Buffer.concat([bom, Buffer.from(text)]), { encoding: 'gbk' }));
    expect(error.code).toBe('imports.encoding');
  });
});

describe('openTable: what is not a table', () => {
  it('refuses a 0-byte file, from a buffer, a stream and a path', async () => {
    const file = path.join(dir, 'empty.csv');
    writeFileSync(file, '');
    for (const source of [Buffer.alloc(0), Readable.from([]), file])
      expect((await refusal(openTable({ source }))).code).toBe('imports.empty_file');
  });

  it('refuses a file with blank lines only, or only a byte-order mark, for want of a header', async () => {
    for (const bytes of [Buffer.from('\r\n\r\n,,\r\n'), bom])
      expect((await refusal(openTable({ source: bytes }))).code).toBe('imports.no_header');
  });

  it.each([
    ['PDF', Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n', 'latin1')],
    ['PNG', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])],
    ['XLS', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0])],
    [
      'ZIP',
      Buffer.from(zipSync({ 'readme.txt': Buffer.from('hello'), 'data/a.csv': Buffer.from('a,b\n1,2\n') })),
    ],
    [
      'DOCX',
      Buffer.from(
        zipSync({ '[Content_Types].xml': Buffer.from('<Types/>'), 'word/document.xml': Buffer.from('<w/>') }),
      ),
    ],
    ['HTML', Buffer.from('<html><body><table><tr><td>用户号码</td></tr></table></body></html>')],
    ['binary', Buffer.from([0x01, 0x02, 0x03, 0x00, 0x41, 0x42])],
  ])('refuses a %s file, saying what it looks like', async (looksLike, bytes) => {
    const error = await refusal(openTable({ source: bytes }));
    expect(error.code).toBe('imports.unsupported_format');
    expect(error.details).toEqual({ looksLike });
  });

  it('refuses a file of the other format than the one expected', async () => {
    const error = await refusal(openTable({ source: Buffer.from('a,b\n1,2\n'), format: 'xlsx' }));
    expect(error).toMatchObject({ code: 'imports.unsupported_format', details: { looksLike: 'CSV' } });
  });
});

/** An .xlsx file of telecom arrears as a user would make it in Excel. */
const arrearsWorkbook = async () => {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('欠费清单');
  sheet.addRow(['用户号码', '所属网格', '欠费金额(元)', '拆机日期', '拆机时间', '已催缴', '备注']);
  sheet.addRow([
    13800001234,
    '东城一网格',
    1234.5,
    new Date(Date.UTC(2026, 9, 1)),
    new Date(Date.UTC(2026, 9, 1, 8, 30, 15)),
    true,
    null,
  ]);
  sheet.addRow([
    '13900005678',
    { richText: [{ text: '西城' }, { text: '二网格', font: { bold: true } }] },
    { formula: 'C2*2', result: 2469 },
    46296,
    null,
    false,
    '第二行',
  ]);
  sheet.addRow([]); // a blank row: skipped, its number kept
  sheet.addRow(['13700000000', '南区', 1e21, null, null, null, { error: '#N/A' }]);
  sheet.addRow(['13600000000', '北区', 0.0000001, null, null, null, null, '表头外的值']);
  sheet.getCell('D2').numFmt = 'yyyy-mm-dd';
  sheet.getCell('E2').numFmt = 'yyyy-mm-dd hh:mm:ss';
  const other = workbook.addWorksheet('说明');
  other.addRow(['这一页不是数据']);
  return Buffer.from(await workbook.xlsx.writeBuffer());
};

describe('openTable: XLSX', () => {
  it('reads the first worksheet: strings, numbers in plain decimals, dates as ISO, rich text flattened', async () => {
    const { table, rows } = await open(await arrearsWorkbook());
    expect(table).toMatchObject({ format: 'xlsx', encoding: null, delimiter: null, date1904: false });
    expect(table.headers).toEqual([
      '用户号码',
      '所属网格',
      '欠费金额(元)',
      '拆机日期',
      '拆机时间',
      '已催缴',
      '备注',
    ]);
    expect(rows.map((r) => r.row)).toEqual([2, 3, 5, 6]);
    expect(rows[0]!.cells).toEqual([
      '13800001234',
      '东城一网格',
      '1234.5',
      '2026-10-01',
      '2026-10-01T08:30:15',
      'TRUE',
      '',
    ]);
    expect(rows[0]!.problems).toBeUndefined();
    expect([...rows[0]!.numberCells!]).toEqual([0, 2]);
    expect(rows[1]!.cells).toEqual(['13900005678', '西城二网格', '', '46296', '', 'FALSE', '第二行']);
    expect(rows[2]!.cells[2]).toBe('1000000000000000000000');
    expect(rows[3]!.cells[2]).toBe('0.0000001');
  });

  it('never evaluates a formula nor trusts its cached result: the cell is empty, the row has a problem', async () => {
    const { rows } = await open(await arrearsWorkbook());
    expect(rows[1]!.cells[2]).toBe('');
    expect(rows[1]!.problems).toEqual([expect.objectContaining({ code: 'formula', column: 2 })]);
    expect(rows[1]!.problems![0]!.whyZh).toContain('公式');
  });

  it('reports an error value and a value past the header as problems of their rows', async () => {
    const { rows } = await open(await arrearsWorkbook());
    expect(rows[2]!.problems).toEqual([expect.objectContaining({ code: 'cell_error', column: 6 })]);
    expect(rows[2]!.problems![0]!.why).toContain('#N/A');
    expect(rows[3]!.problems).toEqual([expect.objectContaining({ code: 'ragged' })]);
    expect(rows[3]!.cells).toHaveLength(8);
  });

  it('reads from a path and a stream as from a buffer', async () => {
    const bytes = await arrearsWorkbook();
    const file = path.join(dir, 'arrears.xlsx');
    writeFileSync(file, bytes);
    for (const source of [file, trickle(bytes, 4096)]) {
      const { table, rows } = await open(source);
      expect(table.headers[0]).toBe('用户号码');
      expect(rows).toHaveLength(4);
    }
  });

  it('takes the header below a title row, and refuses a sheet without one', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('s');
    sheet.addRow(['2026年10月欠费清单']);
    sheet.addRow(['用户号码', '网格']);
    sheet.addRow(['13800001234', 'G1']);
    const bytes = Buffer.from(await workbook.xlsx.writeBuffer());
    const { table, rows } = await open(bytes, { headerRow: 2 });
    expect(table.headers).toEqual(['用户号码', '网格']);
    expect(rows).toEqual([{ row: 3, cells: ['13800001234', 'G1'] }]);

    const blank = new ExcelJS.Workbook();
    blank.addWorksheet('empty');
    const error = await refusal(openTable({ source: Buffer.from(await blank.xlsx.writeBuffer()) }));
    expect(error.code).toBe('imports.no_header');
  });

  it('says when the workbook counts dates from 1904, and still reads its date cells right', async () => {
    const workbook = new ExcelJS.Workbook();
    workbook.properties.date1904 = true;
    const sheet = workbook.addWorksheet('s');
    sheet.addRow(['拆机日期', '序号']);
    sheet.addRow([new Date(Date.UTC(2026, 9, 1)), 44835]);
    sheet.getCell('A2').numFmt = 'yyyy-mm-dd';
    const { table, rows } = await open(Buffer.from(await workbook.xlsx.writeBuffer()));
    expect(table.date1904).toBe(true);
    expect(rows[0]!.cells).toEqual(['2026-10-01', '44835']);
  });

  it('refuses a workbook cut short, wherever the cut is, instead of waiting for the rest', async () => {
    const bytes = await arrearsWorkbook();
    for (const cut of [0.3, 0.6, 0.95, 0.999]) {
      // Our check of the zip's end, or the unzipper's own (FILE_ENDED), whichever sees it first.
      const error = await refusal(open(bytes.subarray(0, Math.floor(bytes.length * cut))));
      expect(error.code, `cut at ${cut}`).toBe('imports.xlsx_unreadable');
      expect(error.details.reason).toMatch(/cut short|FILE_ENDED/);
    }
  });

  it('stops reading and closes the file when the reader breaks off early', async () => {
    const bytes = await arrearsWorkbook();
    const stream = Readable.from([bytes]);
    const table = await openTable({ source: stream });
    for await (const row of table.rows) {
      expect(row.row).toBe(2);
      break;
    }
    await new Promise((resolve) => setImmediate(resolve));
    expect(stream.destroyed).toBe(true);
  });
});

describe('openTable: memory', () => {
  /** 300,000 rows of some 100 bytes, made as they are read: 30 MB that never exist at once. */
  const generated = (count: number) =>
    Readable.from(
      (function* () {
        yield '用户号码,所属网格,网格经理,产品类型,欠费金额(元),拆机日期,备注\r\n';
        for (let i = 0; i < count; i += 1000) {
          let chunk = '';
          for (let k = i; k < i + 1000 && k < count; k++)
            chunk += `1380${String(k).padStart(7, '0')},WG-${k % 500},经理${k % 300},宽带,"${(k % 9000) + 1000}.50",2026-10-01,"备注, 第 ${k} 行"\r\n`;
          yield Buffer.from(chunk);
        }
      })(),
    );

  it('reads a 300,000-row stream with the right count and rows, without holding them', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    const before = process.memoryUsage().heapUsed;
    let count = 0;
    let peak = 0;
    let last: TableRow | undefined;
    const table = await openTable({ source: generated(300_000) });
    for await (const row of table.rows) {
      count++;
      last = row;
      if (count % 50_000 === 0) {
        gc();
        peak = Math.max(peak, process.memoryUsage().heapUsed - before);
      }
    }
    expect(count).toBe(300_000);
    expect(last).toEqual({
      row: 300_001,
      cells: ['13800299999', 'WG-499', '经理299', '宽带', '3999.50', '2026-10-01', '备注, 第 299999 行'],
    });
    // The rows together are over 100 MB as strings in the heap; a reader that kept them would fail.
    expect(peak).toBeLessThan(60 * 1024 * 1024);
  });
});
