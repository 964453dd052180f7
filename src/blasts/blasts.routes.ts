import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../app-context.js';
import { readBlastRequest } from './blast-request.js';
import { BlastIdParams, HistoryQuery, LogsQuery } from './blasts.schema.js';
import * as service from './blasts.service.js';

/** Room for 100,000 selected ids as JSON. */
const BLAST_BODY_LIMIT = 4 * 1024 * 1024;

export const blastRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const { db, engine } = ctx.database;

  app.post('/whatsapp/blast', { bodyLimit: BLAST_BODY_LIMIT }, async (request, reply) => {
    const { body, image } = await readBlastRequest(request);
    const blastId = await service.acceptBlast(
      { db, engine, now: ctx.clock.now(), publicBaseUrl: ctx.config.publicBaseUrl, gateway: ctx.gateway },
      request.admin.id,
      body,
      image,
    );
    ctx.notifyWork();
    return reply.status(202).send({ success: true, message: 'Blast message has been queued successfully.', blast_id: blastId });
  });

  app.get('/whatsapp/blast/history', { schema: { querystring: HistoryQuery } }, async (request) => {
    const { status, page, per_page } = request.query;
    const { rows, total } = await service.listHistory(db, status as never, page, per_page);
    return { success: true, data: rows.map(service.toBlastResponse), meta: { page, per_page, total } };
  });

  app.get('/whatsapp/blast/:id', { schema: { params: BlastIdParams } }, async (request) => ({
    success: true,
    data: service.toBlastDetailResponse(await service.getBlast(db, request.params.id), ctx.config.publicBaseUrl),
  }));

  app.get('/whatsapp/blast/:id/logs', { schema: { params: BlastIdParams, querystring: LogsQuery } }, async (request) => {
    const query = request.query;
    const { rows, total } = await service.listBlastLogs(db, request.params.id, query as never);
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
  app.get<{ Params: { token: string } }>('/media/:token', async (request, reply) => {
    const image = await service.getImage(ctx.database.db, request.params.token);
    return reply
      .header('content-type', image.mime)
      .header('cache-control', 'public, max-age=86400, immutable')
      .header('etag', `"${image.sha256}"`)
      .send(Buffer.from(image.content));
  });
};
