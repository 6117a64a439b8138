import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from '../../../test/helpers/dialects.js';
import { buildOrgTree, buildUser, grant, systemDeps } from '../../../test/helpers/factories.js';
import type { Client } from '../../../test/helpers/http.js';
import { createTestApp, loginAs } from '../../../test/helpers/http.js';
import type { App } from '../../app.js';
import type { Grant } from '../../platform/access.js';
import type { Db } from '../../platform/db/database.js';
import type { CreateCustomerInput, Customer } from './customers.schema.js';
import { createCustomer } from './customers.service.js';

let sequence = 0;
const buildCustomer = (db: Db, overrides: Partial<CreateCustomerInput> & { unitId: number }) =>
  createCustomer({ name: `客户 ${++sequence}`, ...overrides }, systemDeps(db));

const countRows = async (db: Db) => ({
  customers: Number(
    (
      await db
        .selectFrom('customers')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  ),
  audit: Number(
    (
      await db
        .selectFrom('auditLog')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  ),
});

describeEachDialect('customers API', (ctx) => {
  let app: App;
  let org: Awaited<ReturnType<typeof buildOrgTree>>;
  let east1: Customer;
  let east2: Customer;
  let west1: Customer;
  const as: Record<string, Client> = {};
  const userIds: Record<string, number> = {};

  const login = async (name: string, grants: Grant[]) => {
    const { user } = await buildUser(ctx().db, grants);
    userIds[name] = user.id;
    as[name] = await loginAs(app, user.username);
  };

  beforeAll(async () => {
    const { db } = ctx();
    app = await createTestApp(db);
    org = await buildOrgTree(db);
    east1 = await buildCustomer(db, {
      unitId: org.eastGrid1.id,
      name: '王建国',
      externalKey: 'SUB-E1',
      kind: 'household',
      phone: '138 0013 1234',
      phone2: '0571-8888 6666',
      building: '3栋',
      room: '502',
      tags: ['key'],
    });
    east2 = await buildCustomer(db, { unitId: org.eastGrid2.id, name: '李秀英', phone: '13700002222' });
    west1 = await buildCustomer(db, { unitId: org.westGrid1.id, name: '赵磊', phone: '13911113333' });
    await login('admin', [grant('admin', org.company.id)]);
    await login('managerEast', [grant('manager', org.east.id)]);
    await login('staffGrid1', [grant('staff', org.eastGrid1.id)]);
    await login('auditor', [grant('auditor', org.company.id)]);
    await login('viewer', [grant('viewer', org.company.id)]);
    await login('managerEastViewerWest', [grant('manager', org.east.id), grant('viewer', org.west.id)]);
  });
  afterAll(() => app.close());

  it('masks phones by role: full for admin and manager, 138****1234 for staff, auditor and viewer', async () => {
    for (const [who, masked] of [
      ['admin', false],
      ['managerEast', false],
      ['staffGrid1', true],
      ['auditor', true],
      ['viewer', true],
    ] as const) {
      const response = await as[who]!.request('GET', `/api/v1/customers/${east1.id}`);
      expect(response.statusCode, who).toBe(200);
      expect(response.json(), who).toMatchObject(
        masked
          ? { phone: '138****1234', phone2: '057****6666', contactMasked: true }
          : { phone: '138 0013 1234', phone2: '0571-8888 6666', contactMasked: false },
      );
      if (masked) expect(response.body, who).not.toContain('0013');
      const list = await as[who]!.request('GET', `/api/v1/customers?unitId=${org.eastGrid1.id}`);
      const listed = list.json().items.find((c: Customer) => c.id === east1.id) as Customer;
      expect(listed.phone, who).toBe(masked ? '138****1234' : '138 0013 1234');
    }
  });

  it('masks per unit: a manager of one branch sees the other branch’s numbers masked', async () => {
    const list = await as.managerEastViewerWest!.request('GET', '/api/v1/customers?pageSize=200');
    const byId = new Map(list.json().items.map((c: Customer) => [c.id, c]));
    expect(byId.get(east1.id)).toMatchObject({ phone: '138 0013 1234', contactMasked: false });
    expect(byId.get(east2.id)).toMatchObject({ phone: '13700002222', contactMasked: false });
    expect(byId.get(west1.id)).toMatchObject({ phone: '139****3333', contactMasked: true });
    const one = await as.managerEastViewerWest!.request('GET', `/api/v1/customers/${west1.id}`);
    expect(one.json().phone).toBe('139****3333');
  });

  it('reveals the full numbers to a masked caller and records it in the audit log', async () => {
    const { db } = ctx();
    const before = await countRows(db);
    const response = await as.staffGrid1!.request('POST', `/api/v1/customers/${east1.id}/reveal-contact`);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ id: east1.id, phone: '138 0013 1234', phone2: '0571-8888 6666' });
    const rows = await db
      .selectFrom('auditLog')
      .selectAll()
      .where('action', '=', 'customer.reveal_contact')
      .where('entityId', '=', String(east1.id))
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      entity: 'customer',
      actorId: userIds.staffGrid1,
      unitId: org.eastGrid1.id,
    });
    expect(rows[0]!.afterJson).not.toContain('0013');
    expect((await countRows(db)).audit).toBe(before.audit + 1);

    // Outside the scope: 404, and nothing recorded.
    const outside = await as.staffGrid1!.request('POST', `/api/v1/customers/${west1.id}/reveal-contact`);
    expect(outside.statusCode).toBe(404);
    expect(outside.body).not.toContain('13911113333');
    expect((await countRows(db)).audit).toBe(before.audit + 1);
  });

  it('finds a customer by its full phone number for a masked caller without revealing it', async () => {
    for (const q of ['13800131234', '138 0013 1234', '138-0013-1234', '057188886666']) {
      const response = await as.staffGrid1!.request('GET', `/api/v1/customers?q=${encodeURIComponent(q)}`);
      expect(
        response.json().items.map((c: Customer) => c.id),
        q,
      ).toEqual([east1.id]);
      expect(response.json().items[0].phone).toBe('138****1234');
      expect(response.body).not.toContain('0013');
    }
    // Partial numbers do not match, or the hidden digits could be probed one by one.
    for (const q of ['0013', '1380013', '0013123']) {
      const response = await as.staffGrid1!.request('GET', `/api/v1/customers?q=${q}`);
      expect(response.json().total, q).toBe(0);
    }
    // Out of scope customers are not found by number either.
    const other = await as.staffGrid1!.request('GET', '/api/v1/customers?q=13911113333');
    expect(other.json().total).toBe(0);
    const admin = await as.admin!.request('GET', '/api/v1/customers?q=13911113333');
    expect(admin.json().items.map((c: Customer) => c.id)).toEqual([west1.id]);
  });

  it('never shows a grid staff member another grid’s customers: lists exclude them, reads and writes are 404', async () => {
    const list = await as.staffGrid1!.request('GET', '/api/v1/customers?pageSize=200');
    const ids = list.json().items.map((c: Customer) => c.id);
    expect(ids).toContain(east1.id);
    expect(ids).not.toContain(east2.id);
    expect(ids).not.toContain(west1.id);
    const filtered = await as.staffGrid1!.request('GET', `/api/v1/customers?unitId=${org.eastGrid2.id}`);
    expect(filtered.json()).toMatchObject({ items: [], total: 0 });
    for (const [method, url, body] of [
      ['GET', `/api/v1/customers/${east2.id}`, undefined],
      ['PATCH', `/api/v1/customers/${east2.id}`, { name: '篡改' }],
      ['DELETE', `/api/v1/customers/${east2.id}`, undefined],
      ['POST', `/api/v1/customers/${east2.id}/reveal-contact`, undefined],
    ] as const) {
      const response = await as.staffGrid1!.request(method, url, body);
      expect(response.statusCode, `${method} ${url}`).toBe(404);
      expect(response.json().error.code).toBe('customers.not_found');
      expect(response.body).not.toContain(east2.name);
    }
    const create = await as.staffGrid1!.request('POST', '/api/v1/customers', {
      unitId: org.eastGrid2.id,
      name: '越权',
    });
    expect(create.statusCode).toBe(404);
    const stillThere = await as.admin!.request('GET', `/api/v1/customers/${east2.id}`);
    expect(stillThere.json().name).toBe(east2.name);
  });

  it('refuses a duplicate external key with 409 and writes nothing', async () => {
    const { db } = ctx();
    const before = await countRows(db);
    const duplicate = await as.managerEast!.request('POST', '/api/v1/customers', {
      unitId: org.eastGrid2.id,
      name: '重复',
      externalKey: 'SUB-E1',
    });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().error.code).toBe('customers.external_key_taken');
    const patch = await as.managerEast!.request('PATCH', `/api/v1/customers/${east2.id}`, {
      externalKey: 'SUB-E1',
      name: '改名',
    });
    expect(patch.statusCode).toBe(409);
    expect(await countRows(db)).toEqual(before);
    expect((await as.admin!.request('GET', `/api/v1/customers/${east2.id}`)).json().name).toBe(east2.name);
  });

  it('refuses a bad phone with 400 naming body.phone, and an unknown tag', async () => {
    const { db } = ctx();
    const before = await countRows(db);
    const bad = await as.managerEast!.request('POST', '/api/v1/customers', {
      unitId: org.eastGrid1.id,
      name: '坏号码',
      phone: '138abc1234',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('request.invalid');
    expect(bad.json().error.details.issues.map((i: { path: string }) => i.path)).toEqual(['body.phone']);
    const tag = await as.managerEast!.request('PATCH', `/api/v1/customers/${east1.id}`, { tags: ['gold'] });
    expect(tag.statusCode).toBe(400);
    expect(tag.json().error.details.issues[0].path).toMatch(/^body\.tags/);
    expect(await countRows(db)).toEqual(before);
  });

  it('creates, edits, filters by tag and deletes, with an audit row for each change and no full number in it', async () => {
    const { db } = ctx();
    expect(
      (await as.viewer!.request('POST', '/api/v1/customers', { unitId: org.eastGrid1.id, name: '只读' }))
        .statusCode,
    ).toBe(403);
    const created = await as.staffGrid1!.request('POST', '/api/v1/customers', {
      unitId: org.eastGrid1.id,
      name: '孙老伯',
      externalKey: 'ROOM-7-101',
      phone: '15055556666',
      tags: ['elderly', 'key'],
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      kind: 'person',
      phone: '150****6666',
      contactMasked: true,
      tags: ['key', 'elderly'],
      unitName: org.eastGrid1.name,
    });
    const id = created.json().id as number;
    const patched = await as.staffGrid1!.request('PATCH', `/api/v1/customers/${id}`, {
      phone: '15077778888',
      tags: ['elderly'],
    });
    expect(patched.json()).toMatchObject({ phone: '150****8888', tags: ['elderly'] });
    const full = await as.managerEast!.request('GET', `/api/v1/customers/${id}`);
    expect(full.json().phone).toBe('15077778888');

    const keyCustomers = await as.admin!.request('GET', '/api/v1/customers?tag=key&pageSize=200');
    expect(keyCustomers.json().items.map((c: Customer) => c.id)).toEqual([east1.id]);
    const elderly = await as.admin!.request('GET', '/api/v1/customers?tag=elderly');
    expect(elderly.json().items.map((c: Customer) => c.id)).toEqual([id]);

    expect((await as.staffGrid1!.request('DELETE', `/api/v1/customers/${id}`)).statusCode).toBe(204);
    expect((await as.admin!.request('GET', `/api/v1/customers/${id}`)).statusCode).toBe(404);
    const trail = await db
      .selectFrom('auditLog')
      .select(['action', 'beforeJson', 'afterJson', 'actorId'])
      .where('entity', '=', 'customer')
      .where('entityId', '=', String(id))
      .orderBy('id')
      .execute();
    expect(trail.map((r) => r.action)).toEqual(['customer.create', 'customer.update', 'customer.delete']);
    expect(trail.every((r) => r.actorId === userIds.staffGrid1)).toBe(true);
    const text = JSON.stringify(trail);
    expect(text).toContain('150****6666');
    expect(text).toContain('150****8888');
    expect(text).not.toContain('15055556666');
    expect(text).not.toContain('15077778888');
  });
});
