import type { Actor, ScopeRoots } from '../../platform/access.js';
import { requirePermission } from '../../platform/access.js';
import type { Clock } from '../../platform/clock.js';
import type { Executor } from '../../platform/db/database.js';
import type { Deps } from '../../platform/deps.js';
import { AppError } from '../../platform/errors/app-error.js';
import { enqueueJob } from '../../platform/jobs/jobs.service.js';
import { recordAudit } from '../audit/audit.service.js';
import { canAccessUnit, widenToOrganisation } from '../org/units.service.js';
import * as notificationsRepo from './notifications.repo.js';
import type { NotificationRow, WebhookDeliveryRow, WebhookEndpointRow } from './notifications.repo.js';
import type {
  CreateWebhookEndpointInput,
  ListNotificationsQuery,
  Notification,
  UpdateWebhookEndpointInput,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookTestResult,
} from './notifications.schema.js';
import { ZCreateWebhookEndpointInput, ZNotifyInput } from './notifications.schema.js';
import type { DeliveryMessage, DeliveryOptions } from './webhook-delivery.js';
import {
  deliverJobName,
  deliveryJobKey,
  deliveryMaxAttempts,
  targetOf,
  toOutgoing,
} from './webhook-delivery.js';
import type { WebhookKind, WebhookLocale } from './webhook-formats.js';
import { maskWebhookUrl } from './webhook-formats.js';
import { sendWebhook } from './webhook-send.js';

export type LocalisedText = { zh: string; en: string };
export type NotifyInput = {
  /** Users who get an inbox item (deduplicated). May be empty (webhooks only). */
  recipientUserIds: readonly number[];
  /**
   * Stable idempotency key, e.g. `case:12:resolve:breached:level1`. Calling notify again with the
   * same key creates no new inbox item for a user who already has it, and no second webhook delivery.
   */
  dedupeKey: string;
  /** What happened, e.g. 'case.assigned' | 'case.at_risk' | 'case.breached' | 'case.escalated' | 'case.callback_due'. Webhook endpoints may filter on it. */
  topic: string;
  title: LocalisedText;
  /** Markdown. */
  body: LocalisedText;
  /** Path in the web app, e.g. `/cases/12`; webhooks make it absolute with the public URL when one is configured. */
  link?: string | null;
  /** Unit the matter belongs to; webhook endpoints bound to a unit receive only matters in that unit's subtree. */
  unitId: number | null;
  entity?: { type: string; id: number } | null;
};

const parseTopics = (json: string): string[] => {
  const parsed: unknown = JSON.parse(json);
  return Array.isArray(parsed) ? parsed.filter((t): t is string => typeof t === 'string') : [];
};

const acceptsTopic = (endpoint: WebhookEndpointRow, topic: string) => {
  const topics = parseTopics(endpoint.topicsJson);
  return topics.length === 0 || topics.includes(topic);
};

/**
 * Writes inbox rows and enqueues one webhook delivery job per matching enabled endpoint, in the
 * caller's transaction `tx`. Never performs network I/O itself: a failing endpoint cannot block or
 * roll back the caller's change. Idempotent by `dedupeKey`, also across processes (unique keys:
 * a concurrent second call waits for the first and then inserts nothing).
 */
export const notify = async (
  tx: Executor,
  input: NotifyInput,
  { clock }: { clock: Clock },
): Promise<{ inboxCreated: number; deliveriesQueued: number }> => {
  const values = ZNotifyInput.parse(input);
  const now = clock.now().toISOString();
  const link = values.link ?? null;
  const entity = values.entity ?? null;
  const inboxCreated = await notificationsRepo.insertNotifications(
    tx,
    [...new Set(values.recipientUserIds)].map((userId) => ({
      userId,
      topic: values.topic,
      titleZh: values.title.zh,
      titleEn: values.title.en,
      bodyZh: values.body.zh,
      bodyEn: values.body.en,
      link,
      entityType: entity?.type ?? null,
      entityId: entity?.id ?? null,
      unitId: values.unitId,
      dedupeKey: values.dedupeKey,
      createdAt: now,
      readAt: null,
    })),
  );

  const message: DeliveryMessage = {
    topic: values.topic,
    dedupeKey: values.dedupeKey,
    title: values.title,
    body: values.body,
    link,
    unitId: values.unitId,
    entity,
    createdAt: now,
  };
  let deliveriesQueued = 0;
  const endpoints = await notificationsRepo.endpointsForUnit(tx, values.unitId);
  for (const endpoint of endpoints.filter((e) => acceptsTopic(e, values.topic))) {
    const deliveryId = await notificationsRepo.insertDeliveryIfAbsent(tx, {
      endpointId: endpoint.id,
      dedupeKey: values.dedupeKey,
      topic: values.topic,
      status: 'queued',
      attempts: 0,
      createdAt: now,
      updatedAt: now,
    });
    if (deliveryId === undefined) continue; // sent (or being sent) already
    await enqueueJob(
      tx,
      {
        name: deliverJobName,
        key: deliveryJobKey(endpoint.id, values.dedupeKey),
        payload: { endpointId: endpoint.id, message },
        maxAttempts: deliveryMaxAttempts,
      },
      { clock },
    );
    deliveriesQueued += 1;
  }
  return { inboxCreated, deliveriesQueued };
};

// ---- the inbox: every user reads and marks only his own items ----

const inboxOwner = (actor: Actor): number => {
  if (actor.kind !== 'user') throw new AppError('notifications.no_inbox');
  return actor.userId;
};

export const toNotification = (row: NotificationRow): Notification => ({
  id: row.id,
  topic: row.topic,
  title: { zh: row.titleZh, en: row.titleEn },
  body: { zh: row.bodyZh, en: row.bodyEn },
  link: row.link,
  entity:
    row.entityType !== null && row.entityId !== null ? { type: row.entityType, id: row.entityId } : null,
  unitId: row.unitId,
  createdAt: row.createdAt,
  readAt: row.readAt,
});

/** The caller's inbox, newest first. */
export const listNotifications = async (
  query: ListNotificationsQuery,
  { db, actor }: Pick<Deps, 'db' | 'actor'>,
) => {
  const userId = inboxOwner(actor);
  const { items, total } = await notificationsRepo.listNotifications(
    db,
    { userId, unread: query.unread },
    { limit: query.pageSize, offset: (query.page - 1) * query.pageSize },
  );
  return { items: items.map(toNotification), total, page: query.page, pageSize: query.pageSize };
};

export const countUnreadNotifications = async ({
  db,
  actor,
}: Pick<Deps, 'db' | 'actor'>): Promise<{ count: number }> => ({
  count: await notificationsRepo.countUnread(db, inboxOwner(actor)),
});

/**
 * Marks one of the caller's items read (the first reading time stays). Not audited: it changes
 * only the reader's own view, and an audit row per click would drown the trail.
 */
export const markNotificationRead = async (
  { notificationId }: { notificationId: number },
  { db, clock, actor }: Deps,
): Promise<Notification> => {
  const userId = inboxOwner(actor);
  await notificationsRepo.markRead(db, notificationId, userId, clock.now().toISOString());
  const row = await notificationsRepo.findNotification(db, notificationId, userId);
  if (!row) throw new AppError('notifications.not_found', { notificationId });
  return toNotification(row);
};

export const markAllNotificationsRead = async ({ db, clock, actor }: Deps): Promise<{ updated: number }> => ({
  updated: await notificationsRepo.markAllRead(db, inboxOwner(actor), clock.now().toISOString()),
});

// ---- webhook endpoints (notifications.manage) ----

/** The reply form: never the secret, and the URL with its credentials masked. */
export const toWebhookEndpoint = (row: WebhookEndpointRow): WebhookEndpoint => ({
  id: row.id,
  name: row.name,
  kind: row.kind as WebhookKind,
  url: maskWebhookUrl(row.url),
  hasSecret: row.secret !== null,
  unitId: row.unitId,
  topics: parseTopics(row.topicsJson),
  locale: row.locale as WebhookLocale,
  enabled: row.enabled === 1,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});

/** The caller's notifications.manage scope; 'all' when it covers the whole organisation. */
const manageScope = async (db: Executor, actor: Actor): Promise<ScopeRoots> =>
  widenToOrganisation(db, requirePermission(actor, 'notifications.manage'));

/** An unbound endpoint needs the whole organisation; a bound one a unit inside the scope. */
const requireUnitInScope = async (db: Executor, actor: Actor, scope: ScopeRoots, unitId: number | null) => {
  if (unitId === null) {
    if (scope !== 'all') throw new AppError('notifications.global_endpoint_forbidden');
    return;
  }
  if (!(await canAccessUnit({ unitId, permission: 'notifications.manage' }, { db, actor })))
    throw new AppError('org.unit_not_found', { unitId });
};

/** WeCom robots have no signing; a secret there would give a false sense of security. */
const requireSigningSupport = (kind: string, secret: string | null) => {
  if (kind === 'wecom' && secret !== null) throw new AppError('notifications.secret_not_supported', { kind });
};

const requireEndpoint = async (db: Executor, endpointId: number, scope: ScopeRoots) => {
  const row = await notificationsRepo.findEndpoint(db, endpointId, scope);
  if (!row) throw new AppError('notifications.endpoint_not_found', { endpointId });
  return row;
};

export const listWebhookEndpoints = async ({
  db,
  actor,
}: Pick<Deps, 'db' | 'actor'>): Promise<{ items: WebhookEndpoint[] }> => {
  const scope = await manageScope(db, actor);
  return { items: (await notificationsRepo.listEndpoints(db, scope)).map(toWebhookEndpoint) };
};

export const getWebhookEndpoint = async (
  { endpointId }: { endpointId: number },
  { db, actor }: Pick<Deps, 'db' | 'actor'>,
): Promise<WebhookEndpoint> =>
  toWebhookEndpoint(await requireEndpoint(db, endpointId, await manageScope(db, actor)));

export const createWebhookEndpoint = async (
  input: CreateWebhookEndpointInput,
  { db, clock, actor }: Deps,
): Promise<WebhookEndpoint> => {
  const values = ZCreateWebhookEndpointInput.parse(input);
  return db.transaction().execute(async (tx) => {
    const scope = await manageScope(tx, actor);
    await requireUnitInScope(tx, actor, scope, values.unitId);
    const secret = values.secret ?? null;
    requireSigningSupport(values.kind, secret);
    const now = clock.now().toISOString();
    const id = await notificationsRepo.insertEndpoint(tx, {
      name: values.name,
      kind: values.kind,
      url: values.url,
      secret,
      unitId: values.unitId,
      topicsJson: JSON.stringify([...new Set(values.topics)]),
      locale: values.locale,
      enabled: values.enabled ? 1 : 0,
      createdAt: now,
      updatedAt: now,
    });
    const endpoint = toWebhookEndpoint(await requireEndpoint(tx, id, 'all'));
    await recordAudit(
      tx,
      {
        action: 'webhook_endpoint.create',
        entity: 'webhook_endpoint',
        entityId: id,
        unitId: endpoint.unitId,
        after: endpoint,
      },
      { actor, clock },
    );
    return endpoint;
  });
};

/**
 * Changes an endpoint. `secret`: a string sets it, null clears it, absent keeps it. A `url` equal
 * to the masked form the API showed keeps the stored URL (the form sends back what it got).
 */
export const updateWebhookEndpoint = async (
  { endpointId, patch }: { endpointId: number; patch: UpdateWebhookEndpointInput },
  { db, clock, actor }: Deps,
): Promise<WebhookEndpoint> =>
  db.transaction().execute(async (tx) => {
    const scope = await manageScope(tx, actor);
    const current = await requireEndpoint(tx, endpointId, scope);
    if (patch.unitId !== undefined && patch.unitId !== current.unitId)
      await requireUnitInScope(tx, actor, scope, patch.unitId);
    const kind = patch.kind ?? current.kind;
    const secret = patch.secret !== undefined ? patch.secret : current.secret;
    requireSigningSupport(kind, secret);
    const urlChanged = patch.url !== undefined && patch.url !== maskWebhookUrl(current.url);
    await notificationsRepo.updateEndpoint(tx, endpointId, {
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.kind !== undefined ? { kind: patch.kind } : {}),
      ...(urlChanged ? { url: patch.url } : {}),
      ...(patch.secret !== undefined ? { secret: patch.secret } : {}),
      ...(patch.unitId !== undefined ? { unitId: patch.unitId } : {}),
      ...(patch.topics !== undefined ? { topicsJson: JSON.stringify([...new Set(patch.topics)]) } : {}),
      ...(patch.locale !== undefined ? { locale: patch.locale } : {}),
      ...(patch.enabled !== undefined ? { enabled: patch.enabled ? 1 : 0 } : {}),
      updatedAt: clock.now().toISOString(),
    });
    const endpoint = toWebhookEndpoint(await requireEndpoint(tx, endpointId, 'all'));
    await recordAudit(
      tx,
      {
        action: 'webhook_endpoint.update',
        entity: 'webhook_endpoint',
        entityId: endpointId,
        unitId: endpoint.unitId,
        before: toWebhookEndpoint(current),
        // A rotated secret leaves hasSecret unchanged; say that it changed, never what to.
        after: {
          ...endpoint,
          ...(patch.secret !== undefined ? { secretChanged: true } : {}),
          ...(urlChanged ? { urlChanged: true } : {}),
        },
      },
      { actor, clock },
    );
    return endpoint;
  });

/** Deletes an endpoint with its delivery records; its queued deliveries are dropped. */
export const deleteWebhookEndpoint = async (
  { endpointId }: { endpointId: number },
  { db, clock, actor }: Deps,
): Promise<void> => {
  await db.transaction().execute(async (tx) => {
    const current = await requireEndpoint(tx, endpointId, await manageScope(tx, actor));
    await recordAudit(
      tx,
      {
        action: 'webhook_endpoint.delete',
        entity: 'webhook_endpoint',
        entityId: endpointId,
        unitId: current.unitId,
        before: toWebhookEndpoint(current),
      },
      { actor, clock },
    );
    await notificationsRepo.deleteEndpoint(tx, endpointId);
  });
};

const toWebhookDelivery = (row: WebhookDeliveryRow): WebhookDelivery => ({
  id: row.id,
  endpointId: row.endpointId,
  dedupeKey: row.dedupeKey,
  topic: row.topic,
  status: row.status as WebhookDelivery['status'],
  attempts: row.attempts,
  lastStatusCode: row.lastStatusCode,
  lastError: row.lastError,
  lastAttemptAt: row.lastAttemptAt,
  deliveredAt: row.deliveredAt,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});

/** The endpoint's most recent deliveries, newest first. */
export const listWebhookDeliveries = async (
  { endpointId, limit }: { endpointId: number; limit: number },
  { db, actor }: Pick<Deps, 'db' | 'actor'>,
): Promise<{ items: WebhookDelivery[] }> => {
  await requireEndpoint(db, endpointId, await manageScope(db, actor));
  return { items: (await notificationsRepo.listDeliveries(db, endpointId, limit)).map(toWebhookDelivery) };
};

const testMessage = (endpointId: number, now: Date): DeliveryMessage => ({
  topic: 'notifications.test',
  dedupeKey: `test:${endpointId}:${now.getTime()}`,
  title: { zh: '管控 Guankong 测试消息', en: 'Guankong test message' },
  body: {
    zh: '这是一条测试消息，收到即表示 Webhook 配置正确。',
    en: 'This is a test message: receiving it means the webhook is set up correctly.',
  },
  link: '/inbox',
  unitId: null,
  entity: null,
  createdAt: now.toISOString(),
});

/**
 * Sends a test message to the endpoint now (also when disabled) and returns the outcome. It is
 * not recorded as a delivery and changes nothing, so it is not audited.
 */
export const testWebhookEndpoint = async (
  { endpointId }: { endpointId: number },
  { db, clock, actor }: Deps,
  { publicUrl = null, timeoutMs }: DeliveryOptions = {},
): Promise<WebhookTestResult> => {
  const endpoint = await requireEndpoint(db, endpointId, await manageScope(db, actor));
  const target = targetOf(endpoint);
  const now = clock.now();
  return sendWebhook(target, toOutgoing(testMessage(endpointId, now), target.locale, publicUrl), {
    now,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });
};
