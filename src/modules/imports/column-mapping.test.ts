import { describe, expect, it } from 'vitest';
import type { MappingField } from './column-mapping.js';
import {
  applyMapping,
  guessMapping,
  normaliseHeader,
  resolveMapping,
  savedMappingOf,
} from './column-mapping.js';

/** The fields of an arrears target, as an import target would declare them. */
const fields: MappingField[] = [
  {
    key: 'phone',
    labels: ['用户号码', '手机号码', '服务号码', 'phone', 'phone number', 'msisdn'],
    required: true,
  },
  { key: 'grid', labels: ['网格', '所属网格', '网格编码', 'grid', 'grid code'], required: true },
  { key: 'manager', labels: ['网格经理', '客户经理', 'manager', 'grid manager'] },
  { key: 'amount', labels: ['欠费金额', '欠费', 'arrears', 'amount'], required: true },
  { key: 'disconnectedOn', labels: ['拆机日期', '拆机时间', 'disconnection date'] },
  { key: 'product', labels: ['产品类型', '产品', 'product', 'product line'] },
  { key: 'unit', labels: ['单元编码', 'unit code'], required: true },
];

describe('normaliseHeader', () => {
  it('folds width and case, drops spaces, punctuation and a trailing unit in brackets', () => {
    expect(normaliseHeader('欠费金额(元)')).toBe('欠费金额');
    expect(normaliseHeader(' 欠费金额（元） ')).toBe('欠费金额');
    expect(normaliseHeader('金额【万元】')).toBe('金额');
    expect(normaliseHeader('Ｇｒｉｄ　Ｃｏｄｅ')).toBe('gridcode');
    expect(normaliseHeader('Phone-Number:')).toBe('phonenumber');
    expect(normaliseHeader('用户号码１')).toBe('用户号码1');
  });

  it('keeps the content of a header that is all brackets', () => {
    expect(normaliseHeader('(备注)')).toBe('备注');
  });
});

describe('guessMapping', () => {
  it('maps the Chinese headers of a telecom export, and says what is left over and missing', () => {
    const headers = ['序号', '用户号码', '所属网格', '网格经理', '欠费金额(元)', '拆机日期', '产品类型'];
    expect(guessMapping({ headers, fields })).toEqual({
      mapping: { phone: 1, grid: 2, manager: 3, amount: 4, disconnectedOn: 5, product: 6 },
      unmatchedHeaders: ['序号'],
      missingRequired: ['unit'],
    });
  });

  it('maps English headers in any case and spacing', () => {
    const headers = [
      'Phone Number',
      'GRID CODE',
      'Grid Manager',
      'Arrears (CNY)',
      'Product line',
      'Unit_Code',
    ];
    expect(guessMapping({ headers, fields }).mapping).toEqual({
      phone: 0,
      grid: 1,
      manager: 2,
      amount: 3,
      product: 4,
      unit: 5,
    });
  });

  it('matches by containment when nothing matches exactly, the longest match winning', () => {
    const { mapping, unmatchedHeaders } = guessMapping({
      headers: ['用户号码（脱敏）', '网格经理姓名', '所属网格名称', '本月欠费金额合计'],
      fields,
    });
    // 网格经理姓名 holds 网格 (2) and 网格经理 (4): the manager's label is longer.
    expect(mapping).toEqual({ phone: 0, manager: 1, grid: 2, amount: 3 });
    expect(unmatchedHeaders).toEqual([]);
  });

  it('prefers an exact match to a containing one, and never puts two fields on one column', () => {
    const { mapping } = guessMapping({ headers: ['网格经理', '网格'], fields });
    expect(mapping).toEqual({ manager: 0, grid: 1 });
    const single = guessMapping({ headers: ['网格经理'], fields });
    expect(single.mapping).toEqual({ manager: 0 });
    expect(single.missingRequired).toContain('grid');
  });

  it('does not find a short Latin label inside a longer word', () => {
    const { mapping } = guessMapping({
      headers: ['grids'],
      fields: [{ key: 'id', labels: ['id'] }],
    });
    expect(mapping).toEqual({});
  });

  it('takes the first of two columns with the same header', () => {
    const { mapping, unmatchedHeaders } = guessMapping({ headers: ['用户号码', '用户号码'], fields });
    expect(mapping).toEqual({ phone: 0 });
    expect(unmatchedHeaders).toEqual(['用户号码']);
  });
});

describe('resolveMapping', () => {
  const headers = ['用户号码', '所属网格', '欠费金额（元）'];

  it('finds the saved columns by header wherever they moved, or by index', () => {
    const saved = { phone: '用户号码', grid: 1, amount: '欠费金额(元)', removedField: '备注' };
    expect(resolveMapping({ saved, headers: ['欠费金额(元)', '用户号码', '所属网格'], fields })).toEqual({
      mapping: { phone: 1, grid: 1, amount: 0 },
      unmatchedHeaders: ['所属网格'],
      missingRequired: ['unit'],
    });
  });

  it('refuses a saved mapping that names a column the file does not have', () => {
    expect(() => resolveMapping({ saved: { phone: '手机号' }, headers, fields })).toThrow(
      expect.objectContaining({
        code: 'imports.mapping_invalid',
        details: { field: 'phone', column: '手机号' },
      }),
    );
    expect(() => resolveMapping({ saved: { grid: 3 }, headers, fields })).toThrow(
      expect.objectContaining({ details: { field: 'grid', column: '#4' } }),
    );
  });

  it('round-trips a guessed mapping through its saved form', () => {
    const { mapping } = guessMapping({ headers, fields });
    const saved = savedMappingOf(mapping, headers);
    expect(saved).toEqual({ phone: '用户号码', grid: '所属网格', amount: '欠费金额（元）' });
    expect(resolveMapping({ saved, headers, fields }).mapping).toEqual(mapping);
  });
});

describe('applyMapping', () => {
  it('gives the cells by field key, empty for a cell the row lacks', () => {
    expect(applyMapping({ phone: 1, grid: 0, amount: 5 }, ['G1', '13800001234'])).toEqual({
      phone: '13800001234',
      grid: 'G1',
      amount: '',
    });
  });
});
