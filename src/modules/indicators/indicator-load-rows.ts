import { requirePermission, scopeRoots } from '../../platform/access.js';
import type { Executor } from '../../platform/db/database.js';
import type { Deps } from '../../platform/deps.js';
import { AppError } from '../../platform/errors/app-error.js';
import { unitsInScope } from '../org/unit-tree.cache.js';
import { toUnit } from '../org/units.service.js';
import { z } from 'zod';
import type { IndicatorDefinition } from './indicator.schema.js';
import { parsePeriod, periodLabel } from './indicator-periods.js';
import type { Part } from './indicator-store.js';
import { ancestorsOf, refreshTrees, writeOwnParts } from './indicator-store.js';
import type { LoadedIndicator } from './indicators.service.js';
import { loadIndicator, unitsByCode } from './indicators.service.js';

/*
 * A series load in steps, for a caller that holds its own transaction and sees the rows one at a
 * time (the import runner streams a file and writes it in batches): check a row, write a batch of
 * checked rows, then refresh the roll-ups once at the end. The rules are those of
 * loadIndicatorValues (indicator-load.service.ts): a unit and period once per load (`duplicate`
 * names the first row), units in the caller's `indicators.load` scope, `partOfRow` for the value,
 * a stored value replaced as a recorded correction (writeOwnParts' versions).
 */

const ZNumber = z.number().finite();

export const ZLoadRow = z.object({
  /** Unit code. */
  unit: z.string().trim().min(1).max(64),
  /** As written for the grain: `2026-10`, `2026-Q4`, `2026`, or any day of the period. */
  period: z.string().trim().min(1).max(20),
  value: ZNumber.optional(),
  numerator: ZNumber.optional(),
  denominator: ZNumber.optional(),
  weight: ZNumber.optional(),
});
export type LoadRow = z.infer<typeof ZLoadRow>;

/** A row's problem, in English and in Chinese (the entry form and the import show the user's language). */
export type LoadProblem = { row: number; field: string; code: string; message: string; messageZh: string };

/** The part a row stands for, or the problem with it. */
export const partOfRow = (def: IndicatorDefinition, row: LoadRow): Part | Omit<LoadProblem, 'row'> => {
  const bad = (field: string, message: string, messageZh: string) => ({
    field,
    code: 'bad_value',
    message,
    messageZh,
  });
  const { measure, aggregation } = def;
  if (measure.kind === 'ratio') {
    const { denominator } = row;
    if (denominator === undefined)
      return bad(
        'denominator',
        'a ratio needs its denominator (e.g. 应收 for a recovery rate) for exact roll-ups',
        '比率须填分母（如回收率的应收金额），汇总才能准确',
      );
    if (denominator <= 0)
      return bad(
        'denominator',
        `must be above 0 (got ${denominator})`,
        `分母须大于 0（现为 ${denominator}）`,
      );
    if (row.numerator === undefined && row.value === undefined)
      return bad(
        'numerator',
        'give the numerator, or the value with its denominator',
        '请填分子，或填比率值和分母',
      );
    const numerator = row.numerator ?? row.value! * denominator;
    if (
      row.numerator !== undefined &&
      row.value !== undefined &&
      Math.abs(row.value * denominator - numerator) > 1e-6 * denominator
    )
      return bad(
        'value',
        `${row.value} is not ${numerator} / ${denominator}`,
        `比率值 ${row.value} 与分子 ${numerator} / 分母 ${denominator} 不符`,
      );
    if (numerator < 0 || numerator > denominator)
      return bad(
        row.numerator !== undefined ? 'numerator' : 'value',
        `a ratio lies between 0 and 1: write 0.95 for 95 % (got ${numerator / denominator})`,
        `比率须在 0 到 1 之间：95% 请写 0.95（现为 ${numerator / denominator}）`,
      );
    return { numerator, denominator };
  }
  if (row.value === undefined) return bad('value', 'a value is required', '请填写数值');
  if ((measure.kind === 'count' || measure.kind === 'duration') && row.value < 0)
    return bad(
      'value',
      `a ${measure.kind} cannot be negative (got ${row.value})`,
      `数值不能为负（现为 ${row.value}）`,
    );
  if (measure.kind === 'count' && !Number.isInteger(row.value))
    return bad('value', `a count is a whole number (got ${row.value})`, `计数须为整数（现为 ${row.value}）`);
  if (aggregation === 'weighted_mean') {
    if (row.weight === undefined)
      return bad(
        'weight',
        `a weighted mean needs each value's weight (${def.weight?.nameEn ?? def.weight?.name ?? 'weight'})`,
        `加权平均须填每个数值的权重（${def.weight?.name ?? '权重'}）`,
      );
    if (row.weight <= 0)
      return bad('weight', `must be above 0 (got ${row.weight})`, `权重须大于 0（现为 ${row.weight}）`);
    return { numerator: row.value * row.weight, denominator: row.weight };
  }
  return { numerator: row.value, denominator: null };
};

/** A row ready to write: the unit's own part in a period (its first day). */
export type CheckedLoadRow = { unitId: number; period: string; part: Part };

export type LoadRowProblem = Omit<LoadProblem, 'row'>;

export type IndicatorLoad = {
  indicator: LoadedIndicator;
  /** Checks one row; rows must come in file order (the duplicate check remembers earlier rows). */
  check: (row: LoadRow, rowNumber: number) => CheckedLoadRow | LoadRowProblem;
};

/** Starts a load of one loaded indicator: needs `indicators.load`; each row's unit must be in its scope. */
export const startIndicatorLoad = async (
  { indicator: key }: { indicator: string },
  { db, actor }: Pick<Deps, 'db' | 'actor'>,
): Promise<IndicatorLoad> => {
  requirePermission(actor, 'indicators.load');
  const indicator = await loadIndicator(db, key);
  const def = indicator.definition;
  if (def.source.kind !== 'loaded') throw new AppError('indicators.not_loaded', { key });
  const units = await unitsByCode(db);
  const allowed = new Set(
    (await unitsInScope(db, scopeRoots(actor, 'indicators.load'), toUnit)).map((u) => u.id),
  );
  const firstRow = new Map<string, number>();
  const check = (row: LoadRow, rowNumber: number): CheckedLoadRow | LoadRowProblem => {
    const problem = (field: string, code: string, message: string, messageZh: string) => ({
      field,
      code,
      message,
      messageZh,
    });
    const unit = units.get(row.unit);
    if (!unit)
      return problem(
        'unit',
        'unknown_unit',
        `no unit has the code ${row.unit}`,
        `没有编码为 ${row.unit} 的单位`,
      );
    if (!allowed.has(unit.id))
      return problem(
        'unit',
        'out_of_scope',
        `unit ${row.unit} is outside your scope`,
        `单位 ${row.unit} 不在您的管理范围内`,
      );
    const period = parsePeriod(def.grain, row.period);
    const example = periodLabel(def.grain, '2026-10-01');
    if (period === null)
      return problem(
        'period',
        'bad_period',
        `${row.period} is not a ${def.grain} (e.g. ${example})`,
        `期间 ${row.period} 无效（例如 ${example}）`,
      );
    const seen = `${unit.id}:${period}`;
    const first = firstRow.get(seen);
    if (first !== undefined)
      return problem(
        'period',
        'duplicate',
        `unit ${row.unit} has a value for ${periodLabel(def.grain, period, 'en')} in row ${first} already`,
        `单位 ${row.unit} 的 ${periodLabel(def.grain, period)} 已在第 ${first} 行填写`,
      );
    // Kept even when the value is bad, as loadIndicatorValues does: a second row is still a duplicate.
    firstRow.set(seen, rowNumber);
    const part = partOfRow(def, row);
    if ('field' in part) return part;
    return { unitId: unit.id, period, part };
  };
  return { indicator, check };
};

export type LoadWriteResult = {
  written: number;
  corrected: number;
  /** period → units whose own part changed: their ancestors' roll-ups must follow (`refreshLoadedTrees`). */
  changed: Map<string, number[]>;
};

/** Writes the own parts of checked rows (by difference, each change a version; a replacement a correction). */
export const writeLoadedRows = async (
  tx: Executor,
  {
    indicator,
    rows,
    recordedByUserId,
    now,
  }: {
    indicator: LoadedIndicator;
    rows: readonly CheckedLoadRow[];
    recordedByUserId: number | null;
    now: string;
  },
): Promise<LoadWriteResult> => {
  const byPeriod = new Map<string, Map<number, Part>>();
  for (const row of rows) {
    let parts = byPeriod.get(row.period);
    if (!parts) byPeriod.set(row.period, (parts = new Map()));
    parts.set(row.unitId, row.part);
  }
  const result: LoadWriteResult = { written: 0, corrected: 0, changed: new Map() };
  for (const [period, parts] of [...byPeriod].sort(([a], [b]) => a.localeCompare(b))) {
    const written = await writeOwnParts(tx, {
      indicatorId: indicator.id,
      aggregation: indicator.definition.aggregation,
      origin: 'loaded',
      period,
      parts,
      complete: false,
      recordedByUserId,
      note: 'load',
      now,
    });
    result.written += written.written;
    result.corrected += written.corrected;
    if (written.changedUnitIds.length) result.changed.set(period, written.changedUnitIds);
  }
  return result;
};

/** Brings the roll-ups of the changed units' ancestors up to date; returns the roll-up rows written. */
export const refreshLoadedTrees = async (
  tx: Executor,
  {
    indicator,
    changed,
    now,
  }: { indicator: LoadedIndicator; changed: ReadonlyMap<string, readonly number[]>; now: string },
): Promise<number> => {
  let written = 0;
  for (const [period, unitIds] of [...changed].sort(([a], [b]) => a.localeCompare(b)))
    if (unitIds.length)
      written += await refreshTrees(tx, {
        indicatorId: indicator.id,
        aggregation: indicator.definition.aggregation,
        origin: 'loaded',
        period,
        unitIds: await ancestorsOf(tx, unitIds),
        now,
      });
  return written;
};
