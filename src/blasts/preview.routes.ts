import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../app-context.js';
import { gatewaysOfBlastSenders } from '../senders/blast-senders.js';
import { errorResponses, Nullable, SuccessTrue } from '../http/common.schema.js';
import { BlastRequest } from './blasts.schema.js';
import { previewBlast } from './preview.service.js';

const PreviewQuery = Type.Object(
  { limit: Type.Integer({ minimum: 1, maximum: 50, default: 5, description: 'How many customers of the audience to render.' }) },
  { additionalProperties: false },
);

const PreviewItem = Type.Object(
  {
    customer_id: Type.Integer(),
    name: Type.String(),
    whatsapp_number: Nullable(Type.String()),
    would_send: Type.Boolean(),
    reason: Nullable(Type.String({ description: 'Why this customer would not be sent to.' })),
    text: Nullable(Type.String({ description: 'The message as this customer would receive it.' })),
    template_params: Type.Optional(Type.Array(Type.String())),
  },
  { additionalProperties: true },
);
const AudienceCount = Type.Object(
  {
    total: Type.Integer({ description: 'Customers in the audience now.' }),
    sendable: Type.Integer({ description: 'How many would be sent to (the recipient count): a usable number, not opted out, not a number already in the blast. A message missing a value is shown in `data`.' }),
    skipped: Type.Integer({ description: 'How many would be skipped: opted out, no usable number, or a number already in the blast.' }),
  },
  { additionalProperties: true },
);
const PreviewResponse = Type.Object(
  { success: SuccessTrue, data: Type.Array(PreviewItem), meta: Type.Object({ audience: AudienceCount }, { additionalProperties: true }) },
  { additionalProperties: true, description: 'The blast as it would be sent to the first customers of its audience.' },
);

/** `POST /whatsapp/blast/preview`: the blast request's body, rendered for a few customers, sending nothing. */
export const previewRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.post('/whatsapp/blast/preview', {
    bodyLimit: 4 * 1024 * 1024,
    schema: {
      tags: ['Blasts'],
      summary: 'Preview a blast: render it for a few customers, sending nothing',
      body: BlastRequest,
      querystring: PreviewQuery,
      response: { 200: PreviewResponse, ...errorResponses(400, 401, 413, 415, 422) },
    },
  }, async (request) => {
    const { db, engine } = ctx.database;
    const { data, audience } = await previewBlast(
      { db, engine, now: ctx.clock.now(), publicBaseUrl: ctx.config.publicBaseUrl, gatewaysFor: (ids) => gatewaysOfBlastSenders(db, ctx.senderGateways, ids) },
      request.body,
      request.query.limit,
    );
    return { success: true, data, meta: { audience } };
  });
};
