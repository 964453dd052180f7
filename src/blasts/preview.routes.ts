import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../app-context.js';
import { BlastRequest } from './blasts.schema.js';
import { previewBlast } from './preview.service.js';

const PreviewQuery = Type.Object(
  { limit: Type.Integer({ minimum: 1, maximum: 50, default: 5, description: 'How many customers of the audience to render.' }) },
  { additionalProperties: false },
);

/** `POST /whatsapp/blast/preview`: the blast request's body, rendered for a few customers, sending nothing. */
export const previewRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.post('/whatsapp/blast/preview', { bodyLimit: 4 * 1024 * 1024, schema: { body: BlastRequest, querystring: PreviewQuery } }, async (request) => {
    const { db, engine } = ctx.database;
    const data = await previewBlast(
      { db, engine, now: ctx.clock.now(), publicBaseUrl: ctx.config.publicBaseUrl, gateway: ctx.gateway },
      request.body,
      request.query.limit,
    );
    return { success: true, data };
  });
};
