import { createHmac } from 'node:crypto';

/*
 * The messages each kind of webhook expects and how each is signed. Pure: no I/O, time passed in.
 * Vendor references (also in docs/notifications.md):
 * - DingTalk custom robot: https://open.dingtalk.com/document/orgapp/custom-robot-access and
 *   https://open.dingtalk.com/document/orgapp/customize-robot-security-settings (加签),
 *   https://open.dingtalk.com/document/orgapp/custom-bot-send-message-type (markdown)
 * - WeCom group robot: https://developer.work.weixin.qq.com/document/path/91770
 * - Feishu custom bot: https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot
 */

export const webhookKinds = ['generic', 'dingtalk', 'wecom', 'feishu'] as const;
export type WebhookKind = (typeof webhookKinds)[number];

export const webhookLocales = ['zh-CN', 'en'] as const;
export type WebhookLocale = (typeof webhookLocales)[number];

/** One notification as an endpoint receives it: texts in the endpoint's language. */
export type OutgoingMessage = {
  topic: string;
  dedupeKey: string;
  title: string;
  /** Markdown. */
  body: string;
  /** Absolute when a public URL is configured, else the app path as given. */
  link: string | null;
  unitId: number | null;
  entity: { type: string; id: number } | null;
  createdAt: string;
};

export type WebhookTarget = {
  kind: WebhookKind;
  url: string;
  secret: string | null;
  locale: WebhookLocale;
};

/** An HTTP POST ready to send. */
export type WebhookRequest = { url: string; headers: Record<string, string>; body: string };

/** Generic webhook: hex HMAC-SHA256 with the secret as key over `${timestamp}.${rawBody}`. */
export const signGeneric = (secret: string, timestampSeconds: number, rawBody: string): string =>
  createHmac('sha256', secret).update(`${timestampSeconds}.${rawBody}`, 'utf8').digest('hex');

/**
 * DingTalk 加签: base64 HMAC-SHA256 with the secret as key over `${timestampMs}\n${secret}`.
 * Returned un-encoded; it is URL-encoded when put in the query string.
 */
export const signDingTalk = (secret: string, timestampMs: number): string =>
  createHmac('sha256', secret).update(`${timestampMs}\n${secret}`, 'utf8').digest('base64');

/**
 * Feishu 签名校验: base64 HMAC-SHA256 whose *key* is `${timestampSeconds}\n${secret}` and whose
 * message is empty — the reverse of DingTalk, as Feishu's own sample code does it.
 */
export const signFeishu = (secret: string, timestampSeconds: number): string =>
  createHmac('sha256', `${timestampSeconds}\n${secret}`).update('', 'utf8').digest('base64');

/** Cuts a text to at most `maxBytes` of UTF-8, on a character boundary, marking the cut with …. */
export const truncateUtf8 = (text: string, maxBytes: number): string => {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  const ellipsis = '…';
  let budget = maxBytes - Buffer.byteLength(ellipsis, 'utf8');
  let out = '';
  for (const char of text) {
    const size = Buffer.byteLength(char, 'utf8');
    if (size > budget) break;
    out += char;
    budget -= size;
  }
  return out + ellipsis;
};

/** WeCom refuses markdown content over 4096 bytes; Feishu a request over 20 KB. DingTalk keeps the same margin. */
const WECOM_MAX_BYTES = 4096;
const ROBOT_MAX_BYTES = 15_000;

export const isAbsoluteHttpUrl = (value: string): boolean => {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
};

/** `/cases/12` under the public URL of the web app, or as given when there is none (or it is absolute). */
export const absoluteLink = (link: string | null, publicUrl: string | null): string | null => {
  if (!link) return null;
  if (isAbsoluteHttpUrl(link) || !publicUrl) return link;
  return `${publicUrl.replace(/\/+$/, '')}${link.startsWith('/') ? '' : '/'}${link}`;
};

const detailsLabel: Record<WebhookLocale, string> = { 'zh-CN': '查看详情', en: 'View details' };

/** The link as a markdown line: clickable when absolute; a relative path is shown as text. */
const linkLine = (link: string | null, locale: WebhookLocale): string => {
  if (!link) return '';
  if (isAbsoluteHttpUrl(link)) return `[${detailsLabel[locale]}](${link})`;
  return `${detailsLabel[locale]}${locale === 'en' ? ': ' : '：'}${link}`;
};

const joinBlocks = (...blocks: string[]) => blocks.filter((b) => b.trim() !== '').join('\n\n');

/** Card header colour by how urgent the topic sounds. */
const feishuTemplate = (topic: string): string => {
  if (/breach|escalat|overdue/.test(topic)) return 'red';
  if (/risk|due|remind/.test(topic)) return 'orange';
  return 'blue';
};

/** The generic JSON body; its raw text is what the signature covers. */
export const genericBody = (message: OutgoingMessage): string =>
  JSON.stringify({
    topic: message.topic,
    dedupeKey: message.dedupeKey,
    title: message.title,
    body: message.body,
    link: message.link,
    unitId: message.unitId,
    entity: message.entity,
    createdAt: message.createdAt,
  });

const jsonHeaders = { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'Guankong-Webhook/1' };

/** Builds the request for an endpoint of any kind; `now` supplies the signing timestamps. */
export const buildWebhookRequest = (
  target: WebhookTarget,
  message: OutgoingMessage,
  now: Date,
): WebhookRequest => {
  const ms = now.getTime();
  const seconds = Math.floor(ms / 1000);
  const { secret, locale } = target;
  switch (target.kind) {
    case 'generic': {
      const body = genericBody(message);
      return {
        url: target.url,
        headers: {
          ...jsonHeaders,
          'x-guankong-topic': message.topic,
          'x-guankong-timestamp': String(seconds),
          ...(secret ? { 'x-guankong-signature': `sha256=${signGeneric(secret, seconds, body)}` } : {}),
        },
        body,
      };
    }
    case 'dingtalk': {
      const url = new URL(target.url);
      if (secret) {
        url.searchParams.set('timestamp', String(ms));
        url.searchParams.set('sign', signDingTalk(secret, ms));
      }
      const text = truncateUtf8(
        joinBlocks(`### ${message.title}`, message.body, linkLine(message.link, locale)),
        ROBOT_MAX_BYTES,
      );
      return {
        url: url.toString(),
        headers: jsonHeaders,
        body: JSON.stringify({ msgtype: 'markdown', markdown: { title: message.title, text } }),
      };
    }
    case 'wecom': {
      const content = truncateUtf8(
        joinBlocks(`### ${message.title}`, message.body, linkLine(message.link, locale)),
        WECOM_MAX_BYTES,
      );
      return {
        url: target.url,
        headers: jsonHeaders,
        body: JSON.stringify({ msgtype: 'markdown', markdown: { content } }),
      };
    }
    case 'feishu': {
      const link = message.link;
      const elements: object[] = [
        { tag: 'markdown', content: truncateUtf8(message.body || ' ', ROBOT_MAX_BYTES) },
      ];
      if (link && isAbsoluteHttpUrl(link)) {
        elements.push({
          tag: 'action',
          actions: [
            {
              tag: 'button',
              text: { tag: 'plain_text', content: detailsLabel[locale] },
              type: 'primary',
              url: link,
            },
          ],
        });
      } else if (link) {
        elements.push({ tag: 'markdown', content: linkLine(link, locale) });
      }
      const card = {
        config: { wide_screen_mode: true },
        header: {
          title: { tag: 'plain_text', content: message.title },
          template: feishuTemplate(message.topic),
        },
        elements,
      };
      return {
        url: target.url,
        headers: jsonHeaders,
        body: JSON.stringify({
          ...(secret ? { timestamp: String(seconds), sign: signFeishu(secret, seconds) } : {}),
          msg_type: 'interactive',
          card,
        }),
      };
    }
  }
};

export type ResponseVerdict = { ok: true } | { ok: false; error: string };

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

const field = (value: unknown, name: string): unknown =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;

const short = (value: unknown) => String(value ?? '').slice(0, 200);

/**
 * Whether the receiver accepted the message. Robots answer HTTP 200 also when they refuse it
 * (bad signature, keyword missing, rate limit), with the reason in the body: DingTalk and WeCom
 * `errcode`, Feishu `code` (older bots: `StatusCode`). Non-zero is a failure.
 */
export const judgeResponse = (kind: WebhookKind, status: number, text: string): ResponseVerdict => {
  if (status < 200 || status > 299) return { ok: false, error: `HTTP ${status}` };
  if (kind === 'generic') return { ok: true };
  const body = parseJson(text);
  if (kind === 'feishu') {
    const code = field(body, 'code') ?? field(body, 'StatusCode');
    if (typeof code === 'number' && code !== 0)
      return {
        ok: false,
        error: `feishu code ${code}: ${short(field(body, 'msg') ?? field(body, 'StatusMessage'))}`,
      };
    return { ok: true };
  }
  const errcode = field(body, 'errcode');
  if (typeof errcode === 'number' && errcode !== 0)
    return { ok: false, error: `${kind} errcode ${errcode}: ${short(field(body, 'errmsg'))}` };
  return { ok: true };
};

const maskPart = (value: string) => (value.length <= 4 ? '****' : `${value.slice(0, 4)}****`);

/**
 * A webhook URL safe to show and audit. Robot URLs carry their credential (WeCom `key`, DingTalk
 * `access_token`, the Feishu hook id in the path), so every query value and every token-like path
 * segment (16+ letters, digits, - or _) keeps only its first 4 characters.
 */
export const maskWebhookUrl = (value: string): string => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return '****';
  }
  const path = url.pathname
    .split('/')
    .map((segment) => (/^[A-Za-z0-9_-]{16,}$/.test(segment) ? maskPart(segment) : segment))
    .join('/');
  const query = [...url.searchParams.entries()].map(([k, v]) => `${k}=${maskPart(v)}`).join('&');
  const auth = url.username || url.password ? '****@' : '';
  return `${url.protocol}//${auth}${url.host}${path}${query ? `?${query}` : ''}`;
};
