import ExcelJS from 'exceljs';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { Block } from './report-document.js';
import { hostile, hostileReport, sampleReport } from './sample-report.fixture.js';
import { renderXlsx, sheetName } from './xlsx-render.js';

const load = async (buffer: Buffer) => {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
  return workbook;
};

const table = (caption: string | undefined, rows = 1): Block => ({
  type: 'table',
  caption,
  columns: [{ key: 'a', title: 'A' }],
  rows: Array.from({ length: rows }, (_, i) => ({ a: i })),
});

describe('renderXlsx', () => {
  it('writes each table to its own sheet with a bold frozen header and formatted numbers', async () => {
    const buffer = await renderXlsx({ document: sampleReport() });
    const workbook = await load(buffer);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['表1 分网格激活情况']);
    const sheet = workbook.worksheets[0] as ExcelJS.Worksheet;
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual([
      '网格',
      '网格经理',
      '派单数',
      '已反馈',
      '反馈率',
      '激活',
      '激活率',
    ]);
    expect(sheet.getCell('A1').font?.bold).toBe(true);
    expect(sheet.getCell('G1').font?.bold).toBe(true);
    expect(sheet.getCell('A2').font?.bold).toBeFalsy();
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.rowCount).toBe(4);

    // Numbers stay numbers, with Excel formats: the reader can sum and sort.
    expect(sheet.getCell('C4').value).toBe(1234);
    expect(sheet.getCell('C4').numFmt).toBe('#,##0');
    expect(sheet.getCell('G2').value).toBe(0.25);
    expect(sheet.getCell('G2').numFmt).toBe('0.0%');
    expect(sheet.getCell('E3').numFmt).toBe('0.0%');
    expect(sheet.getCell('A2').value).toBe('城东网格');

    // The highlighted row (城西网格) is red on a light fill; the others are not.
    expect(sheet.getCell('A3').font?.color?.argb).toBe('FFC00000');
    expect(sheet.getCell('G3').fill).toMatchObject({ type: 'pattern', fgColor: { argb: 'FFFBE4E4' } });
    expect(sheet.getCell('G3').numFmt).toBe('0.0%');
    expect(sheet.getCell('A4').font?.color).toBeUndefined();

    // Widths fit the content: 开发区网格 is 10 columns wide, 派单数 6.
    expect(sheet.getColumn(1).width).toBe(12);
    expect(sheet.getColumn(3).width).toBe(8);
  });

  it('names sheets validly and uniquely', async () => {
    const long = '一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三';
    const doc = sampleReport({
      blocks: [table(long), table(long), table(undefined), table('a/b:c'), table('History')],
    });
    const names = (await load(await renderXlsx({ document: doc }))).worksheets.map((s) => s.name);
    expect(names).toHaveLength(5);
    for (const name of names) {
      expect([...name].length).toBeLessThanOrEqual(31);
      expect(name).not.toMatch(/[[\]:*?/\\]/);
    }
    expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(5);
    expect(names[0]).toBe(`表1 ${long}`.slice(0, 31));
    expect(names[1]).toMatch(/^表2 一二三.*$/);
    expect(names[2]).toBe('表3');
    expect(names[3]).toBe('表3 a_b_c');
  });

  it('dedupes sheet names ignoring case, within 31 characters', () => {
    const taken = new Set<string>();
    expect(sheetName('Data', taken, 'x')).toBe('Data');
    expect(sheetName('data', taken, 'x')).toBe('data(2)');
    expect(sheetName('DATA', taken, 'x')).toBe('DATA(3)');
    const long = 'x'.repeat(40);
    expect(sheetName(long, taken, 'y')).toBe('x'.repeat(31));
    expect(sheetName(long, taken, 'y')).toBe(`${'x'.repeat(28)}(2)`);
    expect(sheetName("'[]'", taken, '表1')).toBe('__');
    expect(sheetName('   ', taken, '表1')).toBe('表1');
    expect(sheetName('history', taken, '表1')).toBe('history_');
  });

  it('writes formula-looking strings as text, never as formulas', async () => {
    const buffer = await renderXlsx({ document: hostileReport() });
    const files = unzipSync(buffer);
    const sheets = Object.keys(files).filter((f) => /^xl\/worksheets\/sheet\d+\.xml$/.test(f));
    expect(sheets).toHaveLength(1);
    for (const file of sheets) expect(strFromU8(files[file] ?? new Uint8Array())).not.toMatch(/<f[ >]/);

    const sheet = (await load(buffer)).worksheets[0] as ExcelJS.Worksheet;
    expect(sheet.name).toBe('表1 表_名_含_非法_字符_1_');
    const column = sheet.getColumn(1).values.slice(2);
    expect(column).toEqual([
      hostile.script,
      hostile.formula,
      hostile.plus,
      hostile.minus,
      hostile.at,
      '多行\n文本a|b',
    ]);
    for (const row of [3, 4, 5, 6]) {
      expect(typeof sheet.getCell(row, 1).value).toBe('string');
      expect(sheet.getCell(row, 1).numFmt).toBe('@'); // editing the cell in Excel keeps it text
    }
    expect(sheet.getCell(2, 1).numFmt).not.toBe('@');
    expect(sheet.getCell(4, 2).value).toBeNull();
    expect(sheet.getCell(5, 2).value).toBe(-4);
  });

  it('writes a note sheet when the report has no table (Excel refuses an empty workbook)', async () => {
    const workbook = await load(await renderXlsx({ document: sampleReport({ blocks: [] }) }));
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['说明']);
  });
});
