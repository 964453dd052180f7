import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../app-context.js';
import { assertValid } from '../http/validation.js';
import { errorResponses, IdParams } from '../http/common.schema.js';
import { BlastDetailResponse } from './blasts.schema.js';
import { blastDetail } from './blasts.service.js';
import { changeBlastState, type LifecycleAction } from './lifecycle.service.js';

/** The blast after the retry, and how many recipients went back to the queue. */
const BlastRetryResponse = Type.Object(
  { ...BlastDetailResponse.properties, requeued: Type.Integer({ description: 'How many failed recipients were queued again.' }) },
  { additionalProperties: true, description: BlastDetailResponse.description },
);

/** The body is optional (a bare `POST …/retry` retries every failed recipient), so it is checked by hand. */
const RetryBody = Type.Object(
  { error: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'Only recipients whose error contains this text.' })) },
  { additionalProperties: false },
);

/** `POST /whatsapp/blast/:id/{pause,resume,cancel,retry}` → 200 with the blast; an illegal transition is a 409. */
export const lifecycleRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const { db, engine } = ctx.database;
  const lifecycle = { db, engine, now: () => ctx.clock.now(), inFlightWaitMs: ctx.config.gatewayTimeoutMs + 5_000 };

  const SUMMARIES = {
    pause: 'Pause a blast (answers once the sends in flight are recorded)',
    resume: 'Resume a paused blast',
    cancel: 'Cancel a blast: recipients not yet sent are never sent',
  };
  const response = { 200: BlastDetailResponse, ...errorResponses(401, 404, 409) };
  for (const action of ['pause', 'resume', 'cancel'] as const satisfies LifecycleAction[]) {
    const schema = { tags: ['Blasts'], summary: SUMMARIES[action], params: IdParams, response };
    app.post(`/whatsapp/blast/:id/${action}`, { schema }, async (request) => {
      await changeBlastState(lifecycle, request.params.id, action);
      if (action === 'resume') ctx.notifyWork();
      return { success: true, data: await blastDetail(db, request.params.id, ctx.clock.now(), ctx.config) };
    });
  }

  const retrySchema = {
    tags: ['Blasts'],
    summary: 'Retry the failed recipients of a blast',
    description: 'The body is optional; `{"error": "..."}` retries only the recipients whose error contains that text. Answers `requeued`, the number retried.',
    params: IdParams,
    response: { 200: BlastRetryResponse, ...errorResponses(401, 404, 409, 422) },
  };
  // Optional body, checked in the handler; openapiBody documents it.
  app.post('/whatsapp/blast/:id/retry', { schema: retrySchema, config: { openapiBody: RetryBody, openapiBodyOptional: true } }, async (request) => {
    const body = assertValid(RetryBody, request.body ?? {});
    const { requeued } = await changeBlastState(lifecycle, request.params.id, 'retry', { error: body.error });
    ctx.notifyWork();
    return { success: true, requeued, data: await blastDetail(db, request.params.id, ctx.clock.now(), ctx.config) };
  });
};
