import { describe, expect, it } from 'vitest';
import type { Block } from './report-document.js';
import {
  chineseNumeral,
  numberCaptions,
  numberHeadings,
  parseReportDocument,
  ZChartSpec,
  ZTableBlock,
} from './report-document.js';
import { sampleReport } from './sample-report.fixture.js';

const h = (level: 1 | 2 | 3, text = 't', numbered?: boolean): Block => ({
  type: 'heading',
  level,
  text,
  numbered,
});
const p: Block = { type: 'paragraph', text: 'x' };

describe('chineseNumeral', () => {
  it.each([
    [1, '一'],
    [9, '九'],
    [10, '十'],
    [11, '十一'],
    [19, '十九'],
    [20, '二十'],
    [21, '二十一'],
    [99, '九十九'],
    [100, '一百'],
    [101, '一百零一'],
    [110, '一百一十'],
    [115, '一百一十五'],
    [999, '九百九十九'],
  ])('%i → %s', (n, text) => expect(chineseNumeral(n)).toBe(text));

  it('refuses what it cannot write', () => {
    for (const n of [0, -1, 1.5, 1000]) expect(() => chineseNumeral(n)).toThrow(RangeError);
  });
});

describe('numberHeadings', () => {
  it('numbers levels 一、 （一） 1. and restarts each under its parent', () => {
    const blocks = [h(1), h(2), h(3), p, h(3), h(2), h(3), h(1), h(3), h(2), h(1)];
    expect(numberHeadings(blocks)).toEqual([
      '一、',
      '（一）',
      '1.',
      null,
      '2.',
      '（二）',
      '1.',
      '二、',
      '1.', // a level 3 straight under a level 1 starts at 1 too
      '（一）',
      '三、',
    ]);
  });

  it('counts past ten the Chinese way', () => {
    const labels = numberHeadings(Array.from({ length: 12 }, () => h(1)));
    expect(labels.slice(9)).toEqual(['十、', '十一、', '十二、']);
    const sub = numberHeadings([h(1), ...Array.from({ length: 11 }, () => h(2))]);
    expect(sub.at(-1)).toBe('（十一）');
  });

  it('leaves unnumbered headings out of the count', () => {
    expect(numberHeadings([h(1, '导语', false), h(1), h(2, '附', false), h(2), h(1)])).toEqual([
      null,
      '一、',
      null,
      '（一）',
      '二、',
    ]);
  });

  it('numbers the sample report as its outline does', () => {
    const doc = sampleReport();
    const labelled = numberHeadings(doc.blocks).flatMap((label, i) => {
      const block = doc.blocks[i];
      return label && block?.type === 'heading' ? [`${label}${block.text}`] : [];
    });
    expect(labelled).toEqual([
      '一、欠费拆机存在的主要问题',
      '二、欠费拆机主要原因分析',
      '（一）宽带欠费拆机主要原因',
      '1.联系不上',
      '2.转入异网',
      '（二）移动欠费拆机主要原因',
      '三、分网格、分网格经理情况',
    ]);
  });
});

describe('numberCaptions', () => {
  it('counts captioned tables and charts separately and skips uncaptioned ones', () => {
    const table = (caption?: string): Block => ({
      type: 'table',
      caption,
      columns: [{ key: 'a', title: 'A' }],
      rows: [],
    });
    const chart = (caption?: string): Block => ({
      type: 'chart',
      caption,
      spec: { kind: 'bar', categories: ['x'], series: [{ name: 's', values: [1] }] },
    });
    expect(numberCaptions([chart('a'), table('b'), table(), chart(), chart('c'), table('d'), p])).toEqual([
      '图1',
      '表1',
      null,
      null,
      '图2',
      '表2',
      null,
    ]);
  });
});

describe('schemas', () => {
  it('accepts the sample report', () => {
    expect(parseReportDocument(sampleReport()).blocks).toHaveLength(sampleReport().blocks.length);
  });

  it('refuses a series whose length differs from the categories', () => {
    const result = ZChartSpec.safeParse({
      kind: 'bar',
      categories: ['a', 'b'],
      series: [{ name: 's', values: [1] }],
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['series', 0, 'values']);
  });

  it('gives pie and pareto charts exactly one non-negative series', () => {
    const two = [
      { name: 'a', values: [1] },
      { name: 'b', values: [2] },
    ];
    expect(ZChartSpec.safeParse({ kind: 'pie', categories: ['x'], series: two }).success).toBe(false);
    expect(ZChartSpec.safeParse({ kind: 'pareto', categories: ['x'], series: two }).success).toBe(false);
    expect(
      ZChartSpec.safeParse({ kind: 'pareto', categories: ['x'], series: [{ name: 'a', values: [-1] }] })
        .success,
    ).toBe(false);
    expect(ZChartSpec.safeParse({ kind: 'bar', categories: ['x'], series: two }).success).toBe(true);
  });

  it('refuses highlighted rows that do not exist and duplicate column keys', () => {
    const table = { type: 'table', columns: [{ key: 'a', title: 'A' }], rows: [{ a: 1 }] };
    expect(ZTableBlock.safeParse({ ...table, highlightRows: [0] }).success).toBe(true);
    expect(ZTableBlock.safeParse({ ...table, highlightRows: [1] }).success).toBe(false);
    expect(
      ZTableBlock.safeParse({
        ...table,
        columns: [
          { key: 'a', title: 'A' },
          { key: 'a', title: 'B' },
        ],
      }).success,
    ).toBe(false);
  });

  it('wants either text or runs in a paragraph, and an ISO time with offset', () => {
    const base = sampleReport();
    expect(() => parseReportDocument({ ...base, blocks: [{ type: 'paragraph' }] })).toThrow();
    expect(() =>
      parseReportDocument({ ...base, blocks: [{ type: 'paragraph', text: 'a', runs: [{ text: 'b' }] }] }),
    ).toThrow();
    expect(() => parseReportDocument({ ...base, generatedAt: '2026-07-01 08:00' })).toThrow();
  });
});
