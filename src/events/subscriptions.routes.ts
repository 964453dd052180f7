import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../app-context.js';
import { errorResponses } from '../http/common.schema.js';
import {
  DeliveryListResponse,
  DeliveryOneResponse,
  DeliveryParams,
  DeliveryQuery,
  SubscriptionCreate,
  SubscriptionCreatedResponse,
  SubscriptionDeletedResponse,
  SubscriptionIdParams,
  SubscriptionListResponse,
  SubscriptionOneResponse,
  SubscriptionPatch,
} from './subscriptions.schema.js';
import * as service from './subscriptions.service.js';

const TAGS = ['Event subscriptions'];

/** `/webhooks`: the integrator's URLs that get events pushed to them (not the providers' inbound `/webhooks/*`). */
export const subscriptionRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const context = (): service.SubscriptionContext => ({
    db: ctx.database.db,
    now: ctx.clock.now(),
    secretKey: ctx.config.secretKey,
    allowPrivateUrls: ctx.config.webhooks.allowPrivateUrls,
  });

  app.get('/webhooks', {
    schema: { tags: TAGS, summary: 'List event subscriptions', response: { 200: SubscriptionListResponse, ...errorResponses(401) } },
  }, async () => ({ success: true, data: await service.listSubscriptions(context()) }));

  app.get('/webhooks/:id', {
    schema: { tags: TAGS, summary: 'Get one event subscription', params: SubscriptionIdParams, response: { 200: SubscriptionOneResponse, ...errorResponses(401, 404) } },
  }, async (request) => ({ success: true, data: await service.getSubscription(context(), request.params.id) }));

  app.post('/webhooks', {
    schema: {
      tags: TAGS,
      summary: 'Subscribe a URL to events',
      description:
        'The answer carries `secret`, the key of the `X-Whatsapp-Blast-Signature` HMAC on every delivery: it is shown only here. ' +
        'Only events that happen after this call are sent.',
      body: SubscriptionCreate,
      response: { 201: SubscriptionCreatedResponse, ...errorResponses(400, 401, 415, 422) },
    },
  }, async (request, reply) => reply.status(201).send({ success: true, data: await service.createSubscription(context(), request.body) }));

  app.patch('/webhooks/:id', {
    schema: {
      tags: TAGS,
      summary: 'Change an event subscription: URL, events, active',
      description: '`active: false` stops deliveries; events keep being recorded and wait until it is active again.',
      params: SubscriptionIdParams,
      body: SubscriptionPatch,
      response: { 200: SubscriptionOneResponse, ...errorResponses(400, 401, 404, 415, 422) },
    },
  }, async (request) => ({ success: true, data: await service.updateSubscription(context(), request.params.id, request.body) }));

  app.delete('/webhooks/:id', {
    schema: {
      tags: TAGS,
      summary: 'Delete an event subscription and its delivery history',
      params: SubscriptionIdParams,
      response: { 200: SubscriptionDeletedResponse, ...errorResponses(401, 404) },
    },
  }, async (request) => {
    await service.deleteSubscription(context(), request.params.id);
    return { success: true, data: { id: request.params.id, deleted: true as const } };
  });

  app.get('/webhooks/:id/deliveries', {
    schema: {
      tags: TAGS,
      summary: "A subscription's deliveries: status, attempts, last error",
      params: SubscriptionIdParams,
      querystring: DeliveryQuery,
      response: { 200: DeliveryListResponse, ...errorResponses(401, 404, 422) },
    },
  }, async (request) => ({ success: true, ...(await service.listDeliveries(context(), request.params.id, request.query)) }));

  app.post('/webhooks/:id/deliveries/:deliveryId/redeliver', {
    schema: {
      tags: TAGS,
      summary: 'Send one delivery again (a failed one, or one the receiver lost)',
      description: 'It goes out at once, before newer events of the subscription, with a fresh retry period.',
      params: DeliveryParams,
      response: { 200: DeliveryOneResponse, ...errorResponses(401, 404) },
    },
  }, async (request) => {
    const data = await service.redeliver(context(), request.params.id, request.params.deliveryId);
    ctx.notifyWork();
    return { success: true, data };
  });
};
