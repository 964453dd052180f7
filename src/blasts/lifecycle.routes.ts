import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../app-context.js';
import { assertValid } from '../http/validation.js';
import { BlastIdParams } from './blasts.schema.js';
import { getBlast, toBlastDetailResponse } from './blasts.service.js';
import { changeBlastState, type LifecycleAction } from './lifecycle.service.js';

/** The body is optional (a bare `POST …/retry` retries every failed recipient), so it is checked by hand. */
const RetryBody = Type.Object(
  { error: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'Only recipients whose error contains this text.' })) },
  { additionalProperties: false },
);

/** `POST /whatsapp/blast/:id/{pause,resume,cancel,retry}` → 200 with the blast; an illegal transition is a 409. */
export const lifecycleRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const { db, engine } = ctx.database;
  const lifecycle = { db, engine, now: () => ctx.clock.now(), inFlightWaitMs: ctx.config.gatewayTimeoutMs + 5_000 };

  for (const action of ['pause', 'resume', 'cancel'] as const satisfies LifecycleAction[]) {
    app.post(`/whatsapp/blast/:id/${action}`, { schema: { params: BlastIdParams } }, async (request) => {
      await changeBlastState(lifecycle, request.params.id, action);
      if (action === 'resume') ctx.notifyWork();
      return { success: true, data: toBlastDetailResponse(await getBlast(db, request.params.id), ctx.config.publicBaseUrl) };
    });
  }

  app.post('/whatsapp/blast/:id/retry', { schema: { params: BlastIdParams } }, async (request) => {
    const body = assertValid(RetryBody, request.body ?? {});
    const { requeued } = await changeBlastState(lifecycle, request.params.id, 'retry', { error: body.error });
    ctx.notifyWork();
    return { success: true, requeued, data: toBlastDetailResponse(await getBlast(db, request.params.id), ctx.config.publicBaseUrl) };
  });
};
