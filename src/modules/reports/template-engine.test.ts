import { describe, expect, it } from 'vitest';
import type { ReportTemplateInput } from './report-template.schema.js';
import { ZReportTemplate } from './report-template.schema.js';
import { fillRuns, fillTemplate, formatText, holds, TemplateError } from './template-engine.js';

describe('report template engine', () => {
  it('formats figures as a Chinese report writes them', () => {
    expect(formatText(0.4812, 'percent1')).toBe('48.1%');
    expect(formatText(0.03, 'ppChange')).toBe('上升 3.0 个百分点');
    expect(formatText(-0.0149, 'ppChange')).toBe('下降 1.5 个百分点');
    expect(formatText(0.0004, 'ppChange')).toBe('持平');
    expect(formatText(-0.02, 'ppChangeEn')).toBe('down 2.0 points');
    expect(formatText(12345.6, 'integer')).toBe('12,346');
    expect(formatText(-3, 'signed')).toBe('−3');
    expect(formatText(null, 'percent1')).toBe('—');
  });

  it('fills placeholders, marks highlighted runs and refuses a path that leads nowhere', () => {
    const context = { total: { rate: 0.125, n: 8 } };
    expect(fillRuns('激活率 [[{total.rate|percent1}]]，共 {total.n} 户', context)).toEqual([
      { text: '激活率 ' },
      { text: '12.5%', highlight: true },
      { text: '，共 8 户' },
    ]);
    expect(() => fillRuns('{total.rat|percent1}', context)).toThrow(TemplateError);
    expect(() => fillRuns('{total.rat|percent1}', context)).toThrow(/total\.rat/);
  });

  it('evaluates conditions, comparing with other figures and never with missing ones', () => {
    const context = { a: 0.1, b: 0.2, none: null, list: [], key: 'unreachable' };
    expect(holds({ left: 'a', op: '<', right: { path: 'b' } }, context)).toBe(true);
    expect(holds({ left: 'none', op: '<', right: 1 }, context)).toBe(false);
    expect(holds({ left: 'missing', op: '>', right: 0 }, context)).toBe(false);
    expect(holds({ exists: 'list' }, context)).toBe(false);
    expect(holds({ left: 'key', op: '==', right: 'unreachable' }, context)).toBe(true);
    expect(holds({ all: [{ exists: 'a' }, { not: { left: 'a', op: '>', right: 0.5 } }] }, context)).toBe(
      true,
    );
    expect(holds({ any: [{ exists: 'none' }, { exists: 'list' }] }, context)).toBe(false);
  });

  it('turns a template and a context into a document: sections per element, triggered items, sorted tables, charts', () => {
    const input: ReportTemplateInput = {
      key: 'demo',
      name: '示例',
      nameEn: 'Demo',
      source: 'campaigns',
      title: '{unit}{period}分析',
      params: { target: 0.2 },
      blocks: [
        { type: 'heading', level: 1, text: '主要问题' },
        {
          type: 'bullets',
          items: [
            {
              when: { left: 'rate', op: '<', right: { path: 'params.target' } },
              text: '激活率 [[{rate|percent1}]] 低于目标',
            },
            { when: { left: 'rate', op: '>=', right: { path: 'params.target' } }, text: '达标' },
          ],
          each: {
            over: 'people',
            itemWhen: { left: 'item.pending', op: '>', right: 0 },
            text: '{item.name} 未反馈 {item.pending} 户',
          },
        },
        { type: 'bullets', items: [{ when: { exists: 'nothing' }, text: 'x' }], empty: '无' },
        { type: 'bullets', items: [{ when: { exists: 'nothing' }, text: 'x' }] },
        {
          type: 'each',
          over: 'lines',
          blocks: [
            { type: 'heading', level: 2, text: '{item.name}' },
            { type: 'paragraph', text: '{item.name}派单 {item.n} 户' },
          ],
        },
        {
          type: 'table',
          caption: '分人员',
          rows: 'people',
          sortBy: { value: 'item.rate', order: 'desc' },
          highlightWhen: { left: 'item.rate', op: '<', right: { path: 'params.target' } },
          columns: [
            { value: 'item.name', title: '人员' },
            { value: 'item.rate', title: '激活率', format: 'percent1' },
          ],
        },
        {
          type: 'chart',
          caption: '原因',
          kind: 'pareto',
          source: 'reasons',
          category: 'item.name',
          series: [{ name: '户数', value: 'item.count' }],
        },
        {
          type: 'chart',
          caption: '空',
          kind: 'bar',
          source: 'none',
          category: 'item.x',
          series: [{ name: 'y', value: 'item.y' }],
        },
      ],
    };
    const document = fillTemplate({
      template: ZReportTemplate.parse(input),
      generatedAt: '2026-11-02T09:00:00+08:00',
      context: {
        unit: '城东分公司',
        period: '2026年10月',
        rate: 0.125,
        lines: [
          { name: '宽带', n: 60 },
          { name: '移动', n: 40 },
        ],
        people: [
          { name: '李磊', pending: 0, rate: 0.3 },
          { name: '王芳', pending: 4, rate: 0.1 },
        ],
        reasons: [
          { name: '联系不上', count: 29 },
          { name: '无需求', count: 4 },
        ],
        none: [],
      },
    });
    expect(document.title).toBe('城东分公司2026年10月分析');
    expect(document.blocks.map((b) => b.type)).toEqual([
      'heading',
      'bullets',
      'paragraph', // the empty text of the second bullets; the third disappears
      'heading',
      'paragraph',
      'heading',
      'paragraph',
      'table',
      'chart', // the chart of an empty list disappears
    ]);
    expect(document.blocks[1]).toEqual({
      type: 'bullets',
      items: [
        [{ text: '激活率 ' }, { text: '12.5%', highlight: true }, { text: ' 低于目标' }],
        [{ text: '王芳 未反馈 4 户' }],
      ],
    });
    const table = document.blocks[7];
    expect(table).toMatchObject({
      type: 'table',
      caption: '分人员',
      rows: [
        { c0: '李磊', c1: 0.3 },
        { c0: '王芳', c1: 0.1 },
      ],
      highlightRows: [1],
    });
    expect(document.blocks[8]).toMatchObject({
      type: 'chart',
      spec: {
        kind: 'pareto',
        categories: ['联系不上', '无需求'],
        series: [{ name: '户数', values: [29, 4] }],
      },
    });
  });
});
