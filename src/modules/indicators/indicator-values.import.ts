import { requirePermission } from '../../platform/access.js';
import type { Deps } from '../../platform/deps.js';
import { recordAudit } from '../audit/audit.service.js';
import type { CellValue } from '../imports/cell-convert.js';
import type { ImportField, ImportProblem, ImportReport, ImportTarget } from '../imports/import-runner.js';
import { runImport } from '../imports/import-runner.js';
import type { ImportFileInput } from '../imports/import-target.js';
import type { IndicatorDefinition } from './indicator.schema.js';
import type { CheckedLoadRow, LoadRow, LoadRowProblem } from './indicator-load-rows.js';
import { refreshStatisticsAfter } from './indicator-store.js';
import { refreshLoadedTrees, startIndicatorLoad, writeLoadedRows } from './indicator-load-rows.js';
import { loadIndicator } from './indicators.service.js';

/*
 * Importing a loaded indicator's series (指标数据导入): one row per unit and period, from the
 * spreadsheet finance or operations keep (电费回收率 by grid and month, 线损率, 停电时户数 …). The
 * rules are those of a series load (indicator-load-rows.ts): a unit and period once per file (the
 * second row is a `duplicate` naming the first), units in the importer's indicators.load scope, a
 * ratio with its denominator, a weighted mean with its weight; a value already stored is replaced
 * and recorded as a correction. The runner's modes apply: all_or_nothing writes nothing when a row
 * is bad, skip_bad loads the good rows, dry_run writes nothing.
 *
 * The file's key is unit + period, two columns; the runner checks duplicates of one column only, so
 * `keyField` names no column and the target's check finds the duplicates (it sees rows in order).
 * The roll-ups of the changed units' ancestors are refreshed once, when the import is applied.
 */

const fixedFields: ImportField[] = [
  {
    key: 'unit',
    labels: ['单位编码', '单元编码', '单位代码', '机构编码', '编码', 'unit code', 'unit'],
    required: true,
    cell: { type: 'text', maxLength: 64 },
  },
  {
    key: 'period',
    labels: ['期间', '统计期间', '月份', '统计月份', '日期', 'period', 'month'],
    required: true,
    cell: { type: 'text', maxLength: 20 },
  },
  { key: 'value', labels: ['数值', '指标值', '值', 'value'], cell: { type: 'decimal' } },
  { key: 'numerator', labels: ['分子', '实收', 'numerator'], cell: { type: 'decimal' } },
  { key: 'denominator', labels: ['分母', '应收', 'denominator'], cell: { type: 'decimal' } },
  { key: 'weight', labels: ['权重', 'weight'], cell: { type: 'decimal' } },
];

/** The columns of an indicator's sheet; a weighted mean's weight also answers to its own name (售电量). */
export const indicatorValueFieldsOf = (def: IndicatorDefinition): ImportField[] =>
  fixedFields.map((f) =>
    f.key === 'weight' && def.weight
      ? { ...f, labels: [def.weight.name, ...(def.weight.nameEn ? [def.weight.nameEn] : []), ...f.labels] }
      : f,
  );

/** The columns of an indicator's sheet (for a mapping screen). */
export const indicatorValueFields = async (
  { indicator }: { indicator: string },
  { db, actor }: Pick<Deps, 'db' | 'actor'>,
): Promise<ImportField[]> => {
  requirePermission(actor, 'indicators.load');
  return indicatorValueFieldsOf((await loadIndicator(db, indicator)).definition);
};

const numberOf = (value: CellValue | undefined) =>
  value === null || value === undefined ? undefined : Number(value);

export type ImportIndicatorValuesInput = ImportFileInput & { indicator: string };

/**
 * Loads a series of a loaded indicator from a CSV or XLSX file (see above). Needs indicators.load on
 * each row's unit. One audit row (`indicator.load`, as a load through the API) for the import.
 */
export const importIndicatorValues = async (
  { indicator: key, source, mode, mapping, read, onProgress }: ImportIndicatorValuesInput,
  { db, clock, actor }: Deps,
): Promise<ImportReport & { indicator: string }> => {
  const load = await startIndicatorLoad({ indicator: key }, { db, actor });
  const { indicator } = load;
  const changed = new Map<string, number[]>();
  const periods = new Set<string>();
  let corrected = 0;

  const target: ImportTarget<CheckedLoadRow> = {
    key: 'indicator-values',
    fields: indicatorValueFieldsOf(indicator.definition),
    // No column: the key is unit + period, checked by `check` (see the header).
    keyField: 'unitPeriod',
    check: (values, row) => {
      const loadRow: LoadRow = {
        unit: String(values.unit),
        period: String(values.period),
        value: numberOf(values.value),
        numerator: numberOf(values.numerator),
        denominator: numberOf(values.denominator),
        weight: numberOf(values.weight),
      };
      const checked = load.check(loadRow, row);
      if ('part' in checked) return checked;
      const found: LoadRowProblem = checked;
      const cell = values[found.field];
      const problem: Omit<ImportProblem, 'row'> = {
        field: found.field,
        value: cell === null || cell === undefined ? '' : String(cell),
        code: found.code,
        why: found.message,
        whyZh: found.messageZh,
      };
      return [problem];
    },
    write: async (tx, rows) => {
      const result = await writeLoadedRows(tx, {
        indicator,
        rows: rows.map((r) => r.value),
        recordedByUserId: actor.userId,
        now: clock.now().toISOString(),
      });
      for (const r of rows) periods.add(r.value.period);
      for (const [period, unitIds] of result.changed)
        changed.set(period, [...(changed.get(period) ?? []), ...unitIds]);
      corrected += result.corrected;
      return {
        created: result.written - result.corrected,
        updated: result.corrected,
        unchanged: rows.length - result.written,
      };
    },
    finish: async (tx, counts) => {
      await refreshLoadedTrees(tx, { indicator, changed, now: clock.now().toISOString() });
      await recordAudit(
        tx,
        {
          action: 'indicator.load',
          entity: 'indicator',
          entityId: indicator.id,
          after: {
            indicator: key,
            via: 'import',
            rows: counts.created + counts.updated + counts.unchanged,
            written: counts.created + counts.updated,
            corrected,
            bad: counts.bad,
            periods: [...periods].sort(),
          },
        },
        { actor, clock },
      );
      await refreshStatisticsAfter(tx, counts.created + counts.updated);
    },
  };
  const report = await runImport(
    { target, source, mode, mapping, read, onProgress },
    { db, now: () => clock.now().getTime() },
  );
  return { ...report, indicator: key };
};
