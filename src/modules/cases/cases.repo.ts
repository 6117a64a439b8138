import type { Insertable, Selectable, Updateable } from 'kysely';
import type { ScopeRoots } from '../../platform/access.js';
import type { Executor } from '../../platform/db/database.js';
import { isUniqueViolation } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors/app-error.js';
import { unitIdsUnder } from '../org/scope.js';
import type {
  CaseCallbackTable,
  CaseClockTable,
  CaseEscalationTable,
  CaseEventTable,
  CaseTable,
} from './cases.tables.js';

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

/* ---------- multi-row queries of the history import, chunked under both dialects' parameter limits ---------- */

/**
 * Bound parameters per statement: SQLite as bundled by better-sqlite3 allows 32,766, PostgreSQL
 * 65,535. A multi-row INSERT binds rows × columns, so each table gets its own rows per chunk.
 */
const maxParameters = 30_000;

const chunks = <T>(items: readonly T[], columns: number): T[][] => {
  const size = Math.max(1, Math.floor(maxParameters / columns));
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

/** Case ids by external key for the keys the case type already holds. */
export const existingKeys = async (tx: Executor, caseTypeId: number, keys: readonly string[]) => {
  const found = new Map<string, number>();
  for (const part of chunks(keys, 1)) {
    const rows = await tx
      .selectFrom('cases')
      .select(['id', 'externalKey'])
      .where('caseTypeId', '=', caseTypeId)
      .where('externalKey', 'in', part)
      .execute();
    for (const r of rows) if (r.externalKey !== null) found.set(r.externalKey, r.id);
  }
  return found;
};

export const insertAll = async <T extends 'caseEvents' | 'caseClocks'>(
  tx: Executor,
  table: T,
  rows: Array<Insertable<T extends 'caseEvents' ? CaseEventTable : CaseClockTable>>,
) => {
  if (rows.length === 0) return;
  for (const part of chunks(rows, Object.keys(rows[0]!).length))
    await tx
      .insertInto(table)
      .values(part as never)
      .execute();
};

/** Inserts the cases and answers their ids by external key (RETURNING order is not promised). */
export const insertCases = async (tx: Executor, rows: Array<Insertable<CaseTable>>) => {
  const ids = new Map<string, number>();
  if (rows.length === 0) return ids;
  for (const part of chunks(rows, Object.keys(rows[0]!).length)) {
    try {
      const inserted = await tx.insertInto('cases').values(part).returning(['id', 'externalKey']).execute();
      for (const r of inserted) ids.set(r.externalKey!, r.id);
    } catch (error) {
      // Another import of the same keys committed after this one looked: refuse, as createCase does.
      if (isUniqueViolation(error))
        throw new AppError('cases.external_key_taken', {
          externalKey: `${part[0]!.externalKey}…${part[part.length - 1]!.externalKey}`,
          field: 'externalKey',
          concurrentImport: true,
        });
      throw error;
    }
  }
  return ids;
};

/** Inserts an escalation key; true when this call inserted it, false when it was there already. */
export const insertEscalationIfAbsent = async (db: Executor, values: Insertable<CaseEscalationTable>) => {
  const result = await db
    .insertInto('caseEscalations')
    .values(values)
    .onConflict((oc) => oc.columns(['caseId', 'clockKey', 'cycle', 'level']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
};

/** Open cases' running clocks that are at risk, or near or past due. */
export const listEscalationCandidates = (db: Executor, until: string) =>
  db
    .selectFrom('caseClocks')
    .innerJoin('cases', 'cases.id', 'caseClocks.caseId')
    .select([
      'cases.id as caseId',
      'cases.caseTypeId',
      'cases.unitId',
      'cases.title',
      'cases.assigneeUserId',
      'cases.registrantUserId',
      'caseClocks.clockKey',
      'caseClocks.cycle',
      'caseClocks.dueAt',
      'caseClocks.atRiskAt',
    ])
    .where('cases.isOpen', '=', 1)
    .where('caseClocks.stoppedAt', 'is', null)
    .where('caseClocks.state', '=', 'running') // a paused clock is not late while it waits
    .where((eb) => eb.or([eb('caseClocks.atRiskAt', '<=', until), eb('caseClocks.dueAt', '<=', until)]))
    .orderBy('caseClocks.dueAt')
    .execute();

/** Opens a callback unless the case has one for this cycle already. */
export const insertCallbackIfAbsent = (db: Executor, values: Insertable<CaseCallbackTable>) =>
  db
    .insertInto('caseCallbacks')
    .values(values)
    .onConflict((oc) => oc.columns(['caseId', 'cycle']).doNothing())
    .execute();

export const updateCallback = (db: Executor, id: number, values: Updateable<CaseCallbackTable>) =>
  db.updateTable('caseCallbacks').set(values).where('id', '=', id).execute();
