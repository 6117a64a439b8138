import { z } from 'zod';
import { ZPage } from '../org/org.schema.js';
import { isAbsoluteHttpUrl, webhookKinds, webhookLocales } from './webhook-formats.js';

export const ZLocalisedText = z.object({ zh: z.string(), en: z.string() }).meta({ id: 'LocalisedText' });

const ZEntityRef = z.object({ type: z.string(), id: z.number().int() });

/** An inbox item; both languages are returned and the client shows the one it speaks. */
export const ZNotification = z
  .object({
    id: z.number().int(),
    topic: z.string(),
    title: ZLocalisedText,
    /** Markdown. */
    body: ZLocalisedText,
    link: z.string().nullable(),
    entity: ZEntityRef.nullable(),
    unitId: z.number().int().nullable(),
    createdAt: z.string(),
    readAt: z.string().nullable(),
  })
  .meta({ id: 'Notification' });
export type Notification = z.infer<typeof ZNotification>;

const ZBooleanQuery = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

export const ZListNotificationsQuery = z.object({
  /** Only items not yet read. */
  unread: ZBooleanQuery.default(false),
  ...ZPage,
});
export type ListNotificationsQuery = z.infer<typeof ZListNotificationsQuery>;

export const ZUnreadCount = z.object({ count: z.number().int() }).meta({ id: 'UnreadCount' });
export const ZReadAllResult = z.object({ updated: z.number().int() }).meta({ id: 'ReadAllResult' });

/** Topics are dotted lower-case names such as `case.breached`. */
export const ZTopic = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/, 'lower-case dotted name, e.g. case.breached');

/** Over-long texts are cut rather than refused: a notification must not fail the caller's change. */
const cutText = (max: number) => (text: string) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const ZTitle = z.string().min(1).transform(cutText(500));
const ZBody = z.string().transform(cutText(20_000));

/** What `notify` accepts at run time; the TypeScript type is in notifications.service.ts. */
export const ZNotifyInput = z.object({
  recipientUserIds: z.array(z.number().int().positive()).max(10_000),
  dedupeKey: z.string().min(1).max(200),
  topic: ZTopic,
  title: z.object({ zh: ZTitle, en: ZTitle }),
  body: z.object({ zh: ZBody, en: ZBody }),
  link: z.string().max(2000).nullish(),
  unitId: z.number().int().positive().nullable(),
  entity: z.object({ type: z.string().min(1).max(64), id: z.number().int() }).nullish(),
});

export const ZWebhookKind = z.enum(webhookKinds);
export const ZWebhookLocale = z.enum(webhookLocales);

const ZWebhookUrl = z
  .string()
  .trim()
  .min(1)
  .max(2000)
  .refine(isAbsoluteHttpUrl, 'must be an http:// or https:// URL');

/** A webhook endpoint as the API shows it: the secret only as `hasSecret`, the URL masked. */
export const ZWebhookEndpoint = z
  .object({
    id: z.number().int(),
    name: z.string(),
    kind: ZWebhookKind,
    /** Credentials in the URL (query values, token-like path segments) keep only 4 characters. */
    url: z.string(),
    hasSecret: z.boolean(),
    unitId: z.number().int().nullable(),
    /** Empty: every topic. */
    topics: z.array(z.string()),
    locale: ZWebhookLocale,
    enabled: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'WebhookEndpoint' });
export type WebhookEndpoint = z.infer<typeof ZWebhookEndpoint>;

const endpointFields = {
  name: z.string().trim().min(1).max(100),
  kind: ZWebhookKind,
  url: ZWebhookUrl,
  /** Signing secret (generic, DingTalk 加签, Feishu 签名校验); null clears it. Never returned. */
  secret: z.string().trim().min(1).max(200).nullable(),
  /** Only matters in this unit's subtree; null: the whole organisation. */
  unitId: z.number().int().positive().nullable(),
  topics: z.array(ZTopic).max(50),
  locale: ZWebhookLocale,
  enabled: z.boolean(),
};

export const ZCreateWebhookEndpointInput = z
  .object({
    ...endpointFields,
    secret: endpointFields.secret.optional(),
    unitId: endpointFields.unitId.default(null),
    topics: endpointFields.topics.default([]),
    locale: endpointFields.locale.default('zh-CN'),
    enabled: endpointFields.enabled.default(true),
  })
  .strict();
export type CreateWebhookEndpointInput = z.input<typeof ZCreateWebhookEndpointInput>;

/** A URL sent back exactly as the masked form shown keeps the stored URL. */
export const ZUpdateWebhookEndpointInput = z.object(endpointFields).partial().strict();
export type UpdateWebhookEndpointInput = z.infer<typeof ZUpdateWebhookEndpointInput>;

export const deliveryStatuses = ['queued', 'delivered', 'failed'] as const;

export const ZWebhookDelivery = z
  .object({
    id: z.number().int(),
    endpointId: z.number().int(),
    dedupeKey: z.string(),
    topic: z.string(),
    status: z.enum(deliveryStatuses),
    attempts: z.number().int(),
    lastStatusCode: z.number().int().nullable(),
    lastError: z.string().nullable(),
    lastAttemptAt: z.string().nullable(),
    deliveredAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'WebhookDelivery' });
export type WebhookDelivery = z.infer<typeof ZWebhookDelivery>;

export const ZListDeliveriesQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const ZWebhookTestResult = z
  .object({
    ok: z.boolean(),
    statusCode: z.number().int().nullable(),
    error: z.string().nullable(),
    durationMs: z.number(),
  })
  .meta({ id: 'WebhookTestResult' });
export type WebhookTestResult = z.infer<typeof ZWebhookTestResult>;
