import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from '../../../test/helpers/dialects.js';
import { buildOrgTree, buildUser, grant } from '../../../test/helpers/factories.js';
import type { Client } from '../../../test/helpers/http.js';
import { createTestApp, loginAs } from '../../../test/helpers/http.js';
import type { App } from '../../app.js';
import type { Grant } from '../../platform/access.js';
import { systemClock } from '../../platform/clock.js';
import type { Notification, WebhookEndpoint } from './notifications.schema.js';
import type { NotifyInput } from './notifications.service.js';
import { notify } from './notifications.service.js';

const secret = 'whsec-never-shown-7f3a9c';
const robotKey = '693a91f6-7aaa-4bc4-97a0-0ec2sifa5aaa';

describeEachDialect('notifications API', (ctx) => {
  let app: App;
  let org: Awaited<ReturnType<typeof buildOrgTree>>;
  const as: Record<string, Client> = {};
  const userIds: Record<string, number> = {};
  let receiver: http.Server;
  let receiverUrl = '';
  const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];

  const login = async (name: string, grants: Grant[]) => {
    const { user } = await buildUser(ctx().db, grants);
    userIds[name] = user.id;
    as[name] = await loginAs(app, user.username);
  };

  let sequence = 0;
  const matter = (recipients: number[], overrides: Partial<NotifyInput> = {}): NotifyInput => ({
    recipientUserIds: recipients,
    dedupeKey: `case:${++sequence}:assigned`,
    topic: 'case.assigned',
    title: { zh: `工单 #${sequence} 已派给您`, en: `Case #${sequence} assigned to you` },
    body: { zh: '请在 2 小时内接单', en: 'Please accept within 2 hours' },
    link: `/cases/${sequence}`,
    unitId: org.eastGrid1.id,
    entity: { type: 'case', id: sequence },
    ...overrides,
  });

  beforeAll(async () => {
    const { db } = ctx();
    app = await createTestApp(db);
    org = await buildOrgTree(db);
    await login('admin', [grant('admin', org.company.id)]);
    await login('eastAdmin', [grant('admin', org.east.id)]);
    await login('manager', [grant('manager', org.company.id)]);
    await login('zhang', [grant('staff', org.eastGrid1.id)]);
    await login('chen', [grant('staff', org.eastGrid2.id)]);
    // A generic receiver that checks the signature as docs/notifications.md tells receivers to.
    receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        received.push({ headers: req.headers, body });
        const expected = `sha256=${crypto
          .createHmac('sha256', secret)
          .update(`${req.headers['x-guankong-timestamp']}.${body}`)
          .digest('hex')}`;
        res.writeHead(req.headers['x-guankong-signature'] === expected ? 200 : 401).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/in`;
  });
  afterAll(async () => {
    await app.close();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  it('shows each user only his own inbox; another user’s item is 404', async () => {
    const { db } = ctx();
    const deps = { clock: systemClock };
    const first = matter([userIds.zhang!]);
    const second = matter([userIds.zhang!, userIds.chen!]);
    const third = matter([userIds.chen!]);
    for (const m of [first, second, third]) await notify(db, m, deps);

    const zhang = await as.zhang!.request('GET', '/api/v1/notifications');
    expect(zhang.statusCode).toBe(200);
    expect(zhang.json().total).toBe(2);
    expect(zhang.json().items.map((n: Notification) => n.title.zh)).toEqual([
      second.title.zh,
      first.title.zh,
    ]);
    expect(zhang.json().items[0]).toMatchObject({
      topic: 'case.assigned',
      title: second.title,
      body: second.body,
      link: second.link,
      entity: second.entity,
      unitId: org.eastGrid1.id,
      readAt: null,
    });
    expect(zhang.body).not.toContain(third.title.zh);
    expect((await as.zhang!.request('GET', '/api/v1/notifications/unread-count')).json()).toEqual({
      count: 2,
    });

    const chenItems = (await as.chen!.request('GET', '/api/v1/notifications')).json().items as Notification[];
    const chensOwn = chenItems.find((n) => n.title.zh === third.title.zh)!;
    const foreign = await as.zhang!.request('POST', `/api/v1/notifications/${chensOwn.id}/read`);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().error.code).toBe('notifications.not_found');
    expect(foreign.body).not.toContain(third.title.zh);
    expect((await as.chen!.request('GET', '/api/v1/notifications/unread-count')).json()).toEqual({
      count: 2,
    });

    const zhangItems = zhang.json().items as Notification[];
    const read = await as.zhang!.request('POST', `/api/v1/notifications/${zhangItems[1]!.id}/read`);
    expect(read.statusCode).toBe(200);
    expect(read.json().readAt).toEqual(expect.any(String));
    const unread = await as.zhang!.request('GET', '/api/v1/notifications?unread=true');
    expect(unread.json().items.map((n: Notification) => n.id)).toEqual([zhangItems[0]!.id]);

    expect((await as.zhang!.request('POST', '/api/v1/notifications/read-all')).json()).toEqual({
      updated: 1,
    });
    expect((await as.zhang!.request('GET', '/api/v1/notifications/unread-count')).json()).toEqual({
      count: 0,
    });
    // Chen's items are untouched by Zhang's read-all.
    expect((await as.chen!.request('GET', '/api/v1/notifications/unread-count')).json()).toEqual({
      count: 2,
    });
  });

  it('refuses webhook endpoints to everyone but administrators (403)', async () => {
    for (const who of ['manager', 'zhang']) {
      for (const [method, url, body] of [
        ['GET', '/api/v1/webhook-endpoints', undefined],
        ['POST', '/api/v1/webhook-endpoints', { name: 'x', kind: 'generic', url: receiverUrl }],
        ['POST', '/api/v1/webhook-endpoints/1/test', undefined],
        ['GET', '/api/v1/webhook-endpoints/1/deliveries', undefined],
      ] as const) {
        const response = await as[who]!.request(method, url, body);
        expect(response.statusCode, `${who} ${method} ${url}`).toBe(403);
        expect(response.json().error.code).toBe('auth.forbidden');
      }
    }
  });

  it('manages endpoints with audit rows, and never shows the secret or the robot key', async () => {
    const { db } = ctx();
    const responses: string[] = [];
    const call = async (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown) => {
      const response = await as.admin!.request(method, url, body);
      responses.push(response.body);
      return response;
    };

    const bad = await call('POST', '/api/v1/webhook-endpoints', {
      name: 'x',
      kind: 'generic',
      url: 'ftp://h/x',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.issues.map((i: { path: string }) => i.path)).toEqual(['body.url']);
    const wecomSecret = await call('POST', '/api/v1/webhook-endpoints', {
      name: '企业微信群',
      kind: 'wecom',
      url: `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${robotKey}`,
      secret,
    });
    expect(wecomSecret.statusCode).toBe(400);
    expect(wecomSecret.json().error.code).toBe('notifications.secret_not_supported');

    const created = await call('POST', '/api/v1/webhook-endpoints', {
      name: '运维系统',
      kind: 'generic',
      url: receiverUrl,
      secret,
      unitId: org.east.id,
      topics: ['case.breached', 'case.escalated'],
    });
    expect(created.statusCode).toBe(201);
    const endpoint = created.json() as WebhookEndpoint;
    expect(endpoint).toMatchObject({
      kind: 'generic',
      url: receiverUrl,
      hasSecret: true,
      unitId: org.east.id,
      topics: ['case.breached', 'case.escalated'],
      locale: 'zh-CN',
      enabled: true,
    });
    expect(endpoint).not.toHaveProperty('secret');

    const robot = await call('POST', '/api/v1/webhook-endpoints', {
      name: '企业微信群',
      kind: 'wecom',
      url: `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${robotKey}`,
    });
    expect(robot.json().url).toBe('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a****');
    // Sending the masked URL back keeps the stored one.
    const renamed = await call('PATCH', `/api/v1/webhook-endpoints/${robot.json().id}`, {
      name: '客服群',
      url: robot.json().url,
    });
    expect(renamed.json()).toMatchObject({ name: '客服群', url: robot.json().url });
    const stored = await db
      .selectFrom('webhookEndpoints')
      .select('url')
      .where('id', '=', robot.json().id)
      .executeTakeFirstOrThrow();
    expect(stored.url).toContain(robotKey);

    await call('GET', '/api/v1/webhook-endpoints');
    await call('GET', `/api/v1/webhook-endpoints/${endpoint.id}`);
    const rotated = await call('PATCH', `/api/v1/webhook-endpoints/${endpoint.id}`, {
      secret: `${secret}-2`,
      enabled: false,
    });
    expect(rotated.json()).toMatchObject({ hasSecret: true, enabled: false });
    await call('PATCH', `/api/v1/webhook-endpoints/${endpoint.id}`, { secret, enabled: true });

    // The test button sends a signed message now, also for a topic the endpoint filters out.
    const test = await call('POST', `/api/v1/webhook-endpoints/${endpoint.id}/test`);
    expect(test.statusCode).toBe(200);
    expect(test.json()).toMatchObject({ ok: true, statusCode: 200, error: null });
    expect(JSON.parse(received.at(-1)!.body)).toMatchObject({ topic: 'notifications.test', link: '/inbox' });

    // A matter of the east branch, breached: queued for this endpoint and listed in its deliveries.
    await notify(db, matter([], { topic: 'case.breached', dedupeKey: 'case:api:breached' }), {
      clock: systemClock,
    });
    const deliveries = await call('GET', `/api/v1/webhook-endpoints/${endpoint.id}/deliveries`);
    expect(deliveries.json().items).toEqual([
      expect.objectContaining({ dedupeKey: 'case:api:breached', status: 'queued', attempts: 0 }),
    ]);

    const cleared = await call('PATCH', `/api/v1/webhook-endpoints/${endpoint.id}`, { secret: null });
    expect(cleared.json().hasSecret).toBe(false);
    expect((await call('DELETE', `/api/v1/webhook-endpoints/${endpoint.id}`)).statusCode).toBe(204);
    expect((await call('GET', `/api/v1/webhook-endpoints/${endpoint.id}`)).statusCode).toBe(404);

    for (const body of responses) {
      expect(body).not.toContain(secret);
      expect(body).not.toContain(robotKey);
    }
    const trail = await db
      .selectFrom('auditLog')
      .select(['action', 'beforeJson', 'afterJson'])
      .where('entity', '=', 'webhook_endpoint')
      .where('entityId', '=', String(endpoint.id))
      .orderBy('id')
      .execute();
    expect(trail.map((r) => r.action)).toEqual([
      'webhook_endpoint.create',
      'webhook_endpoint.update',
      'webhook_endpoint.update',
      'webhook_endpoint.update',
      'webhook_endpoint.delete',
    ]);
    expect(JSON.parse(trail[1]!.afterJson!)).toMatchObject({ secretChanged: true, hasSecret: true });
    const all = JSON.stringify(await db.selectFrom('auditLog').selectAll().execute());
    expect(all).not.toContain(secret);
    expect(all).not.toContain(robotKey);
  });

  it('keeps a branch administrator to his branch: no organisation-wide endpoints, others’ units 404', async () => {
    const global = await as.admin!.request('POST', '/api/v1/webhook-endpoints', {
      name: '全公司',
      kind: 'generic',
      url: receiverUrl,
    });
    expect(global.statusCode).toBe(201);
    const refused = await as.eastAdmin!.request('POST', '/api/v1/webhook-endpoints', {
      name: '全公司',
      kind: 'generic',
      url: receiverUrl,
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('notifications.global_endpoint_forbidden');
    const west = await as.eastAdmin!.request('POST', '/api/v1/webhook-endpoints', {
      name: '城西',
      kind: 'generic',
      url: receiverUrl,
      unitId: org.west.id,
    });
    expect(west.statusCode).toBe(404);
    const own = await as.eastAdmin!.request('POST', '/api/v1/webhook-endpoints', {
      name: '城东',
      kind: 'dingtalk',
      url: 'https://oapi.dingtalk.com/robot/send?access_token=abc',
      unitId: org.eastGrid1.id,
    });
    expect(own.statusCode).toBe(201);
    const listed = await as.eastAdmin!.request('GET', '/api/v1/webhook-endpoints');
    expect(listed.json().items.map((e: WebhookEndpoint) => e.id)).toEqual([own.json().id]);
    expect(
      (await as.eastAdmin!.request('GET', `/api/v1/webhook-endpoints/${global.json().id}`)).statusCode,
    ).toBe(404);
  });
});
