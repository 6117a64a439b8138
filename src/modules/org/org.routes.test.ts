import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from '../../../test/helpers/dialects.js';
import { buildOrgTree, buildUser, grant } from '../../../test/helpers/factories.js';
import type { Client } from '../../../test/helpers/http.js';
import { createTestApp, loginAs } from '../../../test/helpers/http.js';
import type { App } from '../../app.js';

describeEachDialect('org API', (ctx) => {
  let app: App;
  let org: Awaited<ReturnType<typeof buildOrgTree>>;
  let admin: Client;
  let gridManager: Client;
  let viewer: Client;

  beforeAll(async () => {
    const { db } = ctx();
    app = await createTestApp(db);
    org = await buildOrgTree(db);
    admin = await loginAs(app, (await buildUser(db, [grant('admin', org.company.id)])).user.username);
    gridManager = await loginAs(
      app,
      (await buildUser(db, [grant('manager', org.eastGrid1.id)])).user.username,
    );
    viewer = await loginAs(app, (await buildUser(db, [grant('viewer', org.company.id)])).user.username);
  });
  afterAll(() => app.close());

  it('creates a unit and a person, edits and reads back their audit trail', async () => {
    const unit = await admin.request('POST', '/api/v1/units', {
      parentId: org.east.id,
      code: `API-${ctx().dialect}`,
      name: '接口网格',
      kind: 'grid',
    });
    expect(unit.statusCode).toBe(201);
    const unitId = unit.json().id as number;
    const person = await admin.request('POST', '/api/v1/people', {
      unitId,
      name: '接口人员',
      employeeNo: `A-${ctx().dialect}`,
      level: '专员',
      position: '网格经理',
      city: '武汉',
      phone: '138 0000 0000',
    });
    expect(person.statusCode).toBe(201);
    expect(person.json()).toMatchObject({ unitName: '接口网格', level: '专员', active: true });
    const personId = person.json().id as number;

    const patched = await admin.request('PATCH', `/api/v1/people/${personId}`, { position: '客户经理' });
    expect(patched.json().position).toBe('客户经理');
    const trail = await admin.request('GET', `/api/v1/people/${personId}/audit`);
    expect(trail.json().items.map((e: { action: string }) => e.action)).toEqual([
      'person.update',
      'person.create',
    ]);
    expect(trail.json().items[0]).toMatchObject({
      before: { position: '网格经理' },
      after: { position: '客户经理' },
    });

    const listed = await admin.request('GET', `/api/v1/people?unitId=${org.east.id}&q=接口`);
    expect(listed.json().items.map((p: { id: number }) => p.id)).toEqual([personId]);
    const notSubtree = await admin.request(
      'GET',
      `/api/v1/people?unitId=${org.east.id}&subtree=false&q=接口`,
    );
    expect(notSubtree.json().total).toBe(0);

    expect((await admin.request('DELETE', `/api/v1/units/${unitId}`)).statusCode).toBe(409);
    expect((await admin.request('DELETE', `/api/v1/people/${personId}`)).statusCode).toBe(204);
    expect((await admin.request('DELETE', `/api/v1/units/${unitId}`)).statusCode).toBe(204);
    expect((await admin.request('GET', `/api/v1/units/${unitId}`)).statusCode).toBe(404);
  });

  it('answers 403 when the role does not allow the operation', async () => {
    const create = await viewer.request('POST', '/api/v1/people', { unitId: org.eastGrid1.id, name: '不可' });
    expect(create.statusCode).toBe(403);
    expect(create.json().error.code).toBe('auth.forbidden');
    expect((await viewer.request('GET', '/api/v1/users')).statusCode).toBe(403);
    expect((await gridManager.request('GET', '/api/v1/users')).statusCode).toBe(403);
    expect((await viewer.request('GET', '/api/v1/people')).statusCode).toBe(200);
  });

  it('never shows a grid manager another grid’s people: lists exclude them, reads and writes are 404', async () => {
    const other = org.people.eastGrid2;
    const list = await gridManager.request('GET', '/api/v1/people?pageSize=200');
    expect(list.json().items.map((p: { id: number }) => p.id)).toEqual([org.people.eastGrid1.id]);
    const filtered = await gridManager.request('GET', `/api/v1/people?unitId=${org.eastGrid2.id}`);
    expect(filtered.json()).toMatchObject({ items: [], total: 0 });
    for (const [method, url, body] of [
      ['GET', `/api/v1/people/${other.id}`, undefined],
      ['GET', `/api/v1/people/${other.id}/audit`, undefined],
      ['PATCH', `/api/v1/people/${other.id}`, { name: '篡改' }],
      ['DELETE', `/api/v1/people/${other.id}`, undefined],
      ['GET', `/api/v1/units/${org.eastGrid2.id}`, undefined],
    ] as const) {
      const response = await gridManager.request(method, url, body);
      expect(response.statusCode, `${method} ${url}`).toBe(404);
      expect(response.body).not.toContain(other.name);
    }
    const stillThere = await admin.request('GET', `/api/v1/people/${other.id}`);
    expect(stillThere.json().name).toBe(other.name);
  });

  it('manages users: create with grants, log in as them, deactivate', async () => {
    const username = `api-user-${ctx().dialect}`;
    const created = await admin.request('POST', '/api/v1/users', {
      username,
      displayName: '接口用户',
      password: 'a long password',
      grants: [{ role: 'staff', unitId: org.west.id }],
    });
    expect(created.statusCode).toBe(201);
    expect(created.json().grants).toEqual([{ role: 'staff', unitId: org.west.id, unitName: org.west.name }]);
    const asUser = await loginAs(app, username, 'a long password');
    const session = await asUser.request('GET', '/api/v1/auth/session');
    expect(session.json().user).toMatchObject({
      username,
      roles: ['staff'],
      permissions: [
        'org.read',
        'customers.read',
        'customers.write',
        'cases.read',
        'cases.write',
        'cases.callback',
        'indicators.read',
      ],
    });

    const duplicate = await admin.request('POST', '/api/v1/users', {
      username,
      displayName: 'x',
      password: 'a long password',
    });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().error.code).toBe('org.username_taken');

    await admin.request('PATCH', `/api/v1/users/${created.json().id}`, { active: false });
    expect((await asUser.request('GET', '/api/v1/units')).statusCode).toBe(401);
  });

  it('lets a user change his language and password', async () => {
    const { user } = await buildUser(ctx().db, [grant('viewer', org.east.id)]);
    const client = await loginAs(app, user.username);
    const me = await client.request('PATCH', '/api/v1/auth/me', { locale: 'en' });
    expect(me.json().locale).toBe('en');
    const wrong = await client.request('POST', '/api/v1/auth/password', {
      currentPassword: 'nope',
      newPassword: 'new password 123',
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.code).toBe('auth.wrong_password');
    const short = await client.request('POST', '/api/v1/auth/password', {
      currentPassword: 'correct horse battery',
      newPassword: 'short',
    });
    expect(short.json().error.details.issues[0].path).toBe('body.newPassword');
    const ok = await client.request('POST', '/api/v1/auth/password', {
      currentPassword: 'correct horse battery',
      newPassword: 'new password 123',
    });
    expect(ok.statusCode).toBe(204);
    expect((await client.request('GET', '/api/v1/auth/session')).statusCode).toBe(200);
    await expect(loginAs(app, user.username, 'new password 123')).resolves.toBeTruthy();
    const logout = await client.request('POST', '/api/v1/auth/logout');
    expect(logout.statusCode).toBe(204);
    expect((await client.request('GET', '/api/v1/auth/session')).statusCode).toBe(401);
  });

  it('limits the audit trail to the reader’s scope', async () => {
    const auditor = await loginAs(
      app,
      (await buildUser(ctx().db, [grant('auditor', org.west.id)])).user.username,
    );
    const events = await auditor.request('GET', '/api/v1/audit-events?entity=person&pageSize=200');
    const ids = events.json().items.map((e: { entityId: string }) => Number(e.entityId));
    expect(ids).toContain(org.people.westGrid1.id);
    expect(ids).not.toContain(org.people.eastGrid1.id);
    expect((await gridManager.request('GET', '/api/v1/audit-events')).statusCode).toBe(200);
    expect((await viewer.request('GET', '/api/v1/audit-events')).statusCode).toBe(403);
  });
});
