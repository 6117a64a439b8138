import { Writable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from '../../../test/helpers/dialects.js';
import { buildUnit, buildUser, grant, testPassword } from '../../../test/helpers/factories.js';
import { testSecret } from '../../../test/helpers/http.js';
import type { App } from '../../app.js';
import { buildApp } from '../../app.js';
import { loadConfig } from '../config/config.js';
import { redactedLogPaths } from './server.js';

describeEachDialect('request logs', (ctx) => {
  const lines: string[] = [];
  let app: App;

  beforeAll(async () => {
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const config = loadConfig({
      GUANKONG_SESSION_SECRET: testSecret,
      GUANKONG_DATA_DIR: '/tmp/guankong-test-data',
    });
    app = await buildApp({
      config,
      db: ctx().db,
      webRoot: '/nonexistent',
      logger: { level: 'trace', stream, redact: redactedLogPaths },
    });
  });
  afterAll(() => app.close());

  it('write one line per request, without passwords, cookies, CSRF or API tokens', async () => {
    const unit = await buildUnit(ctx().db);
    const { user } = await buildUser(ctx().db, [grant('admin', unit.id)]);
    const login = await app.http.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: user.username, password: testPassword },
    });
    const cookie = login.cookies.find((c) => c.name === 'gk_session')?.value as string;
    const { csrfToken } = login.json<{ csrfToken: string }>();
    const token = await app.http.inject({
      method: 'POST',
      url: '/api/v1/auth/tokens',
      headers: { cookie: `gk_session=${cookie}`, 'x-csrf-token': csrfToken },
      payload: { name: 'log test' },
    });
    const secret = token.json<{ secret: string }>().secret;
    await app.http.inject({
      method: 'GET',
      url: '/api/v1/units',
      headers: { authorization: `Bearer ${secret}` },
    });
    await app.http.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: user.username, password: 'wrong password' },
    });

    const text = lines.join('');
    for (const secretValue of [testPassword, 'wrong password', cookie, csrfToken, secret, testSecret]) {
      expect(text).not.toContain(secretValue);
    }
    const requests = lines
      .map((l) => JSON.parse(l) as { msg: string; url?: string; statusCode?: number })
      .filter((l) => l.url !== undefined && l.statusCode !== undefined);
    expect(requests.map((r) => `${r.statusCode} ${r.url}`)).toEqual([
      '200 /api/v1/auth/login',
      '201 /api/v1/auth/tokens',
      '200 /api/v1/units',
      '401 /api/v1/auth/login',
    ]);
  });
});
