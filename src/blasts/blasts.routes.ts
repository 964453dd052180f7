import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../app-context.js';
import { gatewaysOfBlastSenders } from '../senders/blast-senders.js';
import { idempotencyKeyOf, readBlastRequest, requestHash } from './blast-request.js';
import { errorResponses, IdParams } from '../http/common.schema.js';
import {
  BlastDetailResponse,
  BlastHistoryResponse,
  BlastLogsResponse,
  BlastQueuedResponse,
  BlastRequestBodyDoc,
  BlastSubmitHeaders,
  HistoryQuery,
  LogsQuery,
  MediaParams,
} from './blasts.schema.js';
import * as service from './blasts.service.js';

/** Room for 100,000 selected ids as JSON. */
const BLAST_BODY_LIMIT = 4 * 1024 * 1024;

export const blastRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const { db, engine } = ctx.database;

  const blastSchema = {
    tags: ['Blasts'],
    summary: 'Queue a blast',
    description:
      'JSON, or multipart/form-data with the same fields (`customer_ids`, `filter_params` and `template` as JSON text) plus an optional `image` file. ' +
      'Answers as soon as the blast is saved and queued; a worker sends it, pausing between messages.',
    headers: BlastSubmitHeaders,
    response: { 202: BlastQueuedResponse, ...errorResponses(400, 401, 409, 413, 415, 422) },
  };
  // JSON or multipart, read and validated by readBlastRequest; openapiBody documents both.
  app.post('/whatsapp/blast', { bodyLimit: BLAST_BODY_LIMIT, config: { openapiBody: BlastRequestBodyDoc }, schema: blastSchema }, async (request, reply) => {
    const { body, image } = await readBlastRequest(request);
    const key = idempotencyKeyOf(request.headers['idempotency-key']);
    const { blastId, replayed } = await service.acceptBlast(
      { db, engine, now: ctx.clock.now(), publicBaseUrl: ctx.config.publicBaseUrl, gatewaysFor: (ids) => gatewaysOfBlastSenders(db, ctx.senderGateways, ids) },
      request.admin.id,
      body,
      image,
      key === undefined ? undefined : { key, requestHash: requestHash(body, image) },
    );
    if (!replayed) ctx.notifyWork();
    if (replayed) reply.header('idempotent-replayed', 'true');
    return reply.status(202).send({ success: true, message: 'Blast message has been queued successfully.', blast_id: blastId });
  });

  app.get('/whatsapp/blast/history', {
    schema: {
      tags: ['Blasts'],
      summary: 'List blasts, newest first',
      querystring: HistoryQuery,
      response: { 200: BlastHistoryResponse, ...errorResponses(401, 422) },
    },
  }, async (request) => {
    const { status, page, per_page } = request.query;
    const { rows, total } = await service.listHistory(db, status as never, page, per_page);
    return { success: true, data: await service.blastSummaries(db, rows, ctx.clock.now(), ctx.config), meta: { page, per_page, total } };
  });

  app.get('/whatsapp/blast/:id', {
    schema: { tags: ['Blasts'], summary: 'Get one blast with its progress', params: IdParams, response: { 200: BlastDetailResponse, ...errorResponses(401, 404) } },
  }, async (request) => ({
    success: true,
    data: await service.blastDetail(db, request.params.id, ctx.clock.now(), ctx.config),
  }));

  app.get('/whatsapp/blast/:id/logs', {
    schema: {
      tags: ['Blasts'],
      summary: 'List the recipients of a blast and what happened to each',
      params: IdParams,
      querystring: LogsQuery,
      response: { 200: BlastLogsResponse, ...errorResponses(401, 404, 422) },
    },
  }, async (request) => {
    const query = request.query;
    const { rows, total } = await service.listBlastLogs(db, request.params.id, ctx.database.engine, query as never);
    const last = rows.at(-1);
    return {
      success: true,
      data: rows.map(service.toLogResponse),
      meta: { page: query.page, per_page: query.per_page, total, next_cursor: rows.length === query.per_page && last ? Number(last.id) : null },
    };
  });
};

/** Images for providers that fetch media by URL: public, but only at an unguessable address. */
export const mediaRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const mediaSchema = {
    tags: ['Media'],
    summary: 'A blast image (for providers that fetch media by URL)',
    description: 'No bearer token: the address itself is the secret.',
    params: MediaParams,
    response: {
      200: {
        description: 'The image.',
        content: { 'image/jpeg': { schema: { type: 'string', format: 'binary' } }, 'image/png': { schema: { type: 'string', format: 'binary' } } },
      },
      ...errorResponses(404),
    },
  };
  app.get('/media/:token', { schema: mediaSchema }, async (request, reply) => {
    const image = await service.getImage(ctx.database.db, request.params.token);
    return reply
      .header('content-type', image.mime)
      .header('cache-control', 'public, max-age=86400, immutable')
      .header('etag', `"${image.sha256}"`)
      .send(Buffer.from(image.content));
  });
};
