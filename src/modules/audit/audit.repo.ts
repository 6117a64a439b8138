import { sql } from 'kysely';
import type { Insertable } from 'kysely';
import type { AuditLogTable } from './audit.tables.js';
import type { Executor } from '../../platform/db/database.js';
import { dialectOf } from '../../platform/db/database.js';
import type { ScopeRoots } from '../../platform/access.js';

/**
 * Serialises appends so that each row links to the true last row. SQLite already runs one
 * writer at a time; PostgreSQL takes a transaction-scoped advisory lock (released at commit).
 */
export const lockChain = async (tx: Executor): Promise<void> => {
  if (dialectOf(tx) === 'postgres') await sql`select pg_advisory_xact_lock(7304223611)`.execute(tx);
};

export const lastRow = (tx: Executor) =>
  tx.selectFrom('auditLog').select(['id', 'hash']).orderBy('id', 'desc').limit(1).executeTakeFirst();

export const insertRow = (tx: Executor, row: Insertable<AuditLogTable>) =>
  tx.insertInto('auditLog').values(row).execute();

/** Rows in id order after `afterId`, a batch at a time, for verification. */
export const rowsAfter = (db: Executor, afterId: number, limit: number) =>
  db.selectFrom('auditLog').selectAll().where('id', '>', afterId).orderBy('id').limit(limit).execute();

/**
 * A page of the trail, newest first. `unitRoots` limits it to rows whose unit is in the
 * reader's scope (rows without a unit, e.g. system settings, are readable only with 'all').
 */
export const listRows = async (
  db: Executor,
  filter: { entity?: string | undefined; entityId?: string | undefined; unitRoots: ScopeRoots },
  page: { limit: number; offset: number },
) => {
  let query = db.selectFrom('auditLog');
  if (filter.entity) query = query.where('entity', '=', filter.entity);
  if (filter.entityId) query = query.where('entityId', '=', filter.entityId);
  if (filter.unitRoots !== 'all') {
    const roots = filter.unitRoots.length ? filter.unitRoots : [-1];
    query = query.where('unitId', 'in', (eb) =>
      eb.selectFrom('unitClosure').select('descendantId').where('ancestorId', 'in', roots),
    );
  }
  const [items, total] = await Promise.all([
    query.selectAll().orderBy('id', 'desc').limit(page.limit).offset(page.offset).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(total.n) };
};
