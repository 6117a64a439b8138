import type { Insertable, Selectable, Updateable } from 'kysely';
import type { ScopeRoots } from '../../platform/access.js';
import type { Executor } from '../../platform/db/database.js';
import { unitIdsUnder } from '../org/scope.js';
import type { CaseClockTable, CaseEventTable, CaseTable } from './cases.tables.js';

/* Queries of the cases module: no rules, no HTTP. */

export type CaseRow = Selectable<CaseTable>;
export type CaseEventRow = Selectable<CaseEventTable>;
export type CaseClockRow = Selectable<CaseClockTable>;

/**
 * Who sees a case: the holders of `cases.read` on its unit (or an ancestor), its assignee and
 * its registrant. A technician granted on his team sees the cases assigned to him, wherever
 * they belong; an area manager sees his area's.
 */
export type Visibility = { roots: ScopeRoots; userId: number | null };

export const visibleCases = (db: Executor, { roots, userId }: Visibility) => {
  const query = db.selectFrom('cases');
  if (roots === 'all') return query;
  return query.where((eb) =>
    eb.or([
      eb('cases.unitId', 'in', unitIdsUnder(eb, roots)),
      ...(userId !== null
        ? [eb('cases.assigneeUserId', '=', userId), eb('cases.registrantUserId', '=', userId)]
        : []),
    ]),
  );
};

export const findCase = (db: Executor, caseId: number, visibility: Visibility) =>
  visibleCases(db, visibility).selectAll('cases').where('cases.id', '=', caseId).executeTakeFirst();

export const insertCase = async (db: Executor, values: Insertable<CaseTable>): Promise<number> =>
  (await db.insertInto('cases').values(values).returning('id').executeTakeFirstOrThrow()).id;

export const updateCase = (db: Executor, caseId: number, values: Updateable<CaseTable>) =>
  db.updateTable('cases').set(values).where('id', '=', caseId).execute();

export const insertEvent = async (db: Executor, values: Insertable<CaseEventTable>) =>
  (await db.insertInto('caseEvents').values(values).returning('id').executeTakeFirstOrThrow()).id;

export const listEvents = (db: Executor, caseId: number) =>
  db.selectFrom('caseEvents').selectAll().where('caseId', '=', caseId).orderBy('id').execute();

export const listClocks = (db: Executor, caseIds: number[]) =>
  caseIds.length === 0
    ? Promise.resolve([] as CaseClockRow[])
    : db.selectFrom('caseClocks').selectAll().where('caseId', 'in', caseIds).execute();

export const replaceClocks = async (db: Executor, caseId: number, rows: Insertable<CaseClockTable>[]) => {
  await db.deleteFrom('caseClocks').where('caseId', '=', caseId).execute();
  if (rows.length) await db.insertInto('caseClocks').values(rows).execute();
};

export const findByExternalKey = (db: Executor, caseTypeId: number, externalKey: string) =>
  db
    .selectFrom('cases')
    .select('id')
    .where('caseTypeId', '=', caseTypeId)
    .where('externalKey', '=', externalKey)
    .executeTakeFirst();

/** The latest earlier case of a customer in a category since `since`: the one a new complaint repeats. */
export const findRepeatCandidate = (
  db: Executor,
  {
    customerId,
    caseTypeId,
    categoryKey,
    since,
  }: { customerId: number; caseTypeId: number; categoryKey: string; since: string },
) =>
  db
    .selectFrom('cases')
    .select(['id', 'createdAt'])
    .where('customerId', '=', customerId)
    .where('categoryKey', '=', categoryKey)
    .where('caseTypeId', '=', caseTypeId)
    .where('createdAt', '>=', since)
    .where('status', '!=', 'cancelled')
    .orderBy('createdAt', 'desc')
    .limit(1)
    .executeTakeFirst();

export const pendingCallback = (db: Executor, caseId: number) =>
  db
    .selectFrom('caseCallbacks')
    .selectAll()
    .where('caseId', '=', caseId)
    .where('status', '=', 'pending')
    .orderBy('cycle', 'desc')
    .executeTakeFirst();

export const listCallbacks = (db: Executor, caseId: number) =>
  db.selectFrom('caseCallbacks').selectAll().where('caseId', '=', caseId).orderBy('cycle').execute();
