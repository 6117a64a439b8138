import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { OutgoingMessage } from './webhook-formats.js';
import {
  absoluteLink,
  buildWebhookRequest,
  judgeResponse,
  maskWebhookUrl,
  signDingTalk,
  signFeishu,
  signGeneric,
  truncateUtf8,
} from './webhook-formats.js';

// Each signature is checked against a computation written here from the vendor's description,
// with node:crypto directly, not through the code under test.
const hmac = (key: string, message: string, encoding: 'hex' | 'base64') =>
  crypto.createHmac('sha256', Buffer.from(key, 'utf8')).update(Buffer.from(message, 'utf8')).digest(encoding);

const now = new Date('2026-03-02T08:00:00.123Z');
const ms = now.getTime();
const seconds = Math.floor(ms / 1000);

const message: OutgoingMessage = {
  topic: 'case.breached',
  dedupeKey: 'case:12:resolve:breached',
  title: '工单 #12 已超时',
  body: '**报修**：3栋 502 漏水\n\n- 责任人：张伟',
  link: 'https://gk.example.cn/cases/12',
  unitId: 7,
  entity: { type: 'case', id: 12 },
  createdAt: '2026-03-02T08:00:00.000Z',
};

describe('webhook signatures', () => {
  it('generic: hex HMAC-SHA256(secret, `${timestamp}.${rawBody}`) in X-Guankong-Signature', () => {
    const secret = 'whsec-测试-secret';
    const request = buildWebhookRequest(
      { kind: 'generic', url: 'http://127.0.0.1/hook', secret, locale: 'zh-CN' },
      message,
      now,
    );
    expect(request.headers['x-guankong-timestamp']).toBe(String(seconds));
    expect(request.headers['x-guankong-signature']).toBe(
      `sha256=${hmac(secret, `${seconds}.${request.body}`, 'hex')}`,
    );
    expect(signGeneric(secret, seconds, request.body)).toBe(
      hmac(secret, `${seconds}.${request.body}`, 'hex'),
    );
    expect(JSON.parse(request.body)).toEqual({
      topic: message.topic,
      dedupeKey: message.dedupeKey,
      title: message.title,
      body: message.body,
      link: message.link,
      unitId: 7,
      entity: { type: 'case', id: 12 },
      createdAt: message.createdAt,
    });
  });

  it('generic without a secret: a timestamp, no signature', () => {
    const request = buildWebhookRequest(
      { kind: 'generic', url: 'http://127.0.0.1/hook', secret: null, locale: 'zh-CN' },
      message,
      now,
    );
    expect(request.headers['x-guankong-signature']).toBeUndefined();
    expect(request.headers['x-guankong-timestamp']).toBe(String(seconds));
  });

  it('DingTalk: timestamp (ms) and sign = urlencode(base64(HMAC(secret, `${ts}\\n${secret}`))) in the query', () => {
    const secret = 'SEC0123456789abcdef+/=';
    const request = buildWebhookRequest(
      {
        kind: 'dingtalk',
        url: 'https://oapi.dingtalk.com/robot/send?access_token=abc123',
        secret,
        locale: 'zh-CN',
      },
      message,
      now,
    );
    const expected = hmac(secret, `${ms}\n${secret}`, 'base64');
    const url = new URL(request.url);
    expect(url.searchParams.get('access_token')).toBe('abc123');
    expect(url.searchParams.get('timestamp')).toBe(String(ms));
    expect(url.searchParams.get('sign')).toBe(expected);
    expect(signDingTalk(secret, ms)).toBe(expected);
    // The raw query carries the URL-encoded form: base64's + / = are escaped.
    expect(request.url).toContain(`sign=${encodeURIComponent(expected)}`);
    const body = JSON.parse(request.body);
    expect(body.msgtype).toBe('markdown');
    expect(body.markdown.title).toBe(message.title);
    expect(body.markdown.text).toContain('### 工单 #12 已超时');
    expect(body.markdown.text).toContain('- 责任人：张伟');
    expect(body.markdown.text).toContain('[查看详情](https://gk.example.cn/cases/12)');
  });

  it('Feishu: body timestamp (s) and sign = base64(HMAC(key=`${ts}\\n${secret}`, message=""))', () => {
    const secret = 'feishu-secret';
    const request = buildWebhookRequest(
      { kind: 'feishu', url: 'https://open.feishu.cn/open-apis/bot/v2/hook/x', secret, locale: 'en' },
      { ...message, title: 'Case #12 breached', body: 'Resolve limit passed' },
      now,
    );
    const expected = hmac(`${seconds}\n${secret}`, '', 'base64');
    const body = JSON.parse(request.body);
    expect(body.timestamp).toBe(String(seconds));
    expect(body.sign).toBe(expected);
    expect(signFeishu(secret, seconds)).toBe(expected);
    // Not DingTalk's order.
    expect(expected).not.toBe(hmac(secret, `${seconds}\n${secret}`, 'base64'));
    expect(body.msg_type).toBe('interactive');
    expect(body.card.header.title).toEqual({ tag: 'plain_text', content: 'Case #12 breached' });
    expect(body.card.header.template).toBe('red');
    expect(body.card.elements[0]).toEqual({ tag: 'markdown', content: 'Resolve limit passed' });
    expect(body.card.elements[1].actions[0]).toMatchObject({
      text: { content: 'View details' },
      url: 'https://gk.example.cn/cases/12',
    });
  });

  it('WeCom: markdown content, no signature, cut to 4096 bytes', () => {
    const request = buildWebhookRequest(
      {
        kind: 'wecom',
        url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k',
        secret: null,
        locale: 'zh-CN',
      },
      { ...message, body: '长'.repeat(3000) },
      now,
    );
    expect(request.url).toBe('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k');
    const body = JSON.parse(request.body);
    expect(body.msgtype).toBe('markdown');
    expect(Buffer.byteLength(body.markdown.content, 'utf8')).toBeLessThanOrEqual(4096);
    expect(body.markdown.content.startsWith('### 工单 #12 已超时')).toBe(true);
    expect(body.markdown.content.endsWith('…')).toBe(true);
  });
});

describe('webhook helpers', () => {
  it('makes app paths absolute under the public URL, and leaves them when there is none', () => {
    expect(absoluteLink('/cases/12', 'https://gk.example.cn/')).toBe('https://gk.example.cn/cases/12');
    expect(absoluteLink('/cases/12', 'https://gk.example.cn/app')).toBe('https://gk.example.cn/app/cases/12');
    expect(absoluteLink('/cases/12', null)).toBe('/cases/12');
    expect(absoluteLink('https://x.cn/a', 'https://gk.example.cn')).toBe('https://x.cn/a');
    expect(absoluteLink(null, 'https://gk.example.cn')).toBeNull();
  });

  it('shows a relative link as text in robot messages (it could not be clicked)', () => {
    const request = buildWebhookRequest(
      {
        kind: 'dingtalk',
        url: 'https://oapi.dingtalk.com/robot/send?access_token=t',
        secret: null,
        locale: 'en',
      },
      { ...message, link: '/cases/12' },
      now,
    );
    expect(JSON.parse(request.body).markdown.text).toContain('View details: /cases/12');
    expect(new URL(request.url).searchParams.has('sign')).toBe(false);
  });

  it('cuts UTF-8 on character boundaries', () => {
    expect(truncateUtf8('abc', 3)).toBe('abc');
    const cut = truncateUtf8('管控管控', 8);
    expect(cut).toBe('管…');
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(8);
  });

  it('judges robot answers: HTTP 200 with a non-zero code is a failure', () => {
    expect(judgeResponse('generic', 204, '')).toEqual({ ok: true });
    expect(judgeResponse('generic', 500, 'boom')).toEqual({ ok: false, error: 'HTTP 500' });
    expect(judgeResponse('dingtalk', 200, '{"errcode":0,"errmsg":"ok"}')).toEqual({ ok: true });
    expect(judgeResponse('dingtalk', 200, '{"errcode":310000,"errmsg":"sign not match"}')).toEqual({
      ok: false,
      error: 'dingtalk errcode 310000: sign not match',
    });
    expect(judgeResponse('wecom', 200, '{"errcode":93000,"errmsg":"invalid webhook url"}').ok).toBe(false);
    expect(judgeResponse('feishu', 200, '{"code":0,"msg":"success","data":{}}')).toEqual({ ok: true });
    expect(judgeResponse('feishu', 200, '{"code":19021,"msg":"sign match fail"}')).toEqual({
      ok: false,
      error: 'feishu code 19021: sign match fail',
    });
    expect(judgeResponse('feishu', 200, '{"StatusCode":0,"StatusMessage":"success"}')).toEqual({ ok: true });
  });

  it('masks the credentials robot URLs carry', () => {
    expect(
      maskWebhookUrl(
        'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa',
      ),
    ).toBe('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a****');
    expect(
      maskWebhookUrl('https://open.feishu.cn/open-apis/bot/v2/hook/0d2a9c5e-4e7f-4c3b-9a1d-8f6e5d4c3b2a'),
    ).toBe('https://open.feishu.cn/open-apis/bot/v2/hook/0d2a****');
    expect(maskWebhookUrl('https://user:pw@hooks.example.cn/in')).toBe('https://****@hooks.example.cn/in');
  });
});
