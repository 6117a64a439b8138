import { strFromU8, unzipSync } from 'fflate';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from '../../../test/helpers/dialects.js';
import { buildOrgTree, buildUser, grant, systemDeps } from '../../../test/helpers/factories.js';
import type { Actor } from '../../platform/access.js';
import { manualClock } from '../../platform/clock.js';
import type { Db } from '../../platform/db/database.js';
import { loadIndicatorValues } from '../indicators/indicator-load.service.js';
import { defineIndicator } from '../indicators/indicators.service.js';
import { indicatorDataKey } from './indicator-blocks.js';
import { indicatorBlockData } from './indicator-report-context.js';
import { renderHtml } from './render/html-render.js';
import { monthPeriod } from './report-period.js';
import type { ReportTemplateInput } from './report-template.schema.js';
import { ZReportTemplate } from './report-template.schema.js';
import { renderReport } from './reports.service.js';
import { fillTemplate } from './template-engine.js';
import { feeRecovery } from '../../../test/helpers/indicators.js';

/*
 * Indicator blocks in a report template: placed by key, filled from the indicators module for the
 * report's unit and month (as buildReportDocument composes them), rendered into docx and HTML.
 */

const template = (blocks: ReportTemplateInput['blocks']) =>
  ZReportTemplate.parse({
    key: 'indicator-test',
    name: '指标测试',
    nameEn: 'Indicator test',
    source: 'cases',
    title: '{unit.name}{period.year}年{period.month}月指标报告',
    blocks,
  });

describeEachDialect('indicator blocks in reports', (ctx) => {
  const clock = manualClock(new Date('2026-11-05T02:00:00Z'));
  let db: Db;
  let org: Awaited<ReturnType<typeof buildOrgTree>>;
  let head: Actor;
  const october = monthPeriod('2026-10');

  const documentOf = async (blocks: ReportTemplateInput['blocks'], unitId: number, unitName: string) => {
    const t = template(blocks);
    const deps = { db, clock, actor: head };
    const data = await indicatorBlockData({ template: t, unitId, unitName, period: october }, deps);
    return fillTemplate({
      template: t,
      context: { unit: { name: unitName }, period: october, [indicatorDataKey]: data },
      generatedAt: clock.now().toISOString(),
      unitName,
      periodLabel: october.label,
    });
  };

  beforeAll(async () => {
    db = ctx().db;
    org = await buildOrgTree(db);
    head = (await buildUser(db, [grant('manager', org.east.id)])).actor;
    const loader = (await buildUser(db, [grant('manager', org.company.id)])).actor;
    await defineIndicator(
      {
        definition: feeRecovery({ targets: [{ target: 0.98, warning: 0.95 }] }),
      },
      { ...systemDeps(db), clock },
    );
    await defineIndicator(
      {
        definition: {
          key: 'line_loss',
          name: '线损率',
          measure: { kind: 'value', unit: '%' },
          direction: 'lower_better',
          aggregation: 'max',
          grain: 'month',
          source: { kind: 'loaded' },
        },
      },
      { ...systemDeps(db), clock },
    );
    await loadIndicatorValues(
      {
        indicator: 'fee_recovery',
        rows: [
          { unit: org.eastGrid1.code, period: '2026-08', numerator: 97, denominator: 100 },
          { unit: org.eastGrid1.code, period: '2026-09', numerator: 99, denominator: 100 },
          { unit: org.eastGrid2.code, period: '2026-09', numerator: 96, denominator: 100 },
          { unit: org.eastGrid1.code, period: '2026-10', numerator: 90, denominator: 100 },
          { unit: org.eastGrid2.code, period: '2026-10', numerator: 97, denominator: 100 },
          // 城西: outside the report's unit, never in its tables.
          { unit: org.westGrid1.code, period: '2026-10', numerator: 1, denominator: 100 },
        ],
      },
      { db, clock, actor: loader },
    );
  });

  it('fills a table of the children over the periods with the target and status of the month', async () => {
    const document = await documentOf(
      [
        { type: 'heading', level: 1, text: '指标完成情况' },
        { type: 'indicatorTable', indicator: 'fee_recovery', units: 'children', periods: 2 },
        {
          type: 'indicatorTable',
          indicator: 'fee_recovery',
          units: 'unit',
          caption: '{unit.name}本月回收率',
        },
      ],
      org.east.id,
      '城东',
    );
    const [, table, own] = document.blocks;
    expect(table).toMatchObject({
      type: 'table',
      caption: '城东各下属单位电费回收率（2026-09—2026-10）',
      columns: [
        { key: 'unit', title: '单位' },
        { key: 'p0', title: '2026-09', format: 'percent1' },
        { key: 'p1', title: '2026-10', format: 'percent1' },
        { key: 'target', title: '目标', format: 'percent1' },
        { key: 'status', title: '状态' },
      ],
      rows: [
        { unit: '东一网格', p0: 0.99, p1: 0.9, target: 0.98, status: '× 未达标' },
        { unit: '东二网格', p0: 0.96, p1: 0.97, target: 0.98, status: '△ 预警' },
      ],
      highlightRows: [0],
    });
    // The unit's own roll-up for the month: (90 + 97) / 200.
    expect(own).toMatchObject({
      caption: '城东本月回收率',
      rows: [{ unit: '城东', p0: 0.935, target: 0.98, status: '× 未达标' }],
    });

    const files = unzipSync(new Uint8Array((await renderReport(document, 'docx')).content));
    const xml = strFromU8(files['word/document.xml']!);
    for (const text of [
      '城东各下属单位电费回收率',
      '东一网格',
      '99.0%',
      '90.0%',
      '97.0%',
      '98.0%',
      '× 未达标',
      '△ 预警',
    ])
      expect(xml).toContain(text);
    expect(xml).not.toContain('西一网格');
    const html = renderHtml({ document });
    for (const text of ['城东本月回收率', '93.5%', '× 未达标', '东二网格']) expect(html).toContain(text);
  });

  it('draws a chart of the unit over the periods, with the target line, in docx and HTML', async () => {
    const document = await documentOf(
      [
        { type: 'indicatorChart', indicator: 'fee_recovery', periods: 3 },
        {
          type: 'indicatorChart',
          indicator: 'fee_recovery',
          units: 'children',
          periods: 1,
          caption: '各网格对比',
        },
      ],
      org.east.id,
      '城东',
    );
    const [trend, compare] = document.blocks;
    expect(trend).toMatchObject({
      type: 'chart',
      caption: '城东电费回收率（2026-08—2026-10）',
      spec: {
        kind: 'line',
        categories: ['2026-08', '2026-09', '2026-10'],
        series: [{ name: '城东', values: [0.97, 195 / 200, 187 / 200] }],
        valueFormat: 'percent1',
        target: { label: '目标', value: 0.98 },
      },
    });
    expect(compare).toMatchObject({
      spec: {
        kind: 'bar',
        categories: ['东一网格', '东二网格'],
        series: [{ name: '电费回收率', values: [0.9, 0.97] }],
      },
    });
    const files = unzipSync(new Uint8Array((await renderReport(document, 'docx')).content));
    expect(Object.keys(files).filter((f) => f.startsWith('word/media/') && f.endsWith('.png'))).toHaveLength(
      2,
    );
    expect(strFromU8(files['word/document.xml']!)).toContain('各网格对比');
    const html = renderHtml({ document });
    expect(html.match(/<svg/g)?.length).toBe(2);
    expect(html).toContain('城东电费回收率（2026-08—2026-10）');
  });

  it('says there is no data, and refuses an unknown indicator or a unit outside the scope', async () => {
    const empty = await documentOf(
      [
        { type: 'indicatorTable', indicator: 'line_loss' },
        { type: 'indicatorChart', indicator: 'line_loss' },
      ],
      org.east.id,
      '城东',
    );
    // The table says so; a chart of nothing is left out.
    expect(empty.blocks).toEqual([
      { type: 'paragraph', text: '城东各下属单位线损率（%）（2026-10）：暂无数据。' },
    ]);
    await expect(
      documentOf([{ type: 'indicatorTable', indicator: 'nope' }], org.east.id, '城东'),
    ).rejects.toMatchObject({ code: 'indicators.not_found' });
    await expect(
      documentOf([{ type: 'indicatorTable', indicator: 'fee_recovery' }], org.west.id, '城西'),
    ).rejects.toMatchObject({ code: 'org.unit_not_found' });
    expect(() => template([{ type: 'indicatorTable', indicator: 'fee_recovery', periods: 0 }])).toThrow();
  });
});
