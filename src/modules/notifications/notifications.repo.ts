import type { Insertable, Selectable, Updateable } from 'kysely';
import type { ScopeRoots } from '../../platform/access.js';
import type { Executor } from '../../platform/db/database.js';
import { unitIdsUnder } from '../org/scope.js';
import type {
  NotificationTable,
  WebhookDeliveryTable,
  WebhookEndpointTable,
} from './notifications.tables.js';

/* Queries only; the rules are in notifications.service.ts and webhook-delivery.ts. */

export type NotificationRow = Selectable<NotificationTable>;
export type WebhookEndpointRow = Selectable<WebhookEndpointTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveryTable>;

// ---- inbox ----

/** Inserts the items whose (user, dedupe key) is new; returns how many were new. */
export const insertNotifications = async (
  db: Executor,
  rows: Insertable<NotificationTable>[],
): Promise<number> => {
  if (rows.length === 0) return 0;
  const inserted = await db
    .insertInto('notifications')
    .values(rows)
    .onConflict((oc) => oc.columns(['userId', 'dedupeKey']).doNothing())
    .returning('id')
    .execute();
  return inserted.length;
};

export const listNotifications = async (
  db: Executor,
  { userId, unread }: { userId: number; unread: boolean },
  page: { limit: number; offset: number },
): Promise<{ items: NotificationRow[]; total: number }> => {
  let query = db.selectFrom('notifications').where('userId', '=', userId);
  if (unread) query = query.where('readAt', 'is', null);
  const [items, total] = await Promise.all([
    query.selectAll().orderBy('id', 'desc').limit(page.limit).offset(page.offset).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(total.n) };
};

export const countUnread = async (db: Executor, userId: number): Promise<number> =>
  Number(
    (
      await db
        .selectFrom('notifications')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('userId', '=', userId)
        .where('readAt', 'is', null)
        .executeTakeFirstOrThrow()
    ).n,
  );

/** The user's own item; another user's is as absent as a missing one. */
export const findNotification = (db: Executor, id: number, userId: number) =>
  db
    .selectFrom('notifications')
    .selectAll()
    .where('id', '=', id)
    .where('userId', '=', userId)
    .executeTakeFirst();

export const markRead = (db: Executor, id: number, userId: number, now: string) =>
  db
    .updateTable('notifications')
    .set({ readAt: now })
    .where('id', '=', id)
    .where('userId', '=', userId)
    .where('readAt', 'is', null)
    .execute();

export const markAllRead = async (db: Executor, userId: number, now: string): Promise<number> =>
  Number(
    (
      await db
        .updateTable('notifications')
        .set({ readAt: now })
        .where('userId', '=', userId)
        .where('readAt', 'is', null)
        .executeTakeFirst()
    ).numUpdatedRows,
  );

// ---- endpoints ----

/**
 * Endpoints visible in a scope: those bound to a unit inside it; unbound (organisation-wide)
 * endpoints only for 'all'.
 */
const selectEndpoints = (db: Executor, roots: ScopeRoots) => {
  const query = db.selectFrom('webhookEndpoints').selectAll();
  return roots === 'all' ? query : query.where('unitId', 'in', (eb) => unitIdsUnder(eb, roots));
};

export const listEndpoints = (db: Executor, roots: ScopeRoots) =>
  selectEndpoints(db, roots).orderBy('name').orderBy('id').execute();

export const findEndpoint = (db: Executor, id: number, roots: ScopeRoots) =>
  selectEndpoints(db, roots).where('id', '=', id).executeTakeFirst();

/**
 * Enabled endpoints that take matters of `unitId`: unbound ones, and those bound to the unit or
 * one of its ancestors (the matter lies in their subtree, read from the org closure table).
 */
export const endpointsForUnit = (db: Executor, unitId: number | null) =>
  db
    .selectFrom('webhookEndpoints')
    .selectAll()
    .where('enabled', '=', 1)
    .where((eb) =>
      unitId === null
        ? eb('unitId', 'is', null)
        : eb.or([
            eb('unitId', 'is', null),
            eb.exists(
              eb
                .selectFrom('unitClosure')
                .select('unitClosure.descendantId')
                .whereRef('unitClosure.ancestorId', '=', 'webhookEndpoints.unitId')
                .where('unitClosure.descendantId', '=', unitId),
            ),
          ]),
    )
    .orderBy('id')
    .execute();

export const insertEndpoint = async (db: Executor, values: Insertable<WebhookEndpointTable>) =>
  (await db.insertInto('webhookEndpoints').values(values).returning('id').executeTakeFirstOrThrow()).id;

export const updateEndpoint = (db: Executor, id: number, values: Updateable<WebhookEndpointTable>) =>
  db.updateTable('webhookEndpoints').set(values).where('id', '=', id).execute();

/** Deletes the endpoint and (by cascade) its deliveries; their queued jobs then find nothing to do. */
export const deleteEndpoint = (db: Executor, id: number) =>
  db.deleteFrom('webhookEndpoints').where('id', '=', id).execute();

// ---- deliveries ----

/** Inserts the delivery unless (endpoint, dedupe key) exists; the new id, or undefined. */
export const insertDeliveryIfAbsent = async (
  db: Executor,
  values: Insertable<WebhookDeliveryTable>,
): Promise<number | undefined> =>
  (
    await db
      .insertInto('webhookDeliveries')
      .values(values)
      .onConflict((oc) => oc.columns(['endpointId', 'dedupeKey']).doNothing())
      .returning('id')
      .executeTakeFirst()
  )?.id;

export const findDelivery = (db: Executor, endpointId: number, dedupeKey: string) =>
  db
    .selectFrom('webhookDeliveries')
    .selectAll()
    .where('endpointId', '=', endpointId)
    .where('dedupeKey', '=', dedupeKey)
    .executeTakeFirst();

export const updateDelivery = (db: Executor, id: number, values: Updateable<WebhookDeliveryTable>) =>
  db.updateTable('webhookDeliveries').set(values).where('id', '=', id).execute();

export const listDeliveries = (db: Executor, endpointId: number, limit: number) =>
  db
    .selectFrom('webhookDeliveries')
    .selectAll()
    .where('endpointId', '=', endpointId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
