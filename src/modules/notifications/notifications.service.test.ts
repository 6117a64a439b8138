import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from '../../../test/helpers/dialects.js';
import { buildOrgTree, buildUser, grant, systemDeps } from '../../../test/helpers/factories.js';
import { manualClock } from '../../platform/clock.js';
import { createDatabase } from '../../platform/db/database.js';
import type { Db } from '../../platform/db/database.js';
import { findJobByKey } from '../../platform/jobs/jobs.repo.js';
import { createJobRunner } from '../../platform/jobs/jobs.runner.js';
import { createNotificationJobHandlers } from './notifications.jobs.js';
import type { CreateWebhookEndpointInput } from './notifications.schema.js';
import type { NotifyInput } from './notifications.service.js';
import { createWebhookEndpoint, notify, updateWebhookEndpoint } from './notifications.service.js';

// ---- a local receiver: real HTTP on 127.0.0.1, no mocks ----

type Received = { url: string; headers: http.IncomingHttpHeaders; body: string };
type Answer = { status: number; json?: unknown } | 'hang';

const receivers: { close: () => Promise<void> }[] = [];

/** Listens on a free port; `answer` decides each reply (it may check signatures like the vendor does). */
const startReceiver = async (answer: (request: Received, n: number) => Answer) => {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = {
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(request);
      const reply = answer(request, received.length);
      if (reply === 'hang') return;
      res.writeHead(reply.status, { 'content-type': 'application/json' });
      res.end(reply.json === undefined ? '' : JSON.stringify(reply.json));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  receivers.push({ close });
  return { url: `http://127.0.0.1:${port}`, received, close };
};

/** A port nothing listens on: connections are refused. */
const refusedUrl = async () => {
  const { url, close } = await startReceiver(() => ({ status: 200 }));
  await close();
  return `${url}/hook`;
};

// Independent computations of each vendor's signature, from their documentation.
const hmac = (key: string, message: string, encoding: 'hex' | 'base64') =>
  crypto.createHmac('sha256', key).update(message).digest(encoding);
const withinAnHour = (ms: number, now: Date) => Math.abs(ms - now.getTime()) <= 3_600_000;

const start = '2026-03-02T08:00:00.000Z';

const countRows = async (
  db: Db,
  table: 'notifications' | 'webhookDeliveries' | 'jobs',
  dedupeKey: string,
) => {
  const column = table === 'jobs' ? 'key' : 'dedupeKey';
  const value = table === 'jobs' ? `%${dedupeKey}` : dedupeKey;
  return Number(
    (
      await db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where(column, table === 'jobs' ? 'like' : '=', value)
        .executeTakeFirstOrThrow()
    ).n,
  );
};

const deliveryOf = (db: Db, endpointId: number, dedupeKey: string) =>
  db
    .selectFrom('webhookDeliveries')
    .selectAll()
    .where('endpointId', '=', endpointId)
    .where('dedupeKey', '=', dedupeKey)
    .executeTakeFirst();

describeEachDialect('notifications service', (ctx) => {
  let org: Awaited<ReturnType<typeof buildOrgTree>>;
  const users: Record<'zhang' | 'chen' | 'zhou', number> = { zhang: 0, chen: 0, zhou: 0 };
  let sequence = 0;

  beforeAll(async () => {
    const { db } = ctx();
    org = await buildOrgTree(db);
    users.zhang = (await buildUser(db, [grant('staff', org.eastGrid1.id)])).user.id;
    users.chen = (await buildUser(db, [grant('staff', org.eastGrid2.id)])).user.id;
    users.zhou = (await buildUser(db, [grant('staff', org.westGrid1.id)])).user.id;
  });
  // Every test's endpoints stop taking work, so the next test's runner sees only its own.
  afterEach(async () => {
    await ctx().db.updateTable('webhookEndpoints').set({ enabled: 0 }).execute();
    await Promise.all(receivers.splice(0).map((r) => r.close()));
  });

  const endpoint = (db: Db, input: Partial<CreateWebhookEndpointInput> & { url: string }) =>
    createWebhookEndpoint({ name: `端点 ${++sequence}`, kind: 'generic', ...input }, systemDeps(db));

  const input = (overrides: Partial<NotifyInput> = {}): NotifyInput => ({
    recipientUserIds: [users.zhang],
    dedupeKey: `case:${++sequence}:resolve:breached:level1`,
    topic: 'case.breached',
    title: { zh: `工单 #${sequence} 处理超时`, en: `Case #${sequence} breached its resolve limit` },
    body: {
      zh: '**报修**：3栋 502 漏水\n\n责任人：张伟',
      en: '**Repair**: leak in 3-502\n\nOwner: Zhang Wei',
    },
    link: `/cases/${sequence}`,
    unitId: org.eastGrid1.id,
    entity: { type: 'case', id: sequence },
    ...overrides,
  });

  const runnerFor = (db: Db, clock: ReturnType<typeof manualClock>, timeoutMs = 2000) =>
    createJobRunner({
      db,
      clock,
      workerId: 'test',
      handlers: createNotificationJobHandlers({ publicUrl: 'https://gk.example.cn/', timeoutMs }),
      backoffMs: 1000,
      batchSize: 50,
    });

  it('notifies once per key: one inbox item per user and one delivery per endpoint, however often it is called', async () => {
    const { db } = ctx();
    const clock = manualClock(start);
    const hook = await endpoint(db, { url: 'http://127.0.0.1:9/never-called' });
    const first = input({ recipientUserIds: [users.zhang, users.chen, users.zhang] });
    expect(await notify(db, first, { clock })).toEqual({ inboxCreated: 2, deliveriesQueued: 1 });
    expect(await notify(db, first, { clock })).toEqual({ inboxCreated: 0, deliveriesQueued: 0 });
    // A user added later gets his item; nobody else gets a second one, and no second delivery.
    expect(await notify(db, { ...first, recipientUserIds: [users.chen, users.zhou] }, { clock })).toEqual({
      inboxCreated: 1,
      deliveriesQueued: 0,
    });
    expect(await countRows(db, 'notifications', first.dedupeKey)).toBe(3);
    expect(await countRows(db, 'webhookDeliveries', first.dedupeKey)).toBe(1);
    expect(await findJobByKey(db, `deliver:${hook.id}:${first.dedupeKey}`)).toMatchObject({
      name: 'notifications.deliver',
      status: 'queued',
      maxAttempts: 5,
    });
    expect(await countRows(db, 'jobs', first.dedupeKey)).toBe(1);
  });

  it('writes in the caller’s transaction: a rollback leaves no inbox item, delivery or job', async () => {
    const { db } = ctx();
    const clock = manualClock(start);
    await endpoint(db, { url: 'http://127.0.0.1:9/never-called' });
    const matter = input();
    await expect(
      db.transaction().execute(async (tx) => {
        expect(await notify(tx, matter, { clock })).toEqual({ inboxCreated: 1, deliveriesQueued: 1 });
        throw new Error('case transition failed');
      }),
    ).rejects.toThrow('case transition failed');
    for (const table of ['notifications', 'webhookDeliveries', 'jobs'] as const)
      expect(await countRows(db, table, matter.dedupeKey), table).toBe(0);
  });

  it('cuts over-long texts instead of failing the caller’s change', async () => {
    const { db } = ctx();
    const matter = input({ title: { zh: '超'.repeat(600), en: 'x'.repeat(600) } });
    expect(await notify(db, matter, { clock: manualClock(start) })).toMatchObject({ inboxCreated: 1 });
    const row = await db
      .selectFrom('notifications')
      .select(['titleZh', 'titleEn'])
      .where('dedupeKey', '=', matter.dedupeKey)
      .executeTakeFirstOrThrow();
    expect([row.titleZh.length, row.titleEn.length]).toEqual([500, 500]);
    expect(row.titleZh.endsWith('…')).toBe(true);
  });

  it('notifies once when two processes run the same sweep at the same time', async () => {
    const { db, options, dialect } = ctx();
    const other = createDatabase(options);
    try {
      const clock = manualClock(start);
      await endpoint(db, { url: 'http://127.0.0.1:9/never-called' });
      const matter = input({ recipientUserIds: [users.zhang, users.chen] });
      const run = (handle: Db) => handle.transaction().execute((tx) => notify(tx, matter, { clock }));
      // Two better-sqlite3 handles in one thread cannot wait for each other's lock: SQLite runs them in turn.
      const results =
        dialect === 'postgres' ? await Promise.all([run(db), run(other)]) : [await run(db), await run(other)];
      expect(results.map((r) => r.inboxCreated).sort()).toEqual([0, 2]);
      expect(results.map((r) => r.deliveriesQueued).sort()).toEqual([0, 1]);
      expect(await countRows(db, 'notifications', matter.dedupeKey)).toBe(2);
      expect(await countRows(db, 'webhookDeliveries', matter.dedupeKey)).toBe(1);
      expect(await countRows(db, 'jobs', matter.dedupeKey)).toBe(1);
    } finally {
      await other.destroy();
    }
  });

  it('sends a matter only to enabled endpoints whose unit subtree and topics cover it', async () => {
    const { db } = ctx();
    const clock = manualClock(start);
    const url = 'http://127.0.0.1:9/never-called';
    const all = await endpoint(db, { url });
    const east = await endpoint(db, { url, unitId: org.east.id });
    const west = await endpoint(db, { url, unitId: org.west.id });
    const breachesOnly = await endpoint(db, { url, unitId: org.company.id, topics: ['case.breached'] });
    const disabled = await endpoint(db, { url, enabled: false });
    const ids = [all, east, west, breachesOnly, disabled].map((e) => e.id);

    const targets = async (overrides: Partial<NotifyInput>) => {
      const matter = input({ recipientUserIds: [], ...overrides });
      await notify(db, matter, { clock });
      const rows = await db
        .selectFrom('webhookDeliveries')
        .select('endpointId')
        .where('dedupeKey', '=', matter.dedupeKey)
        .where('endpointId', 'in', ids)
        .orderBy('endpointId')
        .execute();
      return rows.map((r) => r.endpointId);
    };
    expect(await targets({ unitId: org.eastGrid1.id, topic: 'case.assigned' })).toEqual([all.id, east.id]);
    expect(await targets({ unitId: org.westGrid1.id, topic: 'case.breached' })).toEqual([
      all.id,
      west.id,
      breachesOnly.id,
    ]);
    expect(await targets({ unitId: org.east.id, topic: 'case.breached' })).toEqual([
      all.id,
      east.id,
      breachesOnly.id,
    ]);
    // A matter of no unit goes only to endpoints bound to none.
    expect(await targets({ unitId: null, topic: 'case.breached' })).toEqual([all.id]);
  });

  it('delivers to each kind in its format, signed so that a receiver checking like the vendor accepts it', async () => {
    const { db } = ctx();
    const clock = manualClock(start);
    const secrets = {
      generic: 'generic-secret-值',
      dingtalk: 'SEC7c2f0e4b9d1a',
      feishu: 'feishu-signing-key',
    };

    const generic = await startReceiver(({ headers, body }) => {
      const timestamp = String(headers['x-guankong-timestamp']);
      const expected = `sha256=${hmac(secrets.generic, `${timestamp}.${body}`, 'hex')}`;
      const ok =
        headers['x-guankong-signature'] === expected && withinAnHour(Number(timestamp) * 1000, clock.now());
      return ok ? { status: 204 } : { status: 401 };
    });
    const dingtalk = await startReceiver(({ url }) => {
      const query = new URL(url, 'http://x').searchParams;
      const timestamp = query.get('timestamp') ?? '';
      const ok =
        query.get('access_token') === 'dt-token' &&
        query.get('sign') === hmac(secrets.dingtalk, `${timestamp}\n${secrets.dingtalk}`, 'base64') &&
        withinAnHour(Number(timestamp), clock.now());
      return {
        status: 200,
        json: ok ? { errcode: 0, errmsg: 'ok' } : { errcode: 310000, errmsg: 'sign not match' },
      };
    });
    const wecom = await startReceiver(({ url }) => ({
      status: 200,
      json: url.endsWith('?key=wecom-key')
        ? { errcode: 0, errmsg: 'ok' }
        : { errcode: 93000, errmsg: 'invalid' },
    }));
    const feishu = await startReceiver(({ body }) => {
      const { timestamp, sign } = JSON.parse(body) as { timestamp: string; sign: string };
      const ok =
        sign === hmac(`${timestamp}\n${secrets.feishu}`, '', 'base64') &&
        withinAnHour(Number(timestamp) * 1000, clock.now());
      return {
        status: 200,
        json: ok ? { code: 0, msg: 'success', data: {} } : { code: 19021, msg: 'sign match fail' },
      };
    });

    const hooks = {
      generic: await endpoint(db, {
        url: `${generic.url}/hooks/guankong`,
        secret: secrets.generic,
        locale: 'en',
      }),
      dingtalk: await endpoint(db, {
        kind: 'dingtalk',
        url: `${dingtalk.url}/robot/send?access_token=dt-token`,
        secret: secrets.dingtalk,
      }),
      wecom: await endpoint(db, { kind: 'wecom', url: `${wecom.url}/cgi-bin/webhook/send?key=wecom-key` }),
      feishu: await endpoint(db, {
        kind: 'feishu',
        url: `${feishu.url}/open-apis/bot/v2/hook/abc`,
        secret: secrets.feishu,
      }),
    };
    const matter = input({ recipientUserIds: [] });
    expect(await notify(db, matter, { clock })).toEqual({ inboxCreated: 0, deliveriesQueued: 4 });
    expect(generic.received).toHaveLength(0); // notify itself sends nothing

    clock.advance(5000);
    await runnerFor(db, clock).runOnce();
    for (const [kind, hook] of Object.entries(hooks)) {
      expect(await deliveryOf(db, hook.id, matter.dedupeKey), kind).toMatchObject({
        status: 'delivered',
        attempts: 1,
        lastStatusCode: kind === 'generic' ? 204 : 200,
        lastError: null,
        deliveredAt: clock.now().toISOString(),
      });
    }

    const link = `https://gk.example.cn${matter.link}`;
    expect(generic.received).toHaveLength(1);
    expect(JSON.parse(generic.received[0]!.body)).toEqual({
      topic: 'case.breached',
      dedupeKey: matter.dedupeKey,
      title: matter.title.en,
      body: matter.body.en,
      link,
      unitId: org.eastGrid1.id,
      entity: matter.entity,
      createdAt: start,
    });
    expect(generic.received[0]!.headers['content-type']).toMatch(/^application\/json/);

    const ding = JSON.parse(dingtalk.received[0]!.body);
    expect(ding).toMatchObject({ msgtype: 'markdown', markdown: { title: matter.title.zh } });
    expect(ding.markdown.text).toContain(matter.body.zh);
    expect(ding.markdown.text).toContain(`[查看详情](${link})`);

    const wx = JSON.parse(wecom.received[0]!.body);
    expect(wx.msgtype).toBe('markdown');
    expect(wx.markdown.content).toContain(`### ${matter.title.zh}`);
    expect(wx.markdown.content).toContain(matter.body.zh);

    const fs = JSON.parse(feishu.received[0]!.body);
    expect(fs.msg_type).toBe('interactive');
    expect(fs.card.header.title.content).toBe(matter.title.zh);
    expect(fs.card.elements[0]).toEqual({ tag: 'markdown', content: matter.body.zh });
    expect(JSON.stringify(fs)).toContain(link);
  });

  it('retries a failing receiver with backoff and records each attempt (500, then 200)', async () => {
    const { db } = ctx();
    const clock = manualClock(start);
    const receiver = await startReceiver((_request, n) =>
      n === 1 ? { status: 500, json: { oops: true } } : { status: 200 },
    );
    const hook = await endpoint(db, { url: `${receiver.url}/hook` });
    const matter = input();
    await notify(db, matter, { clock });
    const runner = runnerFor(db, clock);

    await runner.runOnce();
    expect(await deliveryOf(db, hook.id, matter.dedupeKey)).toMatchObject({
      status: 'queued',
      attempts: 1,
      lastStatusCode: 500,
      lastError: 'HTTP 500',
      lastAttemptAt: start,
      deliveredAt: null,
    });
    const job = await findJobByKey(db, `deliver:${hook.id}:${matter.dedupeKey}`);
    expect(job).toMatchObject({ status: 'queued', attempts: 1, runAt: '2026-03-02T08:00:01.000Z' });

    clock.advance(999); // still backing off
    await runner.runOnce();
    expect(receiver.received).toHaveLength(1);

    clock.advance(1);
    await runner.runOnce();
    expect(receiver.received).toHaveLength(2);
    expect(await deliveryOf(db, hook.id, matter.dedupeKey)).toMatchObject({
      status: 'delivered',
      attempts: 2,
      lastStatusCode: 200,
      lastError: null,
      deliveredAt: '2026-03-02T08:00:01.000Z',
    });
    expect(await findJobByKey(db, `deliver:${hook.id}:${matter.dedupeKey}`)).toMatchObject({
      status: 'done',
    });
  });

  it('gives up after the last attempt on a refused connection, marking the delivery failed', async () => {
    const { db } = ctx();
    const clock = manualClock(start);
    const hook = await endpoint(db, { url: await refusedUrl() });
    const matter = input();
    // notify never reaches the network: it succeeds whatever the endpoint does.
    expect(await notify(db, matter, { clock })).toEqual({ inboxCreated: 1, deliveriesQueued: 1 });
    const runner = runnerFor(db, clock);
    for (let attempt = 1; attempt <= 5; attempt++) {
      await runner.runOnce();
      const delivery = await deliveryOf(db, hook.id, matter.dedupeKey);
      expect(delivery, `attempt ${attempt}`).toMatchObject({
        status: attempt < 5 ? 'queued' : 'failed',
        attempts: attempt,
        lastStatusCode: null,
        lastError: 'network error (ECONNREFUSED)',
      });
      clock.advance(1000 * 2 ** (attempt - 1));
    }
    expect(await findJobByKey(db, `deliver:${hook.id}:${matter.dedupeKey}`)).toMatchObject({
      status: 'failed',
      attempts: 5,
    });
  });

  it('times out on a receiver that never answers, without holding up notify', async () => {
    const { db } = ctx();
    const clock = manualClock(start);
    const receiver = await startReceiver(() => 'hang');
    const hook = await endpoint(db, { url: `${receiver.url}/hook` });
    const matter = input();
    const began = performance.now();
    await db.transaction().execute((tx) => notify(tx, matter, { clock }));
    expect(performance.now() - began).toBeLessThan(5000); // the default timeout is 10 s
    await runnerFor(db, clock, 300).runOnce();
    expect(receiver.received).toHaveLength(1);
    expect(await deliveryOf(db, hook.id, matter.dedupeKey)).toMatchObject({
      status: 'queued',
      attempts: 1,
      lastStatusCode: null,
      lastError: 'timeout after 300 ms',
    });
  });

  it('records a robot refusal (HTTP 200 with errcode) as a failure, with no credential in the error', async () => {
    const { db } = ctx();
    const clock = manualClock(start);
    const token = 'access-token-0123456789';
    const receiver = await startReceiver(() => ({
      status: 200,
      json: { errcode: 300001, errmsg: `token ${token} is not exist` },
    }));
    const hook = await endpoint(db, {
      kind: 'dingtalk',
      url: `${receiver.url}/robot/send?access_token=${token}`,
    });
    const matter = input();
    await notify(db, matter, { clock });
    await runnerFor(db, clock).runOnce();
    const delivery = await deliveryOf(db, hook.id, matter.dedupeKey);
    expect(delivery).toMatchObject({ status: 'queued', lastStatusCode: 200 });
    expect(delivery?.lastError).toBe('dingtalk errcode 300001: token [redacted] is not exist');
    const job = await findJobByKey(db, `deliver:${hook.id}:${matter.dedupeKey}`);
    expect(job?.lastError).not.toContain(token);
  });

  it('drops a queued delivery whose endpoint was disabled meanwhile, without sending', async () => {
    const { db } = ctx();
    const clock = manualClock(start);
    const receiver = await startReceiver(() => ({ status: 200 }));
    const hook = await endpoint(db, { url: `${receiver.url}/hook` });
    const matter = input();
    await notify(db, matter, { clock });
    await updateWebhookEndpoint({ endpointId: hook.id, patch: { enabled: false } }, systemDeps(db, clock));
    await runnerFor(db, clock).runOnce();
    expect(receiver.received).toHaveLength(0);
    expect(await deliveryOf(db, hook.id, matter.dedupeKey)).toMatchObject({
      status: 'failed',
      lastError: 'endpoint disabled before delivery',
    });
  });

  afterAll(async () => {
    await Promise.all(receivers.splice(0).map((r) => r.close()));
  });
});
