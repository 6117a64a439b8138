import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Converted } from './cell-convert.js';
import {
  convertBoolean,
  convertCell,
  convertDate,
  convertDateTime,
  convertDecimal,
  convertEnum,
  convertInteger,
  convertText,
  excelSerialOf,
} from './cell-convert.js';
import { cellConverter } from './cell-fast-convert.js';

const valueOf = <T>(result: Converted<T>): T => {
  if (!result.ok) throw new Error(`refused: ${result.why}`);
  return result.value;
};
const whyOf = (result: Converted<unknown>): string => {
  if (result.ok) throw new Error(`accepted: ${JSON.stringify(result.value)}`);
  expect(result.whyZh.length).toBeGreaterThan(0);
  return result.why;
};

describe('convertText', () => {
  it('trims and limits the length in characters, not UTF-16 units', () => {
    expect(valueOf(convertText('  张伟 '))).toBe('张伟');
    expect(valueOf(convertText('𠀀𠀀', { maxLength: 2 }))).toBe('𠀀𠀀');
    expect(whyOf(convertText('abc', { maxLength: 2 }))).toBe('longer than 2 characters (3)');
  });
});

describe('convertDecimal', () => {
  it.each([
    ['1,234.50', '1234.5'],
    ['1 234', '1234'],
    ['１２３', '123'],
    ['１，２３４．５', '1234.5'],
    ['¥1,234.50', '1234.5'],
    ['￥ 88', '88'],
    ['RMB 1,000', '1000'],
    ['1234.5元', '1234.5'],
    ['-¥12.30', '-12.3'],
    ['¥-12.30', '-12.3'],
    ['+007', '7'],
    ['.5', '0.5'],
    ['-0.00', '0'],
    ['12345678901234567890.123456789', '12345678901234567890.123456789'],
  ])('reads %j as %s', (text, value) => {
    expect(valueOf(convertDecimal(text))).toBe(value);
  });

  it.each([
    ['1,23,4'],
    ['12,34'],
    ['1,234 567'],
    ['12abc'],
    ['1.2.3'],
    ['1e5'],
    ['--1'],
    ['元'],
    ['¥'],
    ['1,234,'],
  ])('refuses %j', (text) => {
    expect(whyOf(convertDecimal(text))).toMatch(/not a number|thousands separators/);
  });

  it('says why a misplaced separator is wrong', () => {
    expect(whyOf(convertDecimal('1,23,4'))).toBe(
      'thousands separators must group three digits, as in 1,234,567',
    );
  });

  it('refuses more decimals than the scale rather than rounding', () => {
    expect(valueOf(convertDecimal('1.20', { scale: 1 }))).toBe('1.2');
    expect(whyOf(convertDecimal('1.25', { scale: 1 }))).toBe('more than 1 decimal places');
  });

  it('reads back any decimal however it is written (separators, width, currency)', () => {
    const digits = (min: number, max: number) =>
      fc.array(fc.integer({ min: 0, max: 9 }), { minLength: min, maxLength: max }).map((d) => d.join(''));
    const toFullWidth = (s: string) =>
      s.replace(/[0-9.,]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
    fc.assert(
      fc.property(
        fc.boolean(),
        digits(1, 15),
        digits(0, 6),
        fc.constantFrom('', ',', ' '),
        fc.constantFrom('', '¥', '￥', 'RMB '),
        fc.constantFrom('', '元'),
        fc.boolean(),
        (negative, whole, fraction, separator, currency, yuan, fullWidth) => {
          const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, separator);
          let text = `${negative ? '-' : ''}${currency}${grouped}${fraction ? `.${fraction}` : ''}${yuan}`;
          if (fullWidth) text = toFullWidth(text);
          // The expected value, worked out with BigInt arithmetic rather than the same string code.
          const scaled = BigInt(whole + fraction.padEnd(6, '0')) * (negative ? -1n : 1n);
          const value = valueOf(convertDecimal(text));
          const [w, f = ''] = value.split('.');
          expect(BigInt(w!.replace('-', '') + f.padEnd(6, '0')) * (value.startsWith('-') ? -1n : 1n)).toBe(
            scaled,
          );
          expect(value).not.toMatch(/^-?0\d|\.\d*0$|^-0$/); // canonical: no padding zeros, no -0
        },
      ),
    );
  });
});

describe('convertInteger', () => {
  it('reads whole numbers, with separators and a zero fraction', () => {
    expect(valueOf(convertInteger('1,234'))).toBe(1234);
    expect(valueOf(convertInteger('12.00'))).toBe(12);
    expect(valueOf(convertInteger('－５'))).toBe(-5);
  });

  it('refuses fractions, unsafe sizes and values out of range', () => {
    expect(whyOf(convertInteger('12.5'))).toBe('not a whole number');
    expect(whyOf(convertInteger('9007199254740993'))).toBe('too large a number');
    expect(whyOf(convertInteger('0', { min: 1 }))).toBe('less than 1');
    expect(whyOf(convertInteger('101', { max: 100 }))).toBe('greater than 100');
  });
});

describe('convertDate', () => {
  it.each([
    ['2026-10-01', '2026-10-01'],
    ['2026/10/1', '2026-10-01'],
    ['2026.10.01', '2026-10-01'],
    ['20261001', '2026-10-01'],
    ['2026年10月1日', '2026-10-01'],
    ['2026 年 1 月 5 号', '2026-01-05'],
    ['２０２６－１０－０１', '2026-10-01'],
    ['2026-10-01 00:00:00', '2026-10-01'],
    ['2026-10-01T00:00', '2026-10-01'],
    ['2024-02-29', '2024-02-29'],
  ])('reads %j', (text, value) => {
    expect(valueOf(convertDate(text))).toBe(value);
  });

  it('refuses day-first and month-first forms as ambiguous, saying so', () => {
    for (const text of ['10/01/2026', '1/10/2026', '01-10-26', '13.01.2026'])
      expect(whyOf(convertDate(text))).toContain('ambiguous');
  });

  it.each([
    ['2026-02-29', 'not a date of the calendar'],
    ['2026-13-01', 'not a date of the calendar'],
    ['2026-10/01', 'not a date'],
    ['2026-10-01 08:30', 'has a time of day'],
    ['yesterday', 'not a date'],
  ])('refuses %j', (text, why) => {
    expect(whyOf(convertDate(text))).toContain(why);
  });

  it('reads an Excel serial only from a number cell of an .xlsx file', () => {
    expect(whyOf(convertDate('46296'))).toContain('only in an Excel date cell');
    expect(valueOf(convertDate('46296', { excelSerial: 'excel1900' }))).toBe('2026-10-01');
    expect(valueOf(convertDate('44835', { excelSerial: 'excel1904' }))).toBe('2026-10-02');
    // Before Lotus's 29 February 1900 the 1900 system is a day off from the rest.
    expect(valueOf(convertDate('1', { excelSerial: 'excel1900' }))).toBe('1900-01-01');
    expect(valueOf(convertDate('61', { excelSerial: 'excel1900' }))).toBe('1900-03-01');
    expect(whyOf(convertDate('60', { excelSerial: 'excel1900' }))).toContain('not an Excel date');
    // An eight-digit number is too large for a serial: it is yyyymmdd.
    expect(valueOf(convertDate('20261001', { excelSerial: 'excel1900' }))).toBe('2026-10-01');
  });

  it('tells which cells may be serials from the row', () => {
    const row = { row: 2, cells: ['46296', '46296'], numberCells: new Set([1]) };
    expect(excelSerialOf(row, 0, false)).toBeUndefined();
    expect(excelSerialOf(row, 1, false)).toBe('excel1900');
    expect(excelSerialOf(row, 1, true)).toBe('excel1904');
  });
});

describe('convertDateTime', () => {
  it('reads a wall clock in Asia/Shanghai unless an offset is given, to ISO UTC', () => {
    expect(valueOf(convertDateTime('2026-10-01 08:30'))).toBe('2026-10-01T00:30:00.000Z');
    expect(valueOf(convertDateTime('2026/10/1 8:30:15'))).toBe('2026-10-01T00:30:15.000Z');
    expect(valueOf(convertDateTime('2026年10月1日 08：30'))).toBe('2026-10-01T00:30:00.000Z');
    expect(valueOf(convertDateTime('2026-10-01T08:30:00'))).toBe('2026-10-01T00:30:00.000Z');
    expect(valueOf(convertDateTime('2026-10-01'))).toBe('2026-09-30T16:00:00.000Z');
    expect(valueOf(convertDateTime('2026-10-01T08:30:00Z'))).toBe('2026-10-01T08:30:00.000Z');
    expect(valueOf(convertDateTime('2026-10-01 08:30 +0100'))).toBe('2026-10-01T07:30:00.000Z');
    expect(valueOf(convertDateTime('2026-07-01 08:30', { timeZone: 'Europe/Berlin' }))).toBe(
      '2026-07-01T06:30:00.000Z',
    );
  });

  it('reads an Excel serial with a time of day', () => {
    expect(valueOf(convertDateTime('46296.5', { excelSerial: 'excel1900' }))).toBe(
      '2026-10-01T04:00:00.000Z',
    );
  });

  it('refuses times that are not times, and ambiguous dates', () => {
    expect(whyOf(convertDateTime('2026-10-01 24:00'))).toContain('not a time of day');
    expect(whyOf(convertDateTime('10/01/2026 08:30'))).toContain('ambiguous');
  });
});

describe('convertBoolean', () => {
  it('reads yes and no in Chinese and English, any case and width', () => {
    for (const yes of ['是', '有', 'Y', 'yes', 'TRUE', 'true', '1', '１'])
      expect(valueOf(convertBoolean(yes)), yes).toBe(true);
    for (const no of ['否', '无', 'n', 'No', 'FALSE', '0'])
      expect(valueOf(convertBoolean(no)), no).toBe(false);
    expect(whyOf(convertBoolean('maybe'))).toContain('not yes or no');
  });
});

describe('convertEnum', () => {
  const choices = [
    { key: 'broadband', labels: ['宽带', 'Broadband', 'FTTH'] },
    { key: 'mobile', labels: ['移动', '手机'] },
    { key: 'fixed', labels: ['固话'] },
  ];

  it('finds a choice by key or label, case-blind and width-folded', () => {
    expect(valueOf(convertEnum('宽带', { choices }))).toBe('broadband');
    expect(valueOf(convertEnum('ｆｔｔｈ', { choices }))).toBe('broadband');
    expect(valueOf(convertEnum('MOBILE', { choices }))).toBe('mobile');
    expect(valueOf(convertEnum(' 手机 ', { choices }))).toBe('mobile');
  });

  it('names the choices when the cell is none of them', () => {
    expect(whyOf(convertEnum('卫星', { choices }))).toBe('not one of: 宽带, 移动, 固话');
  });
});

describe('convertCell', () => {
  it('gives null for an empty cell of any type, and converts by type otherwise', () => {
    expect(convertCell('  ', { type: 'integer' })).toEqual({ ok: true, value: null });
    expect(convertCell('1,234.50', { type: 'decimal', scale: 2 })).toEqual({ ok: true, value: '1234.5' });
    expect(convertCell('46296', { type: 'date' }, { excelSerial: 'excel1900' })).toEqual({
      ok: true,
      value: '2026-10-01',
    });
    expect(convertCell('是', { type: 'boolean' })).toEqual({ ok: true, value: true });
    expect(convertCell('x', { type: 'enum', choices: [{ key: 'a' }] })).toMatchObject({ ok: false });
  });
});

describe('cellConverter', () => {
  const expectSame = (type: Parameters<typeof cellConverter>[0], text: string) => {
    const converted = convertCell(text, type);
    expect(cellConverter(type)(text), `${type.type} ${JSON.stringify(text)}`).toEqual(
      converted.ok ? converted.value : converted,
    );
  };

  it('gives what convertCell gives, on the plain forms it reads itself and on the others', () => {
    const cells = {
      text: ['张伟', ' 张伟 ', '\u3000张伟\u3000', '', '  ', 'abc', '𠀀𠀀', 'a\u00a0', '\ufeffa'],
      decimal: [
        ...['0', '-0', '007', '-007', '12', '-12', '1234.50', '1,234.50', '-1,234,567.00', '0.000', '-0.00'],
        ...['1,23,4', '12,34', '1234,567', '12,', ',123', '0,123', '00,123', '0,000', '1.', '.5', '-', '+5'],
        ...['1.2.3', '1e5', '12abc', ' 12 ', '¥12', '１２', '12元', '1 234', '99999999999999999999.1'],
      ],
      date: [
        ...[
          '2026-10-05',
          '2026/10/5',
          '2026.1.05',
          '2026年10月5日',
          '2026年1月5号',
          '2026年1月5',
          '2026-02-29',
        ],
        ...[
          '2024-02-29',
          '2026-13-01',
          '2026-00-10',
          '0999-01-01',
          '2026-1-1',
          '2026-10-05 00:00',
          '20261005',
        ],
        ...[
          '2026-10/05',
          '2026-100-1',
          '2026-1-100',
          '10/05/2026',
          ' 2026-10-05 ',
          '2026年 10月 5日',
          '2026年10-5',
        ],
      ],
      boolean: ['是', '否', 'Y', 'yes', ' 是 ', 'TRUE', 'Ｙ', 'maybe', '1', '0'],
    } as const;
    for (const text of cells.text) {
      expectSame({ type: 'text' }, text);
      expectSame({ type: 'text', maxLength: 2 }, text);
    }
    for (const text of cells.decimal) {
      expectSame({ type: 'decimal' }, text);
      expectSame({ type: 'decimal', scale: 1 }, text);
    }
    for (const text of cells.date) expectSame({ type: 'date' }, text);
    for (const text of cells.boolean) expectSame({ type: 'boolean' }, text);
  });

  it('gives what convertCell gives on any decimal written with ASCII digits, commas and a minus', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^-?[0-9,]{0,12}(\.[0-9]{0,4})?$/),
        fc.option(fc.integer({ min: 0, max: 3 })),
        (text, scale) => expectSame(scale === null ? { type: 'decimal' } : { type: 'decimal', scale }, text),
      ),
    );
  });
});
