import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { errorResponses, IdParams, SuccessOnly } from '../http/common.schema.js';
import { assertValid } from '../http/validation.js';
import type { AppContext } from '../app-context.js';
import {
  BulkCustomerInput,
  CustomerInput,
  CreateCustomersBodyDoc,
  CustomerListQuery,
  CustomerListResponse,
  CustomerOneResponse,
  CustomerPatch,
  CustomersSavedResponse,
  MAX_CUSTOMERS_PER_REQUEST,
} from './customers.schema.js';
import * as service from './customers.service.js';
import { customerImportRoutes } from './import.routes.js';

/**
 * 5,000 customers of ~1.6 kB each. Parsed and validated, a body costs the process ~13 times its
 * size (a 59 MB one took ~800 MB): this bound keeps one request from starving the service of
 * memory. Customers with many long attributes go in smaller requests (or a CSV import, streamed).
 */
const CREATE_BODY_LIMIT = 8 * 1024 * 1024;

export const customerRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const context = () => ({ db: ctx.database.db, engine: ctx.database.engine, countryCode: ctx.config.defaultCountryCode, now: ctx.clock.now() });

  app.post(
    '/customers',
    {
      bodyLimit: CREATE_BODY_LIMIT,
      // Either shape is checked in the handler; the document shows both (openapiBody).
      config: { openapiBody: CreateCustomersBodyDoc },
      schema: {
        tags: ['Customers'],
        summary: 'Create or update customers: one, or many with {customers: [...]}',
        description:
          `Up to ${MAX_CUSTOMERS_PER_REQUEST} customers per request; all or none are saved. A customer given with \`id\` (your own ` +
          'customer id) is created with that id, or, when it exists, replaced by what you send (opt-outs are kept); one whose ' +
          'values are already stored is not written (counted as `unchanged`). An id may appear once per request. ' +
          'With the header `Prefer: return=minimal` the answer carries only the counts, not `data` (faster for a bulk sync).',
        body: Type.Object({}, { additionalProperties: true }),
        headers: Type.Object({
          prefer: Type.Optional(Type.String({ description: '`return=minimal`: answer with the counts only, without `data`.', examples: ['return=minimal'] })),
        }),
        response: { 200: CustomersSavedResponse, 201: CustomersSavedResponse, ...errorResponses(400, 401, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const body = request.body as Record<string, unknown>;
      const inputs = 'customers' in body ? assertValid(BulkCustomerInput, body).customers : [assertValid(CustomerInput, body)];
      const minimal = wantsMinimalReturn(request.headers.prefer);
      const saved = await service.saveCustomers(context(), inputs, !minimal);
      if (minimal) reply.header('preference-applied', 'return=minimal');
      return reply.status(saved.created > 0 ? 201 : 200).send({
        success: true,
        ...(saved.rows ? { data: saved.rows.map(service.toCustomerResponse) } : {}),
        created: saved.created,
        updated: saved.updated,
        unchanged: saved.unchanged,
      });
    },
  );

  app.get('/customers', {
    schema: { tags: ['Customers'], summary: 'List customers', querystring: CustomerListQuery, response: { 200: CustomerListResponse, ...errorResponses(401, 422) } },
  }, async (request) => {
    const { page, per_page, status, search } = request.query;
    const { rows, total } = await service.listCustomers(context(), { status, search }, page, per_page);
    return { success: true, data: rows.map(service.toCustomerResponse), meta: { page, per_page, total } };
  });

  app.get('/customers/:id', {
    schema: { tags: ['Customers'], summary: 'Get one customer', params: IdParams, response: { 200: CustomerOneResponse, ...errorResponses(401, 404) } },
  }, async (request) => ({
    success: true,
    data: service.toCustomerResponse(await service.getCustomer(context(), request.params.id)),
  }));

  app.patch('/customers/:id', {
    schema: {
      tags: ['Customers'],
      summary: 'Change a customer',
      params: IdParams,
      body: CustomerPatch,
      response: { 200: CustomerOneResponse, ...errorResponses(400, 401, 404, 415, 422) },
    },
  }, async (request) => ({
    success: true,
    data: service.toCustomerResponse(await service.updateCustomer(context(), request.params.id, request.body)),
  }));

  app.delete('/customers/:id', {
    schema: { tags: ['Customers'], summary: 'Delete a customer', params: IdParams, response: { 200: SuccessOnly, ...errorResponses(401, 404) } },
  }, async (request) => {
    await service.deleteCustomer(context(), request.params.id);
    return { success: true };
  });

  await app.register(customerImportRoutes, { ctx });
};

/** RFC 7240's `Prefer: return=minimal`: the caller wants the outcome, not the stored resources. */
function wantsMinimalReturn(prefer: string | string[] | undefined): boolean {
  const values = Array.isArray(prefer) ? prefer : prefer === undefined ? [] : [prefer];
  return values.some((value) => value.split(',').some((p) => p.trim().toLowerCase() === 'return=minimal'));
}

export { MAX_CUSTOMERS_PER_REQUEST };
