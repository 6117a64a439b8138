import { z } from 'zod';
import { requirePermission, scopeRoots } from '../../platform/access.js';
import type { Db } from '../../platform/db/database.js';
import type { Deps } from '../../platform/deps.js';
import { AppError } from '../../platform/errors/app-error.js';
import { recordAudit } from '../audit/audit.service.js';
import { unitsInScope } from '../org/unit-tree.cache.js';
import { toUnit } from '../org/units.service.js';
import type { IndicatorDefinition } from './indicator.schema.js';
import { parsePeriod, periodLabel } from './indicator-periods.js';
import type { Part } from './indicator-store.js';
import { writePeriod } from './indicator-store.js';
import { loadIndicator, unitsByCode } from './indicators.service.js';

/*
 * Loading a series (fee recovery, line loss, outage hours, reliability, average price): values for
 * units and periods, from a form, the API or an import file. All or nothing: any problem and
 * nothing is written. Decisions:
 * - One unit and period twice in one load is refused (`duplicate`, naming the first row): which of
 *   two figures in one file is right is not for us to guess.
 * - A value already stored for the unit and period is replaced and the replacement recorded as a
 *   correction (who, when, the previous version kept: "as of" still shows it for before).
 * - A ratio comes with its denominator (numerator + denominator, or value + denominator), a
 *   weighted mean with its weight, so that every roll-up stays exact.
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

export const ZLoadInput = z.object({ rows: z.array(ZLoadRow).min(1).max(100_000) });

export const ZLoadResult = z
  .object({
    rows: z.number().int(),
    written: z.number().int(),
    /** Rows that replaced a stored value (recorded as corrections). */
    corrected: z.number().int(),
    unchanged: z.number().int(),
  })
  .meta({ id: 'IndicatorLoadResult' });
export type LoadResult = z.infer<typeof ZLoadResult>;

export type LoadProblem = { row: number; field: string; code: string; message: string };

/** The part a row stands for, or the problem with it. */
export const partOfRow = (def: IndicatorDefinition, row: LoadRow): Part | Omit<LoadProblem, 'row'> => {
  const bad = (field: string, message: string) => ({ field, code: 'bad_value', message });
  const { measure, aggregation } = def;
  if (measure.kind === 'ratio') {
    const { denominator } = row;
    if (denominator === undefined)
      return bad(
        'denominator',
        'a ratio needs its denominator (e.g. 应收 for a recovery rate) for exact roll-ups',
      );
    if (denominator <= 0) return bad('denominator', `must be above 0 (got ${denominator})`);
    if (row.numerator === undefined && row.value === undefined)
      return bad('numerator', 'give the numerator, or the value with its denominator');
    const numerator = row.numerator ?? row.value! * denominator;
    if (
      row.numerator !== undefined &&
      row.value !== undefined &&
      Math.abs(row.value * denominator - numerator) > 1e-6 * denominator
    )
      return bad('value', `${row.value} is not ${numerator} / ${denominator}`);
    if (numerator < 0 || numerator > denominator)
      return bad(
        row.numerator !== undefined ? 'numerator' : 'value',
        `a ratio lies between 0 and 1: write 0.95 for 95 % (got ${numerator / denominator})`,
      );
    return { numerator, denominator };
  }
  if (row.value === undefined) return bad('value', 'a value is required');
  if ((measure.kind === 'count' || measure.kind === 'duration') && row.value < 0)
    return bad('value', `a ${measure.kind} cannot be negative (got ${row.value})`);
  if (measure.kind === 'count' && !Number.isInteger(row.value))
    return bad('value', `a count is a whole number (got ${row.value})`);
  if (aggregation === 'weighted_mean') {
    if (row.weight === undefined)
      return bad('weight', `a weighted mean needs each value's weight (${def.weight?.name ?? 'weight'})`);
    if (row.weight <= 0) return bad('weight', `must be above 0 (got ${row.weight})`);
    return { numerator: row.value * row.weight, denominator: row.weight };
  }
  return { numerator: row.value, denominator: null };
};

const problemLimit = 1000;

/** Loads series values for one loaded indicator; see the header. Needs `indicators.load` on each unit. */
export const loadIndicatorValues = async (
  { indicator: key, rows: rawRows }: { indicator: string; rows: readonly unknown[] },
  { db, clock, actor }: Deps,
): Promise<LoadResult> => {
  requirePermission(actor, 'indicators.load');
  const indicator = await loadIndicator(db, key);
  const def = indicator.definition;
  if (def.source.kind !== 'loaded') throw new AppError('indicators.not_loaded', { key });
  const { rows } = ZLoadInput.parse({ rows: rawRows });

  const units = await unitsByCode(db);
  const allowed = new Set(
    (await unitsInScope(db, scopeRoots(actor, 'indicators.load'), toUnit)).map((u) => u.id),
  );
  const problems: LoadProblem[] = [];
  const byPeriod = new Map<string, Map<number, Part>>();
  const firstRow = new Map<string, number>();
  rows.forEach((row, i) => {
    const rowNumber = i + 1;
    const problem = (field: string, code: string, message: string) =>
      problems.push({ row: rowNumber, field, code, message });
    const unit = units.get(row.unit);
    if (!unit) return problem('unit', 'unknown_unit', `no unit has the code ${row.unit}`);
    if (!allowed.has(unit.id))
      return problem('unit', 'out_of_scope', `unit ${row.unit} is outside your scope`);
    const period = parsePeriod(def.grain, row.period);
    if (period === null)
      return problem(
        'period',
        'bad_period',
        `${row.period} is not a ${def.grain} (e.g. ${periodLabel(def.grain, '2026-10-01')})`,
      );
    const key = `${unit.id}:${period}`;
    const first = firstRow.get(key);
    if (first !== undefined)
      return problem(
        'period',
        'duplicate',
        `unit ${row.unit} has a value for ${periodLabel(def.grain, period)} in row ${first} already`,
      );
    firstRow.set(key, rowNumber);
    const part = partOfRow(def, row);
    if ('field' in part) return problems.push({ row: rowNumber, ...part });
    let parts = byPeriod.get(period);
    if (!parts) byPeriod.set(period, (parts = new Map()));
    parts.set(unit.id, part);
  });
  if (problems.length)
    throw new AppError('indicators.values_invalid', {
      problemCount: problems.length,
      problems: problems.slice(0, problemLimit),
    });

  return (db as Db).transaction().execute(async (tx) => {
    const now = clock.now().toISOString();
    let written = 0;
    let corrected = 0;
    for (const [period, parts] of [...byPeriod].sort(([a], [b]) => a.localeCompare(b))) {
      const result = await writePeriod(tx, {
        indicatorId: indicator.id,
        aggregation: def.aggregation,
        origin: 'loaded',
        period,
        parts,
        complete: false,
        recordedByUserId: actor.userId,
        note: 'load',
        now,
      });
      written += result.written;
      corrected += result.corrected;
    }
    await recordAudit(
      tx,
      {
        action: 'indicator.load',
        entity: 'indicator',
        entityId: indicator.id,
        after: {
          indicator: key,
          rows: rows.length,
          written,
          corrected,
          periods: [...byPeriod.keys()].sort(),
        },
      },
      { actor, clock },
    );
    return { rows: rows.length, written, corrected, unchanged: rows.length - written };
  });
};
