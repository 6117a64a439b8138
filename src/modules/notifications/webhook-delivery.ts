import { z } from 'zod';
import type { JobDeps, JobHandler, RunningJob } from '../../platform/jobs/jobs.service.js';
import * as notificationsRepo from './notifications.repo.js';
import type { WebhookEndpointRow } from './notifications.repo.js';
import type { OutgoingMessage, WebhookKind, WebhookLocale, WebhookTarget } from './webhook-formats.js';
import { absoluteLink } from './webhook-formats.js';
import { sendWebhook } from './webhook-send.js';

/*
 * Delivery of one notification to one webhook endpoint, run by the job runner. The runner owns
 * retries and backoff; this handler records each attempt in webhook_deliveries and throws on
 * failure so that the runner tries again.
 */

export const deliverJobName = 'notifications.deliver';

/** Runs in total per delivery: with the runner's default backoff, retries after 30 s, 1, 2 and 4 min. */
export const deliveryMaxAttempts = 5;

/** The job key: one job per endpoint and notification, however often `notify` is called. */
export const deliveryJobKey = (endpointId: number, dedupeKey: string) => `deliver:${endpointId}:${dedupeKey}`;

const ZLocalised = z.object({ zh: z.string(), en: z.string() });

/** The notification as stored in the job payload: both languages, the endpoint picks one when sending. */
export const ZDeliveryMessage = z.object({
  topic: z.string(),
  dedupeKey: z.string(),
  title: ZLocalised,
  body: ZLocalised,
  link: z.string().nullable(),
  unitId: z.number().nullable(),
  entity: z.object({ type: z.string(), id: z.number() }).nullable(),
  createdAt: z.string(),
});
export type DeliveryMessage = z.infer<typeof ZDeliveryMessage>;

const ZDeliveryPayload = z.object({ endpointId: z.number().int(), message: ZDeliveryMessage });
export type DeliveryPayload = z.infer<typeof ZDeliveryPayload>;

/** The message in the endpoint's language, with the link made absolute when a public URL is known. */
export const toOutgoing = (
  message: DeliveryMessage,
  locale: WebhookLocale,
  publicUrl: string | null,
): OutgoingMessage => ({
  topic: message.topic,
  dedupeKey: message.dedupeKey,
  title: locale === 'en' ? message.title.en : message.title.zh,
  body: locale === 'en' ? message.body.en : message.body.zh,
  link: absoluteLink(message.link, publicUrl),
  unitId: message.unitId,
  entity: message.entity,
  createdAt: message.createdAt,
});

export const targetOf = (endpoint: WebhookEndpointRow): WebhookTarget => ({
  kind: endpoint.kind as WebhookKind,
  url: endpoint.url,
  secret: endpoint.secret,
  locale: endpoint.locale === 'en' ? 'en' : 'zh-CN',
});

export type DeliveryOptions = {
  /** Base URL of the web app, to make `/cases/12` absolute; null sends links as given. */
  publicUrl?: string | null;
  /** Per request; default 10 s. */
  timeoutMs?: number;
};

/** Runs one delivery job. The endpoint is read afresh, so a changed URL or secret applies to retries. */
export const deliverNotification = async (
  job: RunningJob,
  { db, clock }: JobDeps,
  { publicUrl = null, timeoutMs }: DeliveryOptions = {},
): Promise<unknown> => {
  const { endpointId, message } = ZDeliveryPayload.parse(job.payload);
  const [endpoint, delivery] = await Promise.all([
    notificationsRepo.findEndpoint(db, endpointId, 'all'),
    notificationsRepo.findDelivery(db, endpointId, message.dedupeKey),
  ]);
  // Deleting an endpoint deletes its deliveries; the job has nothing left to do.
  if (!endpoint || !delivery) return { skipped: 'endpoint deleted' };
  if (delivery.status === 'delivered') return { skipped: 'already delivered' };
  if (endpoint.enabled !== 1) {
    const now = clock.now().toISOString();
    await notificationsRepo.updateDelivery(db, delivery.id, {
      status: 'failed',
      lastError: 'endpoint disabled before delivery',
      updatedAt: now,
    });
    return { skipped: 'endpoint disabled' };
  }

  const outcome = await sendWebhook(
    targetOf(endpoint),
    toOutgoing(message, targetOf(endpoint).locale, publicUrl),
    {
      now: clock.now(),
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    },
  );
  const now = clock.now().toISOString();
  const attempt = {
    attempts: job.attempt,
    lastStatusCode: outcome.statusCode,
    lastAttemptAt: now,
    updatedAt: now,
  };
  if (outcome.ok) {
    await notificationsRepo.updateDelivery(db, delivery.id, {
      ...attempt,
      status: 'delivered',
      lastError: null,
      deliveredAt: now,
    });
    return { statusCode: outcome.statusCode };
  }
  const error = outcome.error ?? 'failed';
  await notificationsRepo.updateDelivery(db, delivery.id, {
    ...attempt,
    // The runner gives up after this run when it was the last one.
    status: job.attempt >= job.maxAttempts ? 'failed' : 'queued',
    lastError: error,
  });
  throw new Error(`webhook delivery failed: ${error}`);
};

/** The handler the job runner calls for `notifications.deliver`. */
export const deliveryJobHandler =
  (options: DeliveryOptions = {}): JobHandler =>
  (job, deps) =>
    deliverNotification(job, deps, options);
