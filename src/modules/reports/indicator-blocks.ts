import type { Measure, Status } from '../indicators/indicator.schema.js';
import type { IndicatorValue } from '../indicators/indicator-values.service.js';
import type { Block, ChartSpec, TableBlock, ValueFormat } from './render/report-document.js';
import type { IndicatorBlockUnits, TemplateBlock } from './report-template.schema.js';

/*
 * The indicator blocks of a report template (`indicatorTable`, `indicatorChart`): placed by the
 * indicator's key, filled with its values for the report's unit and month. The values are read
 * before the template is filled (indicator-report-context.ts) and put in the context under
 * `indicatorBlocks`, keyed by `indicatorBlockKey`; turning them into a table or a chart is pure
 * and lives here, so that the engine stays a pure function of template and context.
 *
 * Status marks read in every format without colour (a printed report is often black and white):
 * √ 达标, △ 预警, × 未达标; a row whose last period missed its target is highlighted as well.
 */

export type IndicatorBlock = Extract<TemplateBlock, { type: 'indicatorTable' | 'indicatorChart' }>;

/** Where the engine finds the values of the indicator blocks in the context. */
export const indicatorDataKey = 'indicatorBlocks';

/** What one block needs: read once per distinct indicator, units and periods. */
export type IndicatorBlockData = {
  name: string;
  measure: Measure;
  unitName: string;
  /** Period starts and their labels, oldest first. */
  periods: Array<{ start: string; label: string }>;
  values: IndicatorValue[];
};

export type IndicatorBlockRequest = { indicator: string; units: IndicatorBlockUnits; periods: number };

/** A block's request with its defaults: a table of the children for the month, a chart of the unit over a year. */
export const indicatorRequestOf = (block: IndicatorBlock): IndicatorBlockRequest => ({
  indicator: block.indicator,
  units: block.units ?? (block.type === 'indicatorTable' ? 'children' : 'unit'),
  periods: block.periods ?? (block.type === 'indicatorTable' ? 1 : 12),
});

export const indicatorBlockKey = ({ indicator, units, periods }: IndicatorBlockRequest) =>
  `${indicator}|${units}|${periods}`;

/** The indicator blocks of a template, those inside `each` too (read whether or not their condition holds). */
export const indicatorBlocksIn = (blocks: readonly TemplateBlock[]): IndicatorBlock[] =>
  blocks.flatMap((block) =>
    block.type === 'indicatorTable' || block.type === 'indicatorChart'
      ? [block]
      : block.type === 'each'
        ? indicatorBlocksIn(block.blocks)
        : [],
  );

export const statusMarks: Record<Status, string> = { met: '√ 达标', warning: '△ 预警', missed: '× 未达标' };

/** The report format of a measure's values: a ratio as a percentage of its fraction. */
const formatOf = (measure: Measure): ValueFormat | undefined =>
  measure.kind === 'ratio' ? 'percent1' : measure.kind === 'count' ? 'integer' : undefined;

const unitOfMeasure = (measure: Measure): string | undefined => {
  switch (measure.kind) {
    case 'ratio':
    case 'count':
      return undefined;
    case 'duration':
      return measure.unit === 'hours' ? '小时' : '分钟';
    default:
      return measure.unit;
  }
};

const unitsWord: Record<IndicatorBlockUnits, string> = {
  unit: '',
  children: '各下属单位',
  subtree: '各单位',
};

const defaultCaption = (data: IndicatorBlockData, units: IndicatorBlockUnits) => {
  const first = data.periods[0]?.label ?? '';
  const last = data.periods.at(-1)?.label ?? '';
  const span = first === last ? first : `${first}—${last}`;
  const measure = unitOfMeasure(data.measure);
  return `${data.unitName}${unitsWord[units]}${data.name}${measure ? `（${measure}）` : ''}（${span}）`;
};

/** Units in the order the values list them (the org tree's display order). */
const unitsOf = (values: readonly IndicatorValue[]) => {
  const units = new Map<number, { code: string; name: string }>();
  for (const v of values)
    if (!units.has(v.unitId)) units.set(v.unitId, { code: v.unitCode, name: v.unitName });
  return [...units].map(([id, u]) => ({ id, ...u }));
};

const tableOf = (data: IndicatorBlockData, caption: string): TableBlock => {
  const format = formatOf(data.measure);
  const last = data.periods.at(-1)?.start;
  const byUnitPeriod = new Map(data.values.map((v) => [`${v.unitId}:${v.period}`, v]));
  const highlightRows: number[] = [];
  const rows = unitsOf(data.values).map((unit, index) => {
    const row: Record<string, string | number | null> = { unit: unit.name };
    data.periods.forEach((p, i) => (row[`p${i}`] = byUnitPeriod.get(`${unit.id}:${p.start}`)?.value ?? null));
    const latest = last === undefined ? undefined : byUnitPeriod.get(`${unit.id}:${last}`);
    // A band has no single target: its bounds, written as the values are.
    row.target =
      latest?.target ??
      (latest?.band
        ? latest.band.map((b) => (format === 'percent1' ? `${(b * 100).toFixed(1)}%` : String(b))).join('–')
        : null);
    row.status = latest?.status ? statusMarks[latest.status] : null;
    if (latest?.status === 'missed') highlightRows.push(index);
    return row;
  });
  return {
    type: 'table',
    caption,
    columns: [
      { key: 'unit', title: '单位' },
      ...data.periods.map((p, i) => ({ key: `p${i}`, title: p.label, ...(format ? { format } : {}) })),
      { key: 'target', title: '目标', ...(format ? { format } : {}) },
      { key: 'status', title: '状态', align: 'center' as const },
    ],
    rows,
    ...(highlightRows.length ? { highlightRows } : {}),
  };
};

/** At most this many units get a line of their own: more do not read on a page. */
const maxSeries = 10;

const chartOf = (
  data: IndicatorBlockData,
  caption: string,
  kind: 'line' | 'bar' | undefined,
): Block | null => {
  if (data.values.length === 0) return null;
  const units = unitsOf(data.values);
  const valueOf = new Map(data.values.map((v) => [`${v.unitId}:${v.period}`, v.value]));
  const format = formatOf(data.measure);
  const byUnits = data.periods.length === 1;
  const spec: ChartSpec = byUnits
    ? {
        kind: kind ?? 'bar',
        categories: units.map((u) => u.name),
        series: [
          {
            name: data.name,
            values: units.map((u) => valueOf.get(`${u.id}:${data.periods[0]!.start}`) ?? null),
          },
        ],
      }
    : {
        kind: kind ?? 'line',
        categories: data.periods.map((p) => p.label),
        series: units.slice(0, maxSeries).map((u) => ({
          name: u.name,
          values: data.periods.map((p) => valueOf.get(`${u.id}:${p.start}`) ?? null),
        })),
      };
  const measure = unitOfMeasure(data.measure);
  if (measure) spec.unit = measure;
  if (format === 'percent1' || format === 'integer') spec.valueFormat = format;
  // One reference line only when every unit has the same target in the last period.
  const last = data.periods.at(-1)!.start;
  const targets = new Set(data.values.filter((v) => v.period === last).map((v) => v.target));
  const [target] = [...targets];
  if (targets.size === 1 && typeof target === 'number') spec.target = { label: '目标', value: target };
  return { type: 'chart', caption, spec };
};

/**
 * The report blocks of an indicator block, from the values read for it; null when they were not
 * read (a context built without `indicatorBlockData`). `fill` fills a caption's placeholders.
 */
export const indicatorBlocksOf = (
  block: IndicatorBlock,
  context: Record<string, unknown>,
  fill: (text: string) => string,
): Block[] | null => {
  const request = indicatorRequestOf(block);
  const all = context[indicatorDataKey] as Record<string, IndicatorBlockData> | undefined;
  const data = all?.[indicatorBlockKey(request)];
  if (!data) return null;
  const caption = block.caption ? fill(block.caption) : defaultCaption(data, request.units);
  if (block.type === 'indicatorChart') {
    const chart = chartOf(data, caption, block.kind);
    return chart ? [chart] : [];
  }
  if (data.values.length === 0) return [{ type: 'paragraph', text: `${caption}：暂无数据。` }];
  return [tableOf(data, caption)];
};
