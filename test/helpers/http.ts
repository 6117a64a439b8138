import type { LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/app.js';
import type { App } from '../../src/app.js';
import type { Clock } from '../../src/platform/clock.js';
import { loadConfig } from '../../src/platform/config/config.js';
import type { Db } from '../../src/platform/db/database.js';
import { testPassword } from './factories.js';

export const testSecret = 'test-session-secret-with-at-least-32-chars';

/** The app on a test database, without a listening socket (requests go through inject). */
export const createTestApp = async (
  db: Db,
  options: { clock?: Clock; env?: Record<string, string> } = {},
): Promise<App> => {
  const config = loadConfig({
    GUANKONG_SESSION_SECRET: testSecret,
    LOG_LEVEL: 'silent',
    GUANKONG_DATA_DIR: '/tmp/guankong-test-data',
    ...options.env,
  });
  return buildApp({
    config,
    db,
    logger: false,
    webRoot: '/nonexistent',
    ...(options.clock ? { clock: options.clock } : {}),
  });
};

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export type Client = {
  request: (
    method: Method,
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
  ) => Promise<LightMyRequestResponse>;
  csrfToken: string;
  cookie: string;
};

/** Logs in through the API and returns a client that sends the cookie and the CSRF token. */
export const loginAs = async (app: App, username: string, password = testPassword): Promise<Client> => {
  const response = await app.http.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username, password },
  });
  if (response.statusCode !== 200)
    throw new Error(`login as ${username} failed: ${response.statusCode} ${response.body}`);
  const cookie = response.cookies.find((c) => c.name === 'gk_session');
  if (!cookie) throw new Error('no session cookie');
  const { csrfToken } = response.json<{ csrfToken: string }>();
  return {
    csrfToken,
    cookie: `gk_session=${cookie.value}`,
    request: (method, url, body, headers = {}) =>
      app.http.inject({
        method,
        url,
        headers: { cookie: `gk_session=${cookie.value}`, 'x-csrf-token': csrfToken, ...headers },
        ...(body === undefined ? {} : { payload: body as object }),
      }),
  };
};
