import ExcelJS from 'exceljs';
import { requirePermission } from '../../platform/access.js';
import type { Deps } from '../../platform/deps.js';
import type { IndicatorDefinition, Measure, Status } from './indicator.schema.js';
import { periodLabel } from './indicator-periods.js';
import type { IndicatorValue, ValuesQuery } from './indicator-values.service.js';
import { periodRange, readIndicatorValues, ZValuesQuery } from './indicator-values.service.js';
import { loadIndicator } from './indicators.service.js';

/*
 * An indicator's values as an Excel workbook (指标数据导出): what a manager takes to a meeting or
 * sends upwards. The first sheet is the table people read — a row per unit, for each period its
 * value, target and status — the second the figures behind it (numerator and denominator of
 * every value, the unit's own part), so that anyone can redo a roll-up by hand. Numbers stay
 * numbers with the measure's Excel format (a ratio as a percentage of its fraction), a missing
 * value is an empty cell, never 0. The values are exactly those of readIndicatorValues, with the
 * same query and the same scope.
 */

export const xlsxContentType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** How a status reads in a cell, and its fill. */
export const statusLabels: Record<Status, { zh: string; en: string; fill: string }> = {
  met: { zh: '达标', en: 'met', fill: 'FFE2F0D9' },
  warning: { zh: '预警', en: 'warning', fill: 'FFFFF2CC' },
  missed: { zh: '未达标', en: 'missed', fill: 'FFFBE4E4' },
};

/** The Excel number format of a measure's values. */
export const measureNumberFormat = (measure: Measure): string => {
  switch (measure.kind) {
    case 'ratio':
      return '0.00%';
    case 'count':
      return '#,##0';
    default:
      return '#,##0.00';
  }
};

const measureUnit = (measure: Measure) =>
  measure.kind === 'ratio' ? '%' : measure.kind === 'count' ? '' : measure.unit;

const headerFill = 'FFD9E2F3';
const styleHeader = (row: ExcelJS.Row) =>
  row.eachCell((cell) => {
    cell.font = { bold: true };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: headerFill } };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    cell.border = { bottom: { style: 'thin' } };
  });

/** Characters Excel refuses in a file name part, and spaces, become `_`. */
const safeName = (text: string) => text.replace(/[\\/:*?"<>|\s]+/g, '_');

export type IndicatorWorkbook = { fileName: string; contentType: string; content: Buffer };

/** Writes the workbook of values already read (pure: no database). */
export const writeIndicatorWorkbook = async ({
  definition: def,
  periods,
  values,
  generatedAt,
}: {
  definition: IndicatorDefinition;
  /** Period starts, in order: the table's columns, with or without values. */
  periods: readonly string[];
  values: readonly IndicatorValue[];
  generatedAt: Date;
}): Promise<Buffer> => {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Guankong 管控';
  workbook.created = generatedAt;
  const numFmt = measureNumberFormat(def.measure);
  const unitOfMeasure = measureUnit(def.measure);
  const title = `${def.name}${def.nameEn ? ` / ${def.nameEn}` : ''}${unitOfMeasure ? `（${unitOfMeasure}）` : ''}`;

  // ---- the table: units × periods ----
  const table = workbook.addWorksheet('指标值 Values', {
    views: [{ state: 'frozen', xSplit: 2, ySplit: 3 }],
  });
  table.getCell(1, 1).value = title;
  table.getCell(1, 1).font = { bold: true, size: 13 };
  const periodRow = table.getRow(2);
  const headRow = table.getRow(3);
  periodRow.getCell(1).value = '单位编码 Unit code';
  periodRow.getCell(2).value = '单位名称 Unit';
  table.mergeCells(2, 1, 3, 1);
  table.mergeCells(2, 2, 3, 2);
  periods.forEach((period, i) => {
    const col = 3 + i * 3;
    periodRow.getCell(col).value = periodLabel(def.grain, period);
    table.mergeCells(2, col, 2, col + 2);
    headRow.getCell(col).value = '数值 Value';
    headRow.getCell(col + 1).value = '目标 Target';
    headRow.getCell(col + 2).value = '状态 Status';
  });
  styleHeader(periodRow);
  styleHeader(headRow);
  table.getColumn(1).width = 16;
  table.getColumn(2).width = 20;
  for (let c = 3; c < 3 + periods.length * 3; c++) {
    table.getColumn(c).width = (c - 3) % 3 === 2 ? 10 : 12;
    if ((c - 3) % 3 !== 2) table.getColumn(c).numFmt = numFmt;
  }
  const column = new Map(periods.map((p, i) => [p, 3 + i * 3]));
  const rowOf = new Map<number, ExcelJS.Row>();
  for (const v of values) {
    let row = rowOf.get(v.unitId);
    if (!row) {
      row = table.addRow([v.unitCode, v.unitName]);
      rowOf.set(v.unitId, row);
    }
    const col = column.get(v.period);
    if (col === undefined) continue;
    if (v.value !== null) row.getCell(col).value = v.value;
    // A band has no single target: its bounds as text, so the cell still says what was aimed at.
    if (v.target !== null) row.getCell(col + 1).value = v.target;
    else if (v.band) row.getCell(col + 1).value = `${v.band[0]} – ${v.band[1]}`;
    if (v.status) {
      const status = statusLabels[v.status];
      const cell = row.getCell(col + 2);
      cell.value = status.zh;
      cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: status.fill } };
      cell.alignment = { horizontal: 'center' };
    }
  }

  // ---- the figures behind it ----
  const parts = workbook.addWorksheet('分子分母 Parts', { views: [{ state: 'frozen', ySplit: 1 }] });
  const weighted = def.aggregation === 'weighted_mean';
  parts.columns = [
    { header: '单位编码 Unit code', width: 16 },
    { header: '单位名称 Unit', width: 20 },
    { header: '期间 Period', width: 12 },
    {
      header: weighted ? '数值×权重 Σ value·weight' : '分子 Numerator',
      width: 16,
      style: { numFmt: '#,##0.####' },
    },
    {
      header: weighted ? `权重 Σ ${def.weight?.name ?? 'weight'}` : '分母 Denominator',
      width: 16,
      style: { numFmt: '#,##0.####' },
    },
    { header: '数值 Value', width: 12, style: { numFmt } },
    { header: '本单位 Own value', width: 14, style: { numFmt } },
  ];
  styleHeader(parts.getRow(1));
  for (const v of values)
    parts.addRow([v.unitCode, v.unitName, v.label, v.numerator, v.denominator, v.value, v.ownValue]);

  return Buffer.from(await workbook.xlsx.writeBuffer());
};

/** An indicator's values (the query of GET /indicators/:key/values) as a workbook; see the header. */
export const exportIndicatorValues = async (
  { indicator: key, query: rawQuery }: { indicator: string; query: ValuesQuery },
  deps: Deps,
): Promise<IndicatorWorkbook> => {
  requirePermission(deps.actor, 'indicators.read');
  const query = ZValuesQuery.parse(rawQuery);
  const { definition } = await loadIndicator(deps.db, key);
  const now = deps.clock.now();
  const periods = periodRange(definition.grain, query, now);
  const values = await readIndicatorValues({ indicator: key, query }, deps);
  const content = await writeIndicatorWorkbook({ definition, periods, values, generatedAt: now });
  const span = (p: string) => periodLabel(definition.grain, p);
  const range = periods.length ? `${span(periods[0]!)}_${span(periods.at(-1)!)}` : 'empty';
  return {
    fileName: `${safeName(definition.name)}_${safeName(range)}.xlsx`,
    contentType: xlsxContentType,
    content,
  };
};
