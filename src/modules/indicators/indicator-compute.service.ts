import type { Clock } from '../../platform/clock.js';
import type { Db } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors/app-error.js';
import { reportingDayOf } from '../cases/case-figure-days.js';
import { computeSourceParts } from './indicator-sources.js';
import { periodsBetween, periodStartOf, previousPeriodStart } from './indicator-periods.js';
import { refreshStatisticsAfter, writePeriod } from './indicator-store.js';
import type { LoadedIndicator } from './indicators.service.js';
import { loadIndicators } from './indicators.service.js';

/*
 * Recomputing the computed indicators: each period's own parts are computed from the source and
 * compared with the stored ones; only the differences are written (with a version each), then the
 * roll-ups of the changed units' ancestors. So a recompute is idempotent — a second run writes
 * nothing — and after one case changed, a full recompute writes that unit's value and its
 * ancestors' roll-ups, whatever it read.
 */

export type RecomputeInput = {
  /** Indicator keys; default every computed indicator. */
  indicators?: readonly string[] | undefined;
  /** Days `YYYY-MM-DD`: the periods holding them and those between; default the current and previous. */
  from?: string | undefined;
  to?: string | undefined;
};

export type RecomputeResult = {
  indicators: number;
  periods: number;
  /** Own parts inserted, changed or removed. */
  valuesWritten: number;
  /** Roll-up rows inserted, changed or removed. */
  rollupsWritten: number;
};

const periodsOf = (indicator: LoadedIndicator, input: RecomputeInput, now: Date) => {
  const { grain } = indicator.definition;
  const today = reportingDayOf(now.toISOString());
  if (input.from !== undefined || input.to !== undefined)
    return periodsBetween(grain, input.from ?? input.to!, input.to ?? today);
  // Late data mostly lands in the period just closed.
  const current = periodStartOf(grain, today);
  return [previousPeriodStart(grain, current), current];
};

/** Recomputes the own parts and roll-ups of computed indicators; see the header. */
export const recomputeIndicators = async (
  input: RecomputeInput,
  { db, clock }: { db: Db; clock: Clock },
): Promise<RecomputeResult> => {
  const all = await loadIndicators(db);
  for (const key of input.indicators ?? [])
    if (!all.some((i) => i.key === key)) throw new AppError('indicators.not_found', { key });
  const chosen = all.filter(
    (i) =>
      i.definition.source.kind === 'computed' &&
      (input.indicators === undefined || input.indicators.includes(i.key)),
  );
  const result: RecomputeResult = {
    indicators: chosen.length,
    periods: 0,
    valuesWritten: 0,
    rollupsWritten: 0,
  };
  for (const indicator of chosen) {
    const now = clock.now();
    const periods = periodsOf(indicator, input, now);
    const computed = await computeSourceParts(indicator.definition, periods, { db, now });
    for (const [period, parts] of computed) {
      result.periods++;
      // One transaction per period: a reader sees a period's parts and roll-ups agree.
      await db.transaction().execute(async (tx) => {
        const written = await writePeriod(tx, {
          indicatorId: indicator.id,
          aggregation: indicator.definition.aggregation,
          origin: 'computed',
          period,
          parts,
          complete: true,
          recordedByUserId: null,
          note: 'recompute',
          now: clock.now().toISOString(),
        });
        result.valuesWritten += written.written;
        result.rollupsWritten += written.rollupsWritten;
      });
    }
  }
  await refreshStatisticsAfter(db, result.valuesWritten + result.rollupsWritten);
  return result;
};
