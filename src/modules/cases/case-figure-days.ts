import type { Executor } from '../../platform/db/database.js';

/*
 * The daily rollup behind the figures (case_figure_days). For each unit, reporting day, case
 * type, category and owner it holds how many of each countable fact happened: cases registered
 * (and repeats), resolutions and reopenings, closings and cancellations, clocks stopped and met,
 * callbacks opened and recorded. Counting a month for a branch then reads a few thousand rollup
 * rows instead of joining a month of events, clocks and callbacks to their cases.
 *
 * The rollup is kept exact by a delta, not by incrementing per action: a change computes the
 * facts of its cases from the stored rows before and after, and adds the difference. So any
 * change — a reopening that withdraws a resolution time, a reclassification that turns a met
 * clock into a breached one, a transfer that moves a case's history to another unit — lands
 * right without a rule per action, and `rebuildCaseFigures` can recompute the table from
 * scratch with the same code (the tests compare the two).
 *
 * Facts are grouped by the case's current unit, category and owner, as the figures define them;
 * days are calendar days in the reporting zone.
 */

/** The zone of reporting days and months. China keeps UTC+8 all year (no daylight saving since 1991). */
export const reportingTimeZone = 'Asia/Shanghai';
const reportingOffsetMs = 8 * 3_600_000;
const dayMs = 86_400_000;

/** The reporting day (YYYY-MM-DD) of an instant. */
export const reportingDayOf = (iso: string) =>
  new Date(Date.parse(iso) + reportingOffsetMs).toISOString().slice(0, 10);

/** True when an instant is a midnight of the reporting zone, where reporting days begin. */
export const isReportingMidnight = (iso: string) => (Date.parse(iso) + reportingOffsetMs) % dayMs === 0;

/** Midnight at the start of the reporting day holding `now`. */
export const startOfReportingDay = (now: Date) =>
  new Date(Math.floor((now.getTime() + reportingOffsetMs) / dayMs) * dayMs - reportingOffsetMs);

/** The countable facts; clock facts are `clock_stopped:<clock key>` and `clock_met:<clock key>`. */
export const figureMetrics = [
  'registered',
  'repeats',
  'resolved',
  'reopened',
  'closed',
  'cancelled',
  'callbacks_opened',
  'callbacks_opened_reached',
  'callbacks_recorded',
  'callbacks_reached',
  'satisfaction_count',
  'satisfaction_sum',
  'unsatisfied',
] as const;
export type FigureMetric = (typeof figureMetrics)[number] | `clock_stopped:${string}` | `clock_met:${string}`;

export type FigureDayRow = {
  unitId: number;
  day: string;
  caseTypeId: number;
  categoryKey: string;
  assigneeUserId: number;
  metric: FigureMetric;
  n: number;
};
type Facts = Map<string, FigureDayRow>;

/** Satisfaction scores at or below this count as unsatisfied. */
export const unsatisfiedAtOrBelow = 2;

const keyOf = (r: Omit<FigureDayRow, 'n'>) =>
  `${r.unitId}\u0000${r.day}\u0000${r.caseTypeId}\u0000${r.categoryKey}\u0000${r.assigneeUserId}\u0000${r.metric}`;

/** Ids per statement, well under both dialects' parameter limits. */
const idsPerQuery = 5_000;

/** The facts of some cases, computed from their stored rows. */
export const factsOfCases = async (db: Executor, caseIds: readonly number[]): Promise<Facts> => {
  const facts: Facts = new Map();
  for (let i = 0; i < caseIds.length; i += idsPerQuery) {
    const ids = caseIds.slice(i, i + idsPerQuery);
    const [cases, events, clocks, callbacks] = await Promise.all([
      db
        .selectFrom('cases')
        .select([
          'id',
          'unitId',
          'caseTypeId',
          'categoryKey',
          'assigneeUserId',
          'createdAt',
          'repeatOfCaseId',
          'status',
          'closedAt',
        ])
        .where('id', 'in', ids)
        .execute(),
      // Filtered here rather than in SQL: a condition on kind or state could lead the planner
      // to the (kind, at) or (state, stopped_at) index, reading every resolution or stopped clock.
      db.selectFrom('caseEvents').select(['caseId', 'kind', 'at']).where('caseId', 'in', ids).execute(),
      db
        .selectFrom('caseClocks')
        .select(['caseId', 'clockKey', 'state', 'stoppedAt'])
        .where('caseId', 'in', ids)
        .execute(),
      db
        .selectFrom('caseCallbacks')
        .select(['caseId', 'createdAt', 'status', 'reached', 'satisfaction', 'recordedAt'])
        .where('caseId', 'in', ids)
        .execute(),
    ]);
    const byId = new Map(cases.map((c) => [c.id, c]));
    const add = (caseId: number, at: string, metric: FigureMetric, n = 1) => {
      const c = byId.get(caseId);
      if (!c || n === 0) return;
      const row = {
        unitId: c.unitId,
        day: reportingDayOf(at),
        caseTypeId: c.caseTypeId,
        categoryKey: c.categoryKey,
        assigneeUserId: c.assigneeUserId ?? 0,
        metric,
      };
      const key = keyOf(row);
      const existing = facts.get(key);
      if (existing) existing.n += n;
      else facts.set(key, { ...row, n });
    };
    for (const c of cases) {
      add(c.id, c.createdAt, 'registered');
      if (c.repeatOfCaseId !== null) add(c.id, c.createdAt, 'repeats');
      if (c.closedAt !== null && (c.status === 'closed' || c.status === 'cancelled'))
        add(c.id, c.closedAt, c.status);
    }
    for (const e of events) if (e.kind === 'resolved' || e.kind === 'reopened') add(e.caseId, e.at, e.kind);
    for (const k of clocks) {
      if (k.stoppedAt === null || (k.state !== 'met' && k.state !== 'breached')) continue;
      add(k.caseId, k.stoppedAt, `clock_stopped:${k.clockKey}`);
      if (k.state === 'met') add(k.caseId, k.stoppedAt, `clock_met:${k.clockKey}`);
    }
    for (const b of callbacks) {
      add(b.caseId, b.createdAt, 'callbacks_opened');
      if (b.reached === 1) add(b.caseId, b.createdAt, 'callbacks_opened_reached');
      if (b.status !== 'done' || b.recordedAt === null) continue;
      add(b.caseId, b.recordedAt, 'callbacks_recorded');
      if (b.reached !== 1) continue;
      add(b.caseId, b.recordedAt, 'callbacks_reached');
      if (b.satisfaction === null) continue;
      add(b.caseId, b.recordedAt, 'satisfaction_count');
      add(b.caseId, b.recordedAt, 'satisfaction_sum', b.satisfaction);
      if (b.satisfaction <= unsatisfiedAtOrBelow) add(b.caseId, b.recordedAt, 'unsatisfied');
    }
  }
  return facts;
};

/** Rows per upsert: 7 columns each, under SQLite's 32,766 bound parameters. */
const rowsPerUpsert = 4_000;

/** Adds `after − before` to the rollup; rows that fall to zero are removed. */
const applyDelta = async (db: Executor, before: Facts, after: Facts) => {
  const delta: FigureDayRow[] = [];
  for (const [key, row] of after) {
    const n = row.n - (before.get(key)?.n ?? 0);
    if (n !== 0) delta.push({ ...row, n });
  }
  for (const [key, row] of before) if (!after.has(key)) delta.push({ ...row, n: -row.n });
  if (delta.length === 0) return;
  // One key order for every writer, so concurrent changes on PostgreSQL lock rows in the same order.
  inKeyOrder(delta);
  for (let i = 0; i < delta.length; i += rowsPerUpsert) {
    const updated = await db
      .insertInto('caseFigureDays')
      .values(delta.slice(i, i + rowsPerUpsert))
      .onConflict((oc) =>
        oc
          .columns(['unitId', 'day', 'caseTypeId', 'categoryKey', 'assigneeUserId', 'metric'])
          .doUpdateSet((eb) => ({ n: eb('caseFigureDays.n', '+', eb.ref('excluded.n')) })),
      )
      .returning(['unitId', 'day', 'caseTypeId', 'categoryKey', 'assigneeUserId', 'metric', 'n'])
      .execute();
    // Only rows this change holds locked are removed, so no writer waits on another's rows.
    for (const r of updated.filter((u) => Number(u.n) === 0))
      await db
        .deleteFrom('caseFigureDays')
        .where('unitId', '=', r.unitId)
        .where('day', '=', r.day)
        .where('caseTypeId', '=', r.caseTypeId)
        .where('categoryKey', '=', r.categoryKey)
        .where('assigneeUserId', '=', r.assigneeUserId)
        .where('metric', '=', r.metric)
        .where('n', '=', 0)
        .execute();
  }
};

/**
 * Runs a change of some cases and adds what it changed in their facts to the rollup, in the
 * caller's transaction. Call it after the cases are locked (`loadForChange`), so the facts read
 * before are the ones the change starts from.
 */
export const withFigureDelta = async <T>(
  tx: Executor,
  caseIds: readonly number[],
  change: () => Promise<T>,
): Promise<T> => {
  const before = await factsOfCases(tx, caseIds);
  const result = await change();
  await applyDelta(tx, before, await factsOfCases(tx, caseIds));
  return result;
};

/** Adds the facts of cases that were just written (registered or imported) to the rollup. */
export const addFiguresOf = async (tx: Executor, caseIds: readonly number[]) =>
  applyDelta(tx, new Map(), await factsOfCases(tx, caseIds));

/** Recomputes the whole rollup from the stored cases (a migration, a repair, a seeded benchmark). */
export const rebuildCaseFigures = async (db: Executor) => {
  await db.deleteFrom('caseFigureDays').execute();
  let after = 0;
  for (;;) {
    const ids = (
      await db
        .selectFrom('cases')
        .select('id')
        .where('id', '>', after)
        .orderBy('id')
        .limit(idsPerQuery * 4)
        .execute()
    ).map((r) => r.id);
    if (ids.length === 0) return;
    await addFiguresOf(db, ids);
    after = ids.at(-1)!;
  }
};

const inKeyOrder = (rows: FigureDayRow[]) => rows.sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : 1));

/** The rollup as stored, in key order (to compare with `expectedFigureDays` in tests and repairs). */
export const storedFigureDays = async (db: Executor): Promise<FigureDayRow[]> =>
  inKeyOrder(
    (await db.selectFrom('caseFigureDays').selectAll().execute()).map((r) => ({
      ...r,
      metric: r.metric as FigureMetric,
      n: Number(r.n),
    })),
  );

/** The rollup as `rebuildCaseFigures` would compute it now, in key order. */
export const expectedFigureDays = async (db: Executor): Promise<FigureDayRow[]> => {
  const ids = (await db.selectFrom('cases').select('id').execute()).map((r) => r.id);
  return inKeyOrder([...(await factsOfCases(db, ids)).values()]);
};
