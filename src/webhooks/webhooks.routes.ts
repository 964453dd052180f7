import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../app-context.js';
import { AppError } from '../errors.js';
import type { WebhookHandler, WebhookRequest } from '../gateways/gateway.js';
import { sendersWithCredentials } from '../senders/senders.repository.js';
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

  /**
   * The webhooks of every sender of this provider: the environment's gateway and each sender
   * added through the API (a request is verified by whichever one's secret signed it).
   */
  const handlersFor = async (provider: string): Promise<WebhookHandler[]> => {
    const handlers: WebhookHandler[] = [];
    if (provider === ctx.gateway.provider && ctx.webhook) handlers.push(ctx.webhook);
    const senders = (await sendersWithCredentials(ctx.database.db)).filter((s) => s.provider === provider && s.source === 'api');
    for (const sender of senders) {
      // A sender whose credentials can't be read has no webhook; the worker pauses it with the reason.
      const loaded = await ctx.senderGateways.get(sender).catch(() => undefined);
      if (loaded?.webhook) handlers.push(loaded.webhook);
    }
    if (handlers.length === 0) throw new AppError('not_found', `No webhook for "${provider}": no sender uses it.`);
    return handlers;
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
    const handshakes = (await handlersFor(request.params.provider)).filter((h) => h.handshake);
    if (handshakes.length === 0) throw new AppError('not_found', 'This provider has no webhook handshake.');
    const webhookRequest = toWebhookRequest(request);
    const answers = handshakes.map((h) => h.handshake!(webhookRequest));
    const answer = answers.find((a) => a.status === 200) ?? answers[0]!;
    return reply.status(answer.status).type('text/plain').send(answer.body);
  });

  const receive = async (request: FastifyRequest<{ Params: { provider: string; secret?: string } }>, reply: FastifyReply) => {
    const webhookRequest = toWebhookRequest(request, request.params.secret);
    const handler = (await handlersFor(request.params.provider)).find((h) => h.verify(webhookRequest));
    if (!handler) {
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
