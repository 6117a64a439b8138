import type { Generated } from 'kysely';

/** One item of a user's in-app inbox. Both languages are stored; the reader picks one. */
export type NotificationTable = {
  id: Generated<number>;
  userId: number;
  /** What happened, e.g. `case.breached`. */
  topic: string;
  titleZh: string;
  titleEn: string;
  /** Markdown. */
  bodyZh: string;
  bodyEn: string;
  /** Path in the web app, e.g. `/cases/12`. */
  link: string | null;
  entityType: string | null;
  entityId: number | null;
  /** The unit the matter belongs to (kept for filtering and context; set null if the unit goes). */
  unitId: number | null;
  /** The caller's idempotency key; unique per user. */
  dedupeKey: string;
  createdAt: string;
  readAt: string | null;
};

/** A webhook the notifications are pushed to: a generic JSON receiver or a group robot. */
export type WebhookEndpointTable = {
  id: Generated<number>;
  name: string;
  /** 'generic' | 'dingtalk' | 'wecom' | 'feishu'. */
  kind: string;
  url: string;
  /** Signing key, stored as given because signing needs it; never returned, logged or audited. */
  secret: string | null;
  /** When set, only matters in this unit's subtree are sent. */
  unitId: number | null;
  /** JSON array of topics; empty means every topic. */
  topicsJson: string;
  /** Language of the messages: 'zh-CN' | 'en'. */
  locale: string;
  /** 0/1. */
  enabled: number;
  createdAt: string;
  updatedAt: string;
};

/** One notification to be sent to one endpoint, with the outcome of its attempts. */
export type WebhookDeliveryTable = {
  id: Generated<number>;
  endpointId: number;
  dedupeKey: string;
  topic: string;
  /** 'queued' | 'delivered' | 'failed'. */
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  /** Bounded and free of secrets and URLs. */
  lastError: string | null;
  lastAttemptAt: string | null;
  deliveredAt: string | null;
  createdAt: string;
  updatedAt: string;
};

export type NotificationsTables = {
  notifications: NotificationTable;
  webhookEndpoints: WebhookEndpointTable;
  webhookDeliveries: WebhookDeliveryTable;
};
