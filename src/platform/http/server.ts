import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController } from 'fastify';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import type { Config } from '../config/config.js';
import { handleError, notFoundError } from './error-handler.js';
import type { Authenticator } from './request-auth.js';
import { registerRequestAuth } from './request-auth.js';
import { registerSecurityHeaders } from './security-headers.js';

export type HttpApp = FastifyInstance;
export type ApiPlugin = (app: FastifyInstance) => Promise<void> | void;

export type CreateHttpServerOptions = {
  config: Pick<Config, 'bodyLimit' | 'trustProxy'>;
  logger: FastifyServerOptions['logger'];
  version: string;
  authenticate: Authenticator;
  /** Each module's routes; registered under the root with their full /api/v1 paths. */
  plugins: ApiPlugin[];
  /** Folder of the built web app; served with a fallback to index.html for client routes. */
  webRoot?: string | undefined;
};

/** Headers and fields pino must never write: credentials of every kind. */
export const redactedLogPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
];

/**
 * The HTTP adapter: Fastify with zod validation and serialisation, the OpenAPI document
 * built from the same schemas, security headers, one error handler, JSON 404s, and the
 * web app served by the same process.
 */
export const createHttpServer = async (options: CreateHttpServerOptions): Promise<HttpApp> => {
  const app = Fastify({
    logger: options.logger,
    bodyLimit: options.config.bodyLimit,
    trustProxy: options.config.trustProxy,
    requestIdHeader: 'x-request-id',
    // One line per request, written when it ends (below), instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler(async (request, reply) => handleError(notFoundError(request), request, reply));

  registerSecurityHeaders(app);
  app.addHook('onResponse', async (request, reply) => {
    const ms = Math.round(reply.elapsedTime * 10) / 10;
    // The fields for log collectors; the message for a person reading the pretty output.
    request.log.info(
      { method: request.method, url: request.url, statusCode: reply.statusCode, ms },
      `${request.method} ${request.url} ${reply.statusCode} ${ms}ms`,
    );
  });
  await app.register(fastifyCookie);
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Guankong API',
        description:
          'Guankong (管控): closed-loop management control. Authenticate with the session cookie (plus X-CSRF-Token on changes) or `Authorization: Bearer gk_…`.',
        version: options.version,
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'gk_session' },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { bearer: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs', staticCSP: true });
  registerRequestAuth(app, options.authenticate);

  app.get('/api/v1/openapi.json', { schema: { hide: true }, config: { public: true } }, async () =>
    app.swagger(),
  );
  for (const plugin of options.plugins) await plugin(app);

  if (options.webRoot && existsSync(path.join(options.webRoot, 'index.html'))) {
    await app.register(fastifyStatic, { root: options.webRoot, wildcard: false, index: ['index.html'] });
    // Client-side routes (/org, /users …) get the app shell; unknown /api paths stay JSON 404s.
    app.get('/*', { schema: { hide: true } }, async (request, reply) => {
      if (request.url.startsWith('/api/')) return handleError(notFoundError(request), request, reply);
      return reply.type('text/html; charset=utf-8').sendFile('index.html');
    });
  }
  return app;
};
