import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { assertValid } from '../http/validation.js';
import type { AppContext } from '../app-context.js';
import {
  BulkCustomerInput,
  CustomerInput,
  CustomerListQuery,
  CustomerPatch,
  IdParams,
  MAX_CUSTOMERS_PER_REQUEST,
} from './customers.schema.js';
import * as service from './customers.service.js';

/** A bulk create of 50,000 customers with attributes stays well under this. */
const CREATE_BODY_LIMIT = 64 * 1024 * 1024;

export const customerRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const context = () => ({ db: ctx.database.db, engine: ctx.database.engine, countryCode: ctx.config.defaultCountryCode, now: ctx.clock.now() });

  app.post(
    '/customers',
    { bodyLimit: CREATE_BODY_LIMIT, schema: { body: Type.Object({}, { additionalProperties: true }) } },
    async (request, reply) => {
      const body = request.body as Record<string, unknown>;
      const inputs = 'customers' in body ? assertValid(BulkCustomerInput, body).customers : [assertValid(CustomerInput, body)];
      const rows = await service.createCustomers(context(), inputs);
      return reply.status(201).send({ success: true, data: rows.map(service.toCustomerResponse) });
    },
  );

  app.get('/customers', { schema: { querystring: CustomerListQuery } }, async (request) => {
    const { page, per_page, status, search } = request.query;
    const { rows, total } = await service.listCustomers(context(), { status, search }, page, per_page);
    return { success: true, data: rows.map(service.toCustomerResponse), meta: { page, per_page, total } };
  });

  app.get('/customers/:id', { schema: { params: IdParams } }, async (request) => ({
    success: true,
    data: service.toCustomerResponse(await service.getCustomer(context(), request.params.id)),
  }));

  app.patch('/customers/:id', { schema: { params: IdParams, body: CustomerPatch } }, async (request) => ({
    success: true,
    data: service.toCustomerResponse(await service.updateCustomer(context(), request.params.id, request.body)),
  }));

  app.delete('/customers/:id', { schema: { params: IdParams } }, async (request) => {
    await service.deleteCustomer(context(), request.params.id);
    return { success: true };
  });
};

export { MAX_CUSTOMERS_PER_REQUEST };
