import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from '../../../test/helpers/dialects.js';
import { buildUnit, buildUser, grant } from '../../../test/helpers/factories.js';
import type { Client } from '../../../test/helpers/http.js';
import { createTestApp, loginAs } from '../../../test/helpers/http.js';
import type { App } from '../../app.js';

describeEachDialect('HTTP adapter', (ctx) => {
  let app: App;
  let admin: Client;
  let unitId: number;

  beforeAll(async () => {
    app = await createTestApp(ctx().db, { env: { GUANKONG_BODY_LIMIT: '4096' } });
    const unit = await buildUnit(ctx().db);
    unitId = unit.id;
    const { user } = await buildUser(ctx().db, [grant('admin', unit.id)]);
    admin = await loginAs(app, user.username);
  });
  afterAll(() => app.close());

  it('answers health without a session', async () => {
    const response = await app.http.inject({ method: 'GET', url: '/api/v1/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: 'ok', database: { dialect: ctx().dialect, ok: true } });
  });

  it('answers 401 with a JSON error without a session, before looking at the body', async () => {
    const list = await app.http.inject({ method: 'GET', url: '/api/v1/units' });
    expect(list.statusCode).toBe(401);
    expect(list.json()).toEqual({
      error: { code: 'auth.unauthenticated', message: '请先登录', details: {} },
    });
    const post = await app.http.inject({
      method: 'POST',
      url: '/api/v1/units',
      payload: '{broken',
      headers: { 'content-type': 'application/json' },
    });
    expect(post.statusCode).toBe(401);
    const forged = await app.http.inject({
      method: 'GET',
      url: '/api/v1/units',
      cookies: { gk_session: 'forged' },
    });
    expect(forged.statusCode).toBe(401);
  });

  it('localises messages from Accept-Language', async () => {
    const response = await app.http.inject({
      method: 'GET',
      url: '/api/v1/units',
      headers: { 'accept-language': 'en-US,en;q=0.9' },
    });
    expect(response.json().error.message).toBe('Please log in');
  });

  it('answers 400 naming each bad field', async () => {
    const response = await admin.request('POST', '/api/v1/units', {
      parentId: unitId,
      code: 'bad code!',
      kind: 'planet',
    });
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expect(body.error.code).toBe('request.invalid');
    const paths = body.error.details.issues.map((i: { path: string }) => i.path).sort();
    expect(paths).toEqual(['body.code', 'body.kind', 'body.name']);
    for (const issue of body.error.details.issues) expect(issue.message.length).toBeGreaterThan(0);
  });

  it('answers 400 for malformed JSON and for bad query values', async () => {
    const malformed = await admin.request('POST', '/api/v1/units', '{"name": ', {
      'content-type': 'application/json',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.code).toBe('request.malformed_json');
    const query = await admin.request('GET', '/api/v1/people?pageSize=100000');
    expect(query.statusCode).toBe(400);
    expect(query.json().error.details.issues[0].path).toBe('querystring.pageSize');
  });

  it('answers 413 for a body over the limit', async () => {
    const response = await admin.request('POST', '/api/v1/units', {
      parentId: unitId,
      code: 'BIG',
      name: 'x'.repeat(10_000),
      kind: 'team',
    });
    expect(response.statusCode).toBe(413);
    expect(response.json().error.code).toBe('request.too_large');
  });

  it('answers unknown routes with a JSON 404, under /api and elsewhere', async () => {
    for (const [method, url] of [
      ['GET', '/api/v1/nothing-here'],
      ['POST', '/api/v1/units/1/explode'],
      ['DELETE', '/nope'],
    ] as const) {
      const response = await app.http.inject({ method, url });
      expect(response.statusCode).toBe(404);
      expect(response.headers['content-type']).toContain('application/json');
      expect(response.json().error.code).toBe('route.not_found');
    }
  });

  it('refuses a cookie-session change without the CSRF token', async () => {
    const response = await app.http.inject({
      method: 'POST',
      url: '/api/v1/units',
      headers: { cookie: admin.cookie },
      payload: { parentId: unitId, code: 'CSRF-1', name: '跨站', kind: 'team' },
    });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('auth.csrf_failed');
    const units = await admin.request('GET', '/api/v1/units');
    expect(units.json().items.map((u: { code: string }) => u.code)).not.toContain('CSRF-1');
  });

  it('accepts a bearer API token without CSRF', async () => {
    const created = await admin.request('POST', '/api/v1/auth/tokens', { name: 'integration' });
    expect(created.statusCode).toBe(201);
    const { secret } = created.json();
    const response = await app.http.inject({
      method: 'POST',
      url: '/api/v1/units',
      headers: { authorization: `Bearer ${secret}` },
      payload: { parentId: unitId, code: 'TOKEN-1', name: '令牌创建', kind: 'team' },
    });
    expect(response.statusCode).toBe(201);
  });

  it('sets the session cookie httpOnly and SameSite=Lax, and sends security headers', async () => {
    const { user } = await buildUser(ctx().db, [grant('viewer', unitId)]);
    const response = await app.http.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: user.username, password: 'correct horse battery' },
    });
    const cookie = response.cookies.find((c) => c.name === 'gk_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(cookie?.secure).toBeFalsy(); // plain HTTP in tests; Secure when the request came over HTTPS
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['content-security-policy']).toContain("script-src 'self'");
  });

  it('serves an OpenAPI 3 document generated from the zod schemas', async () => {
    const response = await app.http.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(response.statusCode).toBe(200);
    const doc = response.json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/units',
        '/api/v1/people/{id}',
        '/api/v1/auth/login',
        '/api/v1/audit-events',
      ]),
    );
    expect(doc.components.schemas.Unit.properties.kind.enum).toContain('grid');
    const docs = await app.http.inject({ method: 'GET', url: '/api/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger');
  });
});
