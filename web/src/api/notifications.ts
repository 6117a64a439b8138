// The in-app inbox and the webhook endpoints (docs/notifications.md).
import { api } from './client';
import type { ItemList, Page } from './types';

export type LocalisedText = { zh: string; en: string };

/** An inbox item; the API returns both languages and the UI shows the one it speaks. */
export type InboxItem = {
  id: number;
  topic: string;
  title: LocalisedText;
  /** Markdown. */
  body: LocalisedText;
  /** Path in the web app, e.g. `/cases/12`. */
  link: string | null;
  entity: { type: string; id: number } | null;
  unitId: number | null;
  createdAt: string;
  readAt: string | null;
};

export type InboxQuery = { unread?: boolean; page?: number; pageSize?: number };

export type WebhookKind = 'generic' | 'dingtalk' | 'wecom' | 'feishu';
export const WEBHOOK_KINDS: readonly WebhookKind[] = ['generic', 'dingtalk', 'wecom', 'feishu'];
export type WebhookLocale = 'zh-CN' | 'en';
export const WEBHOOK_LOCALES: readonly WebhookLocale[] = ['zh-CN', 'en'];

/** The topics the case engine sends; endpoints may listen to a subset. */
export type KnownTopic =
  | 'case.assigned'
  | 'case.reopened'
  | 'case.at_risk'
  | 'case.breached'
  | 'case.escalated'
  | 'case.callback_due';
export const KNOWN_TOPICS: readonly KnownTopic[] = [
  'case.assigned',
  'case.reopened',
  'case.at_risk',
  'case.breached',
  'case.escalated',
  'case.callback_due',
];
export const isKnownTopic = (topic: string): topic is KnownTopic =>
  (KNOWN_TOPICS as string[]).includes(topic);

export type WebhookEndpoint = {
  id: number;
  name: string;
  kind: WebhookKind;
  /** Credentials in the URL are masked (`key=693a****`); sending it back unchanged keeps the stored URL. */
  url: string;
  /** The secret itself is never returned. */
  hasSecret: boolean;
  /** null: the whole organisation. */
  unitId: number | null;
  /** Empty: every topic. */
  topics: string[];
  locale: WebhookLocale;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
};

export type CreateWebhookEndpointInput = {
  name: string;
  kind: WebhookKind;
  url: string;
  secret?: string | null;
  unitId?: number | null;
  topics?: string[];
  locale?: WebhookLocale;
  enabled?: boolean;
};
/** `secret`: a string sets it, null clears it, absent keeps it. */
export type UpdateWebhookEndpointInput = Partial<CreateWebhookEndpointInput>;

export type DeliveryStatus = 'queued' | 'delivered' | 'failed';
export type WebhookDelivery = {
  id: number;
  endpointId: number;
  dedupeKey: string;
  topic: string;
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  lastAttemptAt: string | null;
  deliveredAt: string | null;
  createdAt: string;
  updatedAt: string;
};

export type WebhookTestResult = {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
};

/** Query keys: everything of the inbox under ['notifications'], so one invalidation refreshes list and badge. */
export const notificationKeys = {
  inbox: ['notifications'] as const,
  inboxList: (q: InboxQuery) => ['notifications', 'list', q] as const,
  unreadCount: ['notifications', 'unread-count'] as const,
  endpoints: ['webhook-endpoints'] as const,
  deliveries: (endpointId: number) => ['webhook-endpoints', endpointId, 'deliveries'] as const,
};

/** The text in the UI language (Simplified Chinese unless English). */
export const localised = (text: LocalisedText, language: string): string =>
  language === 'en' ? text.en : text.zh;

export const listInbox = (query: InboxQuery): Promise<Page<InboxItem>> =>
  api.get<Page<InboxItem>>('/notifications', {
    unread: query.unread ? 'true' : undefined,
    page: query.page,
    pageSize: query.pageSize,
  });
export const getUnreadCount = (): Promise<{ count: number }> =>
  api.get<{ count: number }>('/notifications/unread-count');
export const markInboxItemRead = (id: number): Promise<InboxItem> =>
  api.post<InboxItem>(`/notifications/${id}/read`);
export const markAllInboxRead = (): Promise<{ updated: number }> =>
  api.post<{ updated: number }>('/notifications/read-all');

export const listWebhookEndpoints = (): Promise<ItemList<WebhookEndpoint>> =>
  api.get<ItemList<WebhookEndpoint>>('/webhook-endpoints');
export const createWebhookEndpoint = (input: CreateWebhookEndpointInput): Promise<WebhookEndpoint> =>
  api.post<WebhookEndpoint>('/webhook-endpoints', input);
export const updateWebhookEndpoint = (
  id: number,
  input: UpdateWebhookEndpointInput,
): Promise<WebhookEndpoint> => api.patch<WebhookEndpoint>(`/webhook-endpoints/${id}`, input);
export const deleteWebhookEndpoint = (id: number): Promise<void> => api.delete(`/webhook-endpoints/${id}`);
/** Sends a test message now; the answer says whether the receiver accepted it. */
export const testWebhookEndpoint = (id: number): Promise<WebhookTestResult> =>
  api.post<WebhookTestResult>(`/webhook-endpoints/${id}/test`);
export const listWebhookDeliveries = (id: number): Promise<ItemList<WebhookDelivery>> =>
  api.get<ItemList<WebhookDelivery>>(`/webhook-endpoints/${id}/deliveries`, { limit: 100 });
