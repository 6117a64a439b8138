import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../access.js';
import { safeEqual } from '../crypto/tokens.js';
import { AppError } from '../errors/app-error.js';

/** Who made a request and how: resolved once per request by the onRequest hook. */
export type RequestAuth = {
  actor: Actor;
  userId: number;
  via: 'session' | 'token';
  /** Present for cookie sessions: the hashed session id and its CSRF token. */
  session?: { id: string; csrfToken: string };
};

/** Resolves the credentials of a request, or null when it carries none that are valid. */
export type Authenticator = (credentials: {
  sessionToken?: string;
  bearerToken?: string;
}) => Promise<RequestAuth | null>;

// Fastify's types are extended by declaration merging, which only interfaces support.
/* eslint-disable @typescript-eslint/consistent-type-definitions */
declare module 'fastify' {
  interface FastifyRequest {
    auth: RequestAuth | null;
  }
  interface FastifyContextConfig {
    /** Route answers without a session (login, health, OpenAPI). */
    public?: boolean;
  }
}
/* eslint-enable @typescript-eslint/consistent-type-definitions */

export const sessionCookieName = 'gk_session';
export const csrfHeaderName = 'x-csrf-token';

const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Every /api/v1 route requires a session cookie or a bearer token unless marked public.
 * Runs on onRequest, before the body is parsed, so an anonymous caller gets 401 and
 * learns nothing about the body's shape. Cookie sessions must echo their CSRF token on
 * state-changing requests; bearer tokens are not sent by browsers on their own, so they
 * need no such check.
 */
export const registerRequestAuth = (app: FastifyInstance, authenticate: Authenticator) => {
  app.decorateRequest('auth', null);
  app.addHook('onRequest', async (request: FastifyRequest, _reply: FastifyReply) => {
    const routeUrl = request.routeOptions.url;
    if (!routeUrl?.startsWith('/api/v1/')) return; // static files, the docs UI, unknown routes (404)
    const header = request.headers.authorization;
    const bearerToken = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    const sessionToken = bearerToken ? undefined : request.cookies[sessionCookieName];
    request.auth = bearerToken || sessionToken ? await authenticate({ sessionToken, bearerToken }) : null;
    if (request.routeOptions.config.public) return;
    if (!request.auth) throw new AppError('auth.unauthenticated');
    if (request.auth.via === 'session' && unsafeMethods.has(request.method)) {
      const sent = request.headers[csrfHeaderName];
      if (
        typeof sent !== 'string' ||
        !request.auth.session ||
        !safeEqual(sent, request.auth.session.csrfToken)
      ) {
        throw new AppError('auth.csrf_failed');
      }
    }
  });
};

/** The authenticated caller of a non-public route (the hook has guaranteed one). */
export const authOf = (request: FastifyRequest): RequestAuth => {
  if (!request.auth) throw new AppError('auth.unauthenticated');
  return request.auth;
};
