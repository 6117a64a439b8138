import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.js';
import { typeIdOf } from './case-figures.service.js';

/*
 * The case figures per unit, for the indicators module: the counts of the daily rollup summed per
 * unit (the unit the cases are in, not its subtree) and day or month, and the open overdue cases
 * per unit now. No scope: the indicators store every unit's value and filter what a reader sees.
 */

const typeIdsOf = async (db: Executor, keys: readonly string[] | undefined) =>
  keys === undefined ? undefined : Promise.all(keys.map(async (key) => (await typeIdOf(db, key))!));

export type FigureCount = { unitId: number; bucket: string; metric: string; n: number };

/**
 * Sums of rollup metrics per unit and reporting day (`YYYY-MM-DD`) or month (`YYYY-MM`) over the
 * days [fromDay, toDay).
 */
export const figureCountsByUnit = async (
  db: Executor,
  {
    fromDay,
    toDay,
    caseTypes,
    metrics,
    bucket,
  }: {
    fromDay: string;
    toDay: string;
    /** Only these case types (keys); undefined: every type. */
    caseTypes?: readonly string[] | undefined;
    metrics: readonly string[];
    bucket: 'day' | 'month';
  },
): Promise<FigureCount[]> => {
  const caseTypeIds = await typeIdsOf(db, caseTypes);
  const bucketOf =
    bucket === 'day'
      ? sql<string>`${sql.ref('caseFigureDays.day')}`
      : sql<string>`substr(${sql.ref('caseFigureDays.day')}, 1, 7)`;
  const rows = await db
    .selectFrom('caseFigureDays')
    .select([
      'caseFigureDays.unitId',
      'caseFigureDays.metric',
      bucketOf.as('bucket'),
      sql<number | string>`sum(${sql.ref('caseFigureDays.n')})`.as('n'),
    ])
    .where('caseFigureDays.day', '>=', fromDay)
    .where('caseFigureDays.day', '<', toDay)
    .where('caseFigureDays.metric', 'in', metrics)
    .$if(caseTypeIds !== undefined, (q) => q.where('caseFigureDays.caseTypeId', 'in', caseTypeIds!))
    .groupBy(['caseFigureDays.unitId', 'caseFigureDays.metric', bucketOf])
    .execute();
  return rows.map((r) => ({ unitId: r.unitId, bucket: r.bucket, metric: r.metric, n: Number(r.n) }));
};

/**
 * Open cases past a due time now, per unit: any running clock (the case's next due time), or the
 * running clocks of one key.
 */
export const overdueCountsByUnit = async (
  db: Executor,
  {
    caseTypes,
    clock,
    now,
  }: { caseTypes?: readonly string[] | undefined; clock?: string | undefined; now: Date },
): Promise<Array<{ unitId: number; n: number }>> => {
  const caseTypeIds = await typeIdsOf(db, caseTypes);
  const nowIso = now.toISOString();
  let q = db
    .selectFrom('cases')
    .where('cases.isOpen', '=', 1)
    .$if(caseTypeIds !== undefined, (qb) => qb.where('cases.caseTypeId', 'in', caseTypeIds!));
  q =
    clock === undefined
      ? q.where('cases.nextDueAt', '<', nowIso)
      : q.where((eb) =>
          eb.exists(
            eb
              .selectFrom('caseClocks')
              .select('caseClocks.caseId')
              .whereRef('caseClocks.caseId', '=', 'cases.id')
              .where('caseClocks.clockKey', '=', clock)
              .where('caseClocks.state', '=', 'running')
              .where('caseClocks.dueAt', '<', nowIso),
          ),
        );
  const rows = await q
    .select(['cases.unitId', (eb) => eb.fn.countAll<number | string>().as('n')])
    .groupBy('cases.unitId')
    .execute();
  return rows.map((r) => ({ unitId: r.unitId, n: Number(r.n) }));
};
