import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../app-context.js';
import { AppError } from '../errors.js';
import type { WebhookRequest } from '../gateways/gateway.js';
import { handleEvents } from './receipts.service.js';
import { WebhookBodyDoc, WebhookHandshakeSchema, WebhookReceiveSchema, WebhookWithSecretSchema } from './webhooks.schema.js';

/** Receipts and inbound messages are small; a provider batching many stays well under this. */
const WEBHOOK_BODY_LIMIT = 1024 * 1024;

/**
 * `/webhooks/<provider>` (and `/webhooks/<provider>/<secret>` for providers verified by a secret
 * path, like Fonnte): no bearer token — each request must pass its provider's own verification,
 * computed over the raw bytes, before anything in it is used.
 */
export const webhookRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  // Signatures are over the exact bytes sent: keep them, parse nothing here.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT }, (_request, body, done) => done(null, body));

  const handlerFor = (provider: string) => {
    if (provider !== ctx.gateway.provider || !ctx.webhook) {
      throw new AppError('not_found', `No webhook for "${provider}": it is not the configured gateway.`);
    }
    return ctx.webhook;
  };

  const toWebhookRequest = (request: FastifyRequest, secret?: string): WebhookRequest => ({
    method: request.method === 'GET' ? 'GET' : 'POST',
    publicUrl: `${ctx.config.publicBaseUrl ?? `${request.protocol}://${request.host}`}${request.url}`,
    headers: request.headers,
    query: request.query as Record<string, string>,
    rawBody: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
    pathSecret: secret,
  });

  app.get<{ Params: { provider: string } }>('/webhooks/:provider', { schema: WebhookHandshakeSchema }, async (request, reply) => {
    const handler = handlerFor(request.params.provider);
    if (!handler.handshake) throw new AppError('not_found', 'This provider has no webhook handshake.');
    const answer = handler.handshake(toWebhookRequest(request));
    return reply.status(answer.status).type('text/plain').send(answer.body);
  });

  const receive = async (request: FastifyRequest<{ Params: { provider: string; secret?: string } }>, reply: FastifyReply) => {
    const handler = handlerFor(request.params.provider);
    const webhookRequest = toWebhookRequest(request, request.params.secret);
    if (!handler.verify(webhookRequest)) {
      request.log.warn({ provider: request.params.provider }, 'webhook rejected: verification failed');
      throw new AppError('unauthorized', 'The webhook could not be verified.');
    }
    const summary = await handleEvents(ctx.database.db, handler.parse(webhookRequest), {
      provider: request.params.provider,
      optOutKeywords: ctx.config.optOutKeywords,
      now: ctx.clock.now(),
    });
    request.log.info({ provider: request.params.provider, ...summary }, 'webhook handled');
    if (handler.reply) return reply.type(handler.reply.contentType).send(handler.reply.body);
    return { success: true };
  };
  app.post('/webhooks/:provider', { schema: WebhookReceiveSchema, config: { openapiBody: WebhookBodyDoc } }, receive);
  app.post('/webhooks/:provider/:secret', { schema: WebhookWithSecretSchema, config: { openapiBody: WebhookBodyDoc } }, receive);
};
