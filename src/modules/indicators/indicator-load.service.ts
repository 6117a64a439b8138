import { z } from 'zod';
import type { Db } from '../../platform/db/database.js';
import type { Deps } from '../../platform/deps.js';
import { AppError } from '../../platform/errors/app-error.js';
import { recordAudit } from '../audit/audit.service.js';
import type { CheckedLoadRow, LoadProblem } from './indicator-load-rows.js';
import { refreshLoadedTrees, startIndicatorLoad, writeLoadedRows, ZLoadRow } from './indicator-load-rows.js';
import { refreshStatisticsAfter } from './indicator-store.js';

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

const problemLimit = 1000;

/** Loads series values for one loaded indicator; see the header. Needs `indicators.load` on each unit. */
export const loadIndicatorValues = async (
  { indicator: key, rows: rawRows }: { indicator: string; rows: readonly unknown[] },
  { db, clock, actor }: Deps,
): Promise<LoadResult> => {
  const load = await startIndicatorLoad({ indicator: key }, { db, actor });
  const { rows } = ZLoadInput.parse({ rows: rawRows });
  const problems: LoadProblem[] = [];
  const checked: CheckedLoadRow[] = [];
  rows.forEach((row, i) => {
    const result = load.check(row, i + 1);
    if ('field' in result) problems.push({ row: i + 1, ...result });
    else checked.push(result);
  });
  if (problems.length)
    throw new AppError('indicators.values_invalid', {
      problemCount: problems.length,
      problems: problems.slice(0, problemLimit),
    });

  const result = await (db as Db).transaction().execute(async (tx) => {
    const now = clock.now().toISOString();
    const { indicator } = load;
    const { written, corrected, changed } = await writeLoadedRows(tx, {
      indicator,
      rows: checked,
      recordedByUserId: actor.userId,
      now,
    });
    await refreshLoadedTrees(tx, { indicator, changed, now });
    // A load that changed nothing (the same file again) leaves no trace in the audit log.
    if (written > 0)
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
            periods: [...new Set(checked.map((r) => r.period))].sort(),
          },
        },
        { actor, clock },
      );
    return { rows: rows.length, written, corrected, unchanged: rows.length - written };
  });
  await refreshStatisticsAfter(db, result.written);
  return result;
};
