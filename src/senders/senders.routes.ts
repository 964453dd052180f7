import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../app-context.js';
import { errorResponses, IdParams } from '../http/common.schema.js';
import {
  SenderCreate,
  SenderDeletedResponse,
  SenderListResponse,
  SenderOneResponse,
  SenderPatch,
  ProviderListResponse,
} from './senders.schema.js';
import * as service from './senders.service.js';

const TAGS = ['Senders'];

/** The sending numbers: the environment's own (WA_GATEWAY) and any added here with their credentials. */
export const senderRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const context = (): service.SenderContext => ({ db: ctx.database.db, now: ctx.clock.now(), logger: ctx.logger, config: ctx.config });
  const view = (row: Parameters<typeof service.toSenderResponse>[0]) => service.toSenderResponse(row, { now: ctx.clock.now(), config: ctx.config });

  app.get('/senders', {
    schema: { tags: TAGS, summary: 'List sending numbers', response: { 200: SenderListResponse, ...errorResponses(401) } },
  }, async () => ({ success: true, data: (await service.listSenders(context())).map(view) }));

  app.get('/senders/providers', {
    schema: {
      tags: TAGS,
      summary: 'The providers a sender can use, with their credentials',
      description: 'What a form for POST /senders needs: each provider and the credentials it takes (names, required, secret, default).',
      response: { 200: ProviderListResponse, ...errorResponses(401) },
    },
  }, async () => ({ success: true, data: await service.listProviders() }));

  app.get('/senders/:id', {
    schema: { tags: TAGS, summary: 'Get one sending number', params: IdParams, response: { 200: SenderOneResponse, ...errorResponses(401, 404) } },
  }, async (request) => ({ success: true, data: view(await service.getSender(context(), request.params.id)) }));

  app.post('/senders', {
    schema: {
      tags: TAGS,
      summary: 'Add a sending number with its provider credentials',
      description:
        "`credentials` takes the provider's variables under their environment names (docs/providers.md); they are stored " +
        'encrypted under SECRET_KEY and never returned. Without SECRET_KEY only providers that need no credentials (log) can be added (503 otherwise).',
      body: SenderCreate,
      response: { 201: SenderOneResponse, ...errorResponses(400, 401, 415, 422, 503) },
    },
  }, async (request, reply) => {
    const row = await service.createSender(context(), request.body);
    ctx.notifyWork();
    return reply.status(201).send({ success: true, data: view(row) });
  });

  app.patch('/senders/:id', {
    schema: {
      tags: TAGS,
      summary: 'Change a sending number: pacing, caps, credentials, pause or resume',
      description:
        '`credentials` replaces the whole set and resumes a number the provider stopped (an admin pause stays). `state: "active"` resumes it. ' +
        "The environment's sender takes no credentials here (409): set WA_GATEWAY's variables instead.",
      params: IdParams,
      body: SenderPatch,
      response: { 200: SenderOneResponse, ...errorResponses(400, 401, 404, 409, 415, 422, 503) },
    },
  }, async (request) => {
    const row = await service.updateSender(context(), request.params.id, request.body);
    ctx.notifyWork();
    return { success: true, data: view(row) };
  });

  app.delete('/senders/:id', {
    schema: {
      tags: TAGS,
      summary: 'Delete a sending number (its stored credentials are erased)',
      params: IdParams,
      response: { 200: SenderDeletedResponse, ...errorResponses(401, 404, 409) },
    },
  }, async (request) => {
    await service.deleteSender(context(), request.params.id);
    return { success: true, data: { id: request.params.id, deleted: true as const } };
  });
};
