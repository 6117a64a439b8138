import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../platform/context.js';
import { depsOf } from '../../platform/context.js';
import { ZIdParams, ZPaged } from '../org/org.schema.js';
import {
  ZContact,
  ZCreateCustomerInput,
  ZCustomer,
  ZListCustomersQuery,
  ZUpdateCustomerInput,
} from './customers.schema.js';
import {
  createCustomer,
  deleteCustomer,
  getCustomer,
  listCustomers,
  revealCustomerContact,
  updateCustomer,
} from './customers.service.js';
import {
  customerImportLimits,
  importCustomers,
  ZCustomerImportResult,
  ZImportCustomersQuery,
} from './customers-import.service.js';

/** Customers under /api/v1: validate, call the service, nothing else. */
export const customersRoutes = (ctx: AppContext) => async (root: FastifyInstance) => {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const customers = { tags: ['customers'] };

  app.get(
    '/api/v1/customers',
    {
      schema: {
        ...customers,
        summary: 'Customers the caller may read; phones masked outside his customers.contact scope',
        querystring: ZListCustomersQuery,
        response: { 200: ZPaged(ZCustomer) },
      },
    },
    async (req) => listCustomers(req.query, depsOf(ctx, req)),
  );
  app.get(
    '/api/v1/customers/:id',
    { schema: { ...customers, params: ZIdParams, response: { 200: ZCustomer } } },
    async (req) => getCustomer({ customerId: req.params.id }, depsOf(ctx, req)),
  );
  app.post(
    '/api/v1/customers',
    { schema: { ...customers, body: ZCreateCustomerInput, response: { 201: ZCustomer } } },
    async (req, reply) => reply.status(201).send(await createCustomer(req.body, depsOf(ctx, req))),
  );
  app.patch(
    '/api/v1/customers/:id',
    { schema: { ...customers, params: ZIdParams, body: ZUpdateCustomerInput, response: { 200: ZCustomer } } },
    async (req) => updateCustomer({ customerId: req.params.id, patch: req.body }, depsOf(ctx, req)),
  );
  app.delete('/api/v1/customers/:id', { schema: { ...customers, params: ZIdParams } }, async (req, reply) => {
    await deleteCustomer({ customerId: req.params.id }, depsOf(ctx, req));
    return reply.status(204).send();
  });
  app.post(
    '/api/v1/customers/:id/reveal-contact',
    {
      schema: {
        ...customers,
        summary: 'The full phone numbers of a customer; recorded in the audit log',
        params: ZIdParams,
        response: { 200: ZContact },
      },
    },
    async (req) => revealCustomerContact({ customerId: req.params.id }, depsOf(ctx, req)),
  );
  // The CSV as the raw body, in its own scope so that the text/csv parser touches no other route;
  // it is the scope's only parser, so any other body is 400 request.unsupported_media_type. The
  // body limit is twice the file limit, so a file just over it gets the import's own error.
  await app.register(async (scope) => {
    const bodyLimit = customerImportLimits.maxBytes * 2;
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('text/csv', { parseAs: 'buffer', bodyLimit }, (_req, body, done) =>
      done(null, body),
    );
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/api/v1/customers/import',
      {
        bodyLimit,
        schema: {
          ...customers,
          summary:
            'Import customers from a CSV file sent as the raw body (text/csv, UTF-8, header row; ≤ 10 MB, 100,000 rows)',
          querystring: ZImportCustomersQuery,
          response: { 200: ZCustomerImportResult },
        },
      },
      async (req) =>
        importCustomers(
          {
            csv: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
            mode: req.query.mode,
            defaultUnitId: req.query.defaultUnitId,
          },
          depsOf(ctx, req),
        ),
    );
  });
};
